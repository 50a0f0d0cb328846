import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Permission, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid } from '@scrutiny/core';

export type TimelineEventKind = 'record' | 'review' | 'rating' | 'finding' | 'action';

/** One event in an officer's history, about one of their records. */
export interface TimelineEvent {
  kind: TimelineEventKind;
  /** The event's own id (record, dip sample item, agenda item + rater, finding or action). */
  id: string;
  /** When it happened: the encounter, the review's completion (or last change), the rating's submission, the finding, the action's raising. */
  at: string;
  /** The record the event is about. */
  record: { kind: string; id: string; reference: string | null };
  /** Record: its outcome code(s) (a use of force has several); review, rating, finding: the form's outcome. */
  outcomes: string[];
  /** Review, rating, finding: the form's RAG (green, amber, red). */
  rag: string | null;
  /** Review: assigned, in_progress, completed; action: open, in_progress, done, cancelled. */
  status: string | null;
  /** Rating and finding: the panel session (its scheduled time). */
  session: { id: string; scheduledAt: string } | null;
  /** Action: its kind, due date (YYYY-MM-DD) and owner. */
  action: { kind: string; dueOn: string; owner: string } | null;
}

export interface OfficerTimeline {
  officer: {
    id: string;
    reference: string;
    forceCode: string;
    teamCode: string | null;
    flag: { flaggedAt: string; reason: string | null; clearedAt: string | null } | null;
  };
  items: TimelineEvent[];
  /** Every event in the officer's timeline, whatever the page. */
  total: number;
  /** Pass as `before` for the next (older) page; null on the last. */
  nextCursor: string | null;
}

export const TIMELINE_DEFAULT_LIMIT = 50;
export const TIMELINE_MAX_LIMIT = 200;

/**
 * Every event about the officer's records, each branch reached through an index: the records by their officer_id
 * partial indexes, dip sample items and agenda items by (case_kind, case_id), reviews and ratings by their item's
 * key, findings by (agenda_item_id, …) and actions by finding_id. `$1` is the officer. Only submitted ratings and
 * final findings: drafts are still being written and are nobody's judgement yet.
 */
const EVENTS_SQL = `
  WITH cases AS (
    SELECT 'stop_search'::text AS case_kind, id AS case_id, source_reference, occurred_at, array_remove(ARRAY[outcome], NULL) AS outcomes FROM stop_searches WHERE officer_id = $1
    UNION ALL SELECT 'vehicle_stop', id, source_reference, occurred_at, array_remove(ARRAY[outcome], NULL) FROM vehicle_stops WHERE officer_id = $1
    UNION ALL SELECT 'use_of_force', id, source_reference, occurred_at, outcomes FROM use_of_force_reports WHERE officer_id = $1
  ),
  agenda AS (
    SELECT ai.id, ai.session_id, c.case_kind, c.case_id, c.source_reference, ps.scheduled_at
    FROM cases c JOIN session_agenda_items ai ON ai.case_kind = c.case_kind AND ai.case_id = c.case_id
    JOIN panel_sessions ps ON ps.id = ai.session_id
  ),
  findings AS (
    SELECT f.id, f.form, f.updated_at, a.session_id, a.scheduled_at, a.case_kind, a.case_id, a.source_reference
    FROM agenda a JOIN panel_findings f ON f.agenda_item_id = a.id AND f.status = 'final'
  ),
  events AS (
    SELECT 'record' AS kind, c.case_id AS id, c.occurred_at AS at, c.case_kind, c.case_id, c.source_reference, c.outcomes,
      NULL::text AS rag, NULL::text AS status, NULL::uuid AS session_id, NULL::timestamptz AS scheduled_at,
      NULL::text AS action_kind, NULL::date AS due_on, NULL::text AS owner, ''::text AS tiebreak
    FROM cases c
    UNION ALL
    SELECT 'review', i.id, coalesce(r.completed_at, r.updated_at), c.case_kind, c.case_id, c.source_reference, array_remove(ARRAY[r.form->>'outcome'], NULL),
      r.form->'assessment'->>'rag', r.status, NULL, NULL, NULL, NULL, NULL, ''
    FROM cases c JOIN dip_sample_items i ON i.case_kind = c.case_kind AND i.case_id = c.case_id JOIN sample_reviews r ON r.item_id = i.id
    UNION ALL
    SELECT 'rating', a.id, pr.submitted_at, a.case_kind, a.case_id, a.source_reference, array_remove(ARRAY[pr.form->>'outcome'], NULL),
      pr.form->'assessment'->>'rag', NULL, a.session_id, a.scheduled_at, NULL, NULL, NULL, md5(pr.user_id::text)
    FROM agenda a JOIN panel_ratings pr ON pr.agenda_item_id = a.id AND pr.status = 'submitted'
    UNION ALL
    SELECT 'finding', f.id, f.updated_at, f.case_kind, f.case_id, f.source_reference, array_remove(ARRAY[f.form->>'outcome'], NULL),
      f.form->'assessment'->>'rag', NULL, f.session_id, f.scheduled_at, NULL, NULL, NULL, ''
    FROM findings f
    UNION ALL
    SELECT 'action', fa.id, fa.created_at, f.case_kind, f.case_id, f.source_reference, '{}'::text[], NULL, fa.status,
      f.session_id, f.scheduled_at, fa.kind, fa.due_on, fa.owner, ''
    FROM findings f JOIN finding_actions fa ON fa.finding_id = f.id
  )`;

/** Ratings are one per rater per agenda item: the tiebreak (a hash of the rater) keeps them apart without naming them. */
const ORDER_KEY = `kind || ':' || id::text || ':' || tiebreak`;

type Row = {
  kind: TimelineEventKind;
  id: string;
  at: Date;
  key: string;
  /** `at` to the microsecond (a Date keeps milliseconds): the cursor must not fall between two events. */
  at_exact: string;
  case_kind: string;
  case_id: string;
  source_reference: string | null;
  outcomes: string[];
  rag: string | null;
  status: string | null;
  session_id: string | null;
  scheduled_at: Date | null;
  action_kind: string | null;
  due_on: string | null;
  owner: string | null;
};

const encodeCursor = (at: string, key: string) => Buffer.from(JSON.stringify([at, key])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[1] === 'string' &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    )
      return [value[0], value[1]];
  } catch {
    // falls through to the validation error
  }
  throw DomainError.validation([{ field: 'before', message: 'is not a cursor this list gave' }]);
}

/**
 * An officer's timeline for professional standards: their records, the supervisor reviews and panel ratings of
 * those records, the panels' findings and the actions raised, newest first. Officer identities and their history
 * are for officers:manage (domain §7); every read is audited, naming the officer and the events shown.
 */
@Injectable()
export class OfficerTimelineService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async timeline(
    actor: Actor,
    officerId: string,
    page: { limit?: number; before?: string } = {},
  ): Promise<OfficerTimeline> {
    // The route requires officers:manage; this covers callers other than the API (the web workspace, scripts).
    if (!actor.permissions.has(Permission.OFFICERS_MANAGE))
      throw new DomainError('FORBIDDEN', "An officer's timeline is for professional standards");
    if (!isUuid(officerId)) throw DomainError.notFound('Officer', officerId);
    const limit = page.limit ?? TIMELINE_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > TIMELINE_MAX_LIMIT)
      throw DomainError.validation([
        { field: 'limit', message: `must be a whole number from 1 to ${TIMELINE_MAX_LIMIT}` },
      ]);
    const cursor = page.before ? decodeCursor(page.before) : null;

    const [officer] = (await this.dataSource.query(
      `SELECT id, reference, force_code, team_code, flagged_at, flag_reason, flag_cleared_at FROM officers WHERE id = $1`,
      [officerId],
    )) as {
      id: string;
      reference: string;
      force_code: string;
      team_code: string | null;
      flagged_at: Date | null;
      flag_reason: string | null;
      flag_cleared_at: Date | null;
    }[];
    if (!officer) throw DomainError.notFound('Officer', officerId);

    const rows = (await this.dataSource.query(
      `${EVENTS_SQL}
       SELECT e.kind, e.id, e.at, e.case_kind, e.case_id, e.source_reference, e.outcomes, e.rag, e.status, e.session_id,
         e.scheduled_at, e.action_kind, to_char(e.due_on, 'YYYY-MM-DD') AS due_on, e.owner, ${ORDER_KEY} AS key,
         to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_exact
       FROM events e
       WHERE e.at IS NOT NULL AND ($2::timestamptz IS NULL OR (e.at, ${ORDER_KEY}) < ($2::timestamptz, $3::text))
       ORDER BY e.at DESC, key DESC LIMIT $4`,
      [officerId, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
    )) as Row[];
    const [counted] = (await this.dataSource.query(
      `${EVENTS_SQL} SELECT count(*)::int AS total FROM events WHERE at IS NOT NULL`,
      [officerId],
    )) as { total: number }[];
    const shown = rows.slice(0, limit);
    const items = shown.map(toEvent);

    await this.audit.record(actor, {
      action: 'officer.timeline.read',
      target: { type: 'officer', id: officerId },
      details: {
        before: page.before ?? null,
        limit,
        events: items.map((e) => ({ kind: e.kind, id: e.id, record: e.record.id })),
      },
    });
    const last = shown[shown.length - 1];
    return {
      officer: {
        id: officer.id,
        reference: officer.reference,
        forceCode: officer.force_code,
        teamCode: officer.team_code,
        flag: officer.flagged_at
          ? {
              flaggedAt: officer.flagged_at.toISOString(),
              reason: officer.flag_reason,
              clearedAt: officer.flag_cleared_at?.toISOString() ?? null,
            }
          : null,
      },
      items,
      total: counted?.total ?? 0,
      nextCursor: rows.length > limit && last ? encodeCursor(last.at_exact, last.key) : null,
    };
  }
}

function toEvent(r: Row): TimelineEvent {
  return {
    kind: r.kind,
    id: r.id,
    at: r.at.toISOString(),
    record: { kind: r.case_kind, id: r.case_id, reference: r.source_reference },
    outcomes: r.outcomes,
    rag: r.rag,
    status: r.status,
    session: r.session_id && r.scheduled_at ? { id: r.session_id, scheduledAt: r.scheduled_at.toISOString() } : null,
    action: r.action_kind ? { kind: r.action_kind, dueOn: r.due_on!, owner: r.owner! } : null,
  };
}
