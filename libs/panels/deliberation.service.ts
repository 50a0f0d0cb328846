import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  caseColumnsSql,
  CURRENT_PANEL_MEMBERSHIP_SQL,
  isPoliceWide,
  officerToken,
  Permission,
  pseudonymiseText,
  type Actor,
  type CaseKind,
} from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import {
  APP_CONFIG,
  DomainError,
  isIsoDate,
  isUuid,
  londonToday,
  quarterName,
  type AppConfig,
  type FieldError,
} from '@scrutiny/core';
import { EmailOutbox } from '@scrutiny/notifications';
import { CasesService, csvLine, type CaseRecordView } from '@scrutiny/records';
import { checkForm, formProblems, formValidationError } from '@scrutiny/review';
import { measureAgreement, type AgreementResult } from './agreement';
import { CRITERION_SCALES } from './criteria-scales';
import { ACTION_STATUSES, type SessionStatus } from './panel.entities';
import { PanelsService, type AgendaItemView, type SessionView } from './panels.service';

export interface RatingView {
  /** The rater: themselves for their own, else "Member n" (order of submission), never who. */
  rater: string;
  mine: boolean;
  status: 'draft' | 'submitted';
  form: Record<string, unknown>;
  submittedAt: string | null;
  version: number;
}

export interface FindingView {
  id: string;
  agendaItemId: string;
  version: number;
  status: 'draft' | 'final';
  form: Record<string, unknown>;
  supersedes: string | null;
  correctionReason: string | null;
  createdAt: string;
  rowVersion: number;
}

export const ACTION_KINDS = [
  'feedback_to_officer',
  'organisational_learning',
  'referral_to_professional_standards',
  'policy_or_training',
  'other',
] as const;

export interface ActionInput {
  kind: string;
  description: string;
  owner: string;
  dueOn: string;
}

export interface ActionFilter {
  overdue?: boolean;
  sessionId?: string;
  /** First day of a quarter: see `listActions`. */
  quarter?: string;
  /** First day of a quarter: only the actions its themes review raised. */
  meetingQuarter?: string;
}

export interface ActionView {
  id: string;
  /** The panel finding that raised it, or null when raised at a quarterly themes review. */
  findingId: string | null;
  sessionId: string | null;
  /** The agenda item (the case in its session) whose finding raised it; stays the same when the finding is corrected. */
  agendaItemId: string | null;
  /** The quarter whose themes review raised it (e.g. 2024-Q2), or null. */
  meetingQuarter: string | null;
  /** The complaint whose outcome raised it (the complaints register), or null. */
  complaintId?: string | null;
  kind: string;
  description: string;
  owner: string;
  /** The day it was raised (Europe/London date of its creation), not the day of its session. */
  raisedOn: string;
  dueOn: string;
  overdue: boolean;
  status: string;
  response: string | null;
  respondedAt: string | null;
  version: number;
}

/** The day an action was raised: the Europe/London date it was entered, whenever its session was scheduled. */
const RAISED_ON = `(a.created_at AT TIME ZONE 'Europe/London')::date`;

/**
 * The day whose quarter an action belongs to in the quarterly review: the first day of the quarter whose themes
 * review raised it, else the day of the session whose finding raised it (an action entered after a June session is
 * still that quarter's business), else the day the complaint that raised it was finalised, else the day it was raised.
 */
const BELONGS_TO = `coalesce(a.meeting_quarter, (ps.scheduled_at AT TIME ZONE 'Europe/London')::date,
  (SELECT cp.finalised_on FROM complaints cp WHERE cp.id = a.complaint_id), ${RAISED_ON})`;

const ACTION_SELECT = `
  SELECT a.*, ps.panel_id, pn.kind AS panel_kind, to_char(${RAISED_ON}, 'YYYY-MM-DD') AS raised, to_char(a.due_on, 'YYYY-MM-DD') AS due, to_char(a.meeting_quarter, 'YYYY-MM-DD') AS meeting_quarter, ai.session_id, f.agenda_item_id,
    (a.status IN ('open', 'in_progress') AND a.due_on < (now() AT TIME ZONE 'Europe/London')::date) AS overdue
  FROM finding_actions a LEFT JOIN panel_findings f ON f.id = a.finding_id LEFT JOIN session_agenda_items ai ON ai.id = f.agenda_item_id
    LEFT JOIN panel_sessions ps ON ps.id = ai.session_id LEFT JOIN panels pn ON pn.id = ps.panel_id`;

function toFinding(r: Record<string, unknown>): FindingView {
  return {
    id: r.id as string,
    agendaItemId: r.agenda_item_id as string,
    version: r.finding_version as number,
    status: r.status as 'draft' | 'final',
    form: r.form as Record<string, unknown>,
    supersedes: r.supersedes_id as string | null,
    correctionReason: r.correction_reason as string | null,
    createdAt: (r.created_at as Date).toISOString(),
    rowVersion: r.version as number,
  };
}

/** A form's answer at a dotted path, keyed '' (or, for a question asked of each list entry, keyed by that entry). */
function answersAt(form: unknown, criterion: string, each?: { list: string; key: string }): Map<string, string> {
  const at = (value: unknown, path: string[]): unknown =>
    path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), value);
  const answers = new Map<string, string>();
  if (!each) {
    const v = at(form, criterion.split('.'));
    if (typeof v === 'string') answers.set('', v);
    return answers;
  }
  const list = at(form, each.list.split('.'));
  const rest = criterion.slice(each.list.length + 1).split('.');
  if (!Array.isArray(list)) return answers;
  for (const entry of list) {
    const key = at(entry, [each.key]);
    const v = at(entry, rest);
    if (typeof key === 'string' && typeof v === 'string') answers.set(key, v);
  }
  return answers;
}

/** When each write may happen, and what to say otherwise (checked on the session view, then again inside the write). */
const WHILE_OPEN: readonly SessionStatus[] = ['open'];
const ONCE_CLOSED: readonly SessionStatus[] = ['closed', 'published'];
const ratingRefusal = (status: SessionStatus) => `Ratings are given while the session is open; it is ${status}`;
const findingRefusal = (status: SessionStatus) =>
  `Findings are recorded while the session is open; it is ${status} (a closed session's findings are corrected by a new version)`;
const correctionRefusal = () => 'Only the findings of a closed session are corrected; while open, edit the finding';

function toAction(r: Record<string, unknown>): ActionView {
  return {
    id: r.id as string,
    findingId: r.finding_id as string | null,
    sessionId: r.session_id as string | null,
    agendaItemId: r.agenda_item_id as string | null,
    meetingQuarter: r.meeting_quarter ? quarterName(r.meeting_quarter as string) : null,
    complaintId: (r.complaint_id as string | null) ?? null,
    kind: r.kind as string,
    description: r.description as string,
    owner: r.owner as string,
    raisedOn: r.raised as string,
    dueOn: r.due as string,
    overdue: r.overdue as boolean,
    status: r.status as string,
    response: r.response as string | null,
    respondedAt: (r.responded_at as Date | null)?.toISOString() ?? null,
    version: r.version as number,
  };
}

/**
 * What happens in a session: members rate each case blind, the chair records the consensus finding (frozen at
 * close; corrections are new versions), findings raise actions the force answers, and the session report.
 */
@Injectable()
export class DeliberationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly panels: PanelsService,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly email: EmailOutbox,
  ) {}

  // ---- blind ratings ----

  /** A member's own rating of a case: saved as a draft, or submitted (then final). Optimistic locking after the first save. */
  async saveRating(
    actor: Actor,
    sessionId: string,
    itemId: string,
    input: { form: unknown; submit?: boolean; version?: number },
  ): Promise<RatingView> {
    // The session view admits members only while their membership is current (term, vetting, confidentiality agreement).
    const session = await this.panels.session(actor, sessionId);
    const item = this.item(session, itemId);
    if (session.yourRole === 'manager') throw new DomainError('FORBIDDEN', 'Only members of the panel rate its cases');
    this.requireStatus(session, WHILE_OPEN, ratingRefusal);
    // A draft keeps what is answered so far; submitting needs the whole form of the case's kind.
    const form = await checkForm(
      this.dataSource,
      { kind: item.caseKind, caseId: item.caseId, purpose: 'review', stage: input.submit ? 'complete' : 'draft' },
      input.form,
    );
    await this.dataSource.transaction(async (m) => {
      await this.panels.requireStatusIn(m, sessionId, WHILE_OPEN, ratingRefusal, itemId);
      const [current] = (await m.query(
        `SELECT status, version FROM panel_ratings WHERE agenda_item_id = $1 AND user_id = $2 FOR UPDATE`,
        [itemId, actor.id],
      )) as { status: string; version: number }[];
      if (current?.status === 'submitted')
        throw new DomainError('CONFLICT', 'Your rating is submitted and can no longer change');
      if (current && current.version !== input.version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `Your rating was changed elsewhere (version ${current.version}, you sent ${input.version ?? 'none'}); reload and try again`,
          {
            extensions: { currentVersion: current.version },
          },
        );
      }
      const status = input.submit ? 'submitted' : 'draft';
      if (current) {
        await m.query(
          `UPDATE panel_ratings SET form = $3, status = $4, submitted_at = CASE WHEN $4 = 'submitted' THEN now() END, updated_at = now(), version = version + 1 WHERE agenda_item_id = $1 AND user_id = $2`,
          [itemId, actor.id, JSON.stringify(form), status],
        );
      } else {
        const inserted = (await m.query(
          `INSERT INTO panel_ratings (agenda_item_id, user_id, form, status, submitted_at, version) VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'submitted' THEN now() END, 1)
           ON CONFLICT (agenda_item_id, user_id) DO NOTHING RETURNING 1`,
          [itemId, actor.id, JSON.stringify(form), status],
        )) as unknown[];
        // Another request of yours saved the first version meanwhile (a double submit): this one did not read it.
        if (!inserted.length)
          throw new DomainError(
            'VERSION_CONFLICT',
            'Your rating was saved by another request at the same time (now version 1); reload and try again',
            { extensions: { currentVersion: 1 } },
          );
      }
      await this.audit.record(
        actor,
        {
          action: input.submit ? 'panel_rating.submitted' : 'panel_rating.saved',
          target: { type: item.caseKind, id: item.caseId },
          details: { sessionId, itemId },
        },
        m,
      );
    });
    return (await this.ratingsSeenBy(actor, sessionId, itemId)).find((r) => r.mine)!;
  }

  /**
   * The ratings of a case the actor may see: always their own; others' submitted ratings once they have submitted
   * theirs or the chair revealed them (managers see every submitted rating). Drafts are never shown to others.
   */
  async ratings(actor: Actor, sessionId: string, itemId: string): Promise<RatingView[]> {
    const shown = await this.ratingsSeenBy(actor, sessionId, itemId);
    await this.audit.record(actor, {
      action: 'panel_ratings.viewed',
      target: { type: 'session_agenda_item', id: itemId },
      details: { sessionId, shown: shown.map((r) => ({ rater: r.rater, status: r.status })) },
    });
    return shown;
  }

  private async ratingsSeenBy(actor: Actor, sessionId: string, itemId: string): Promise<RatingView[]> {
    const session = await this.panels.session(actor, sessionId);
    const item = this.item(session, itemId);
    const rows = (await this.dataSource.query(
      `SELECT user_id, status, form, submitted_at, version FROM panel_ratings WHERE agenda_item_id = $1 ORDER BY submitted_at NULLS LAST, user_id`,
      [itemId],
    )) as {
      user_id: string;
      status: 'draft' | 'submitted';
      form: Record<string, unknown>;
      submitted_at: Date | null;
      version: number;
    }[];
    const mine = rows.find((r) => r.user_id === actor.id);
    const seeOthers = session.yourRole === 'manager' || item.ratingsRevealed || mine?.status === 'submitted';
    let n = 0;
    return rows
      .filter((r) => r.user_id === actor.id || (seeOthers && r.status === 'submitted'))
      .map((r) => ({
        rater: r.user_id === actor.id ? 'you' : `Member ${++n}`,
        mine: r.user_id === actor.id,
        status: r.status,
        form: r.form,
        submittedAt: r.submitted_at?.toISOString() ?? null,
        version: r.version,
      }));
  }

  /**
   * Inter-rater agreement per criterion over the session's submitted ratings: Krippendorff's alpha with the metric of
   * the criterion's scale (criteria-scales.ts), a seeded bootstrap 95% interval, and the reason when there are too few
   * ratings to pair.
   */
  async agreement(
    actor: Actor,
    sessionId: string,
  ): Promise<{
    sessionId: string;
    ratings: number;
    criteria: ({ criterion: string; scale: string[] } & AgreementResult)[];
  }> {
    const session = await this.panels.session(actor, sessionId);
    if (session.yourRole === 'member' && session.status === 'open')
      throw new DomainError(
        'FORBIDDEN',
        'Agreement is shown to the chair while the session is open, to everyone after',
      );
    const rows = (await this.dataSource.query(
      `SELECT r.agenda_item_id, r.user_id, r.form FROM panel_ratings r JOIN session_agenda_items a ON a.id = r.agenda_item_id WHERE a.session_id = $1 AND r.status = 'submitted'`,
      [sessionId],
    )) as { agenda_item_id: string; user_id: string; form: Record<string, unknown> }[];
    const raters = [...new Set(rows.map((r) => r.user_id))].sort();
    const items = [...new Set(rows.map((r) => r.agenda_item_id))].sort();
    const byItemAndRater = new Map(rows.map((r) => [`${r.agenda_item_id}/${r.user_id}`, r.form]));
    const criteria = Object.entries(CRITERION_SCALES).map(([criterion, scale]) => {
      // A unit is a case, or for a question asked of each tactic, a (case, tactic) pair.
      const units = items.flatMap((item) => {
        const answers = raters.map((rater) => {
          const form = byItemAndRater.get(`${item}/${rater}`);
          return form ? answersAt(form, criterion, scale.each) : new Map<string, string>();
        });
        const entries = [...new Set(answers.flatMap((a) => [...a.keys()]))].sort();
        return entries.map((entry) => answers.map((a) => a.get(entry) ?? null));
      });
      return {
        criterion,
        scale: [...scale.values],
        ...measureAgreement(units, scale, { seed: `${sessionId}/${criterion}` }),
      };
    });
    return { sessionId, ratings: rows.length, criteria };
  }

  // ---- consensus findings ----

  /** The chair records (or revises) the consensus finding of a case while the session is open. */
  async saveFinding(
    actor: Actor,
    sessionId: string,
    itemId: string,
    input: { form: unknown; version?: number },
  ): Promise<FindingView> {
    const session = await this.panels.session(actor, sessionId);
    this.panels.requireChair(session);
    const item = this.item(session, itemId);
    this.requireStatus(session, WHILE_OPEN, findingRefusal);
    const form = await checkForm(
      this.dataSource,
      { kind: item.caseKind, caseId: item.caseId, purpose: 'finding', stage: 'complete' },
      input.form,
    );
    await this.dataSource.transaction(async (m) => {
      // Share-locks the session: a close (which freezes the findings) waits for this write, or this sees it closed.
      await this.panels.requireStatusIn(m, sessionId, WHILE_OPEN, findingRefusal, itemId);
      const [current] = (await m.query(
        `SELECT id, version FROM panel_findings WHERE agenda_item_id = $1 AND finding_version = 1 FOR UPDATE`,
        [itemId],
      )) as { id: string; version: number }[];
      if (current && current.version !== input.version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `The finding was changed by someone else (version ${current.version}, you sent ${input.version ?? 'none'}); reload and try again`,
          {
            extensions: { currentVersion: current.version },
          },
        );
      }
      if (current)
        await m.query(
          `UPDATE panel_findings SET form = $2, recorded_by = $3, updated_at = now(), version = version + 1 WHERE id = $1`,
          [current.id, JSON.stringify(form), actor.id],
        );
      else {
        const inserted = (await m.query(
          `INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, recorded_by, version) VALUES ($1, 1, $2, 'draft', $3, 1)
           ON CONFLICT (agenda_item_id, finding_version) DO NOTHING RETURNING id`,
          [itemId, JSON.stringify(form), actor.id],
        )) as unknown[];
        if (!inserted.length) {
          throw new DomainError(
            'VERSION_CONFLICT',
            'The finding was recorded by someone else at the same time (now version 1); reload and try again',
            { extensions: { currentVersion: 1 } },
          );
        }
      }
      await this.audit.record(
        actor,
        {
          action: 'panel_finding.recorded',
          target: { type: item.caseKind, id: item.caseId },
          after: form,
          details: { sessionId, itemId },
        },
        m,
      );
    });
    return (await this.findingVersions(actor, sessionId, itemId))[0];
  }

  /** Corrects a frozen finding: a new version that supersedes (and keeps) the old one, with the reason. */
  async correctFinding(
    actor: Actor,
    sessionId: string,
    itemId: string,
    input: { form: unknown; reason: string },
  ): Promise<FindingView> {
    const session = await this.panels.session(actor, sessionId);
    this.panels.requireChair(session);
    const item = this.item(session, itemId);
    this.requireStatus(session, ONCE_CLOSED, correctionRefusal);
    const errors: FieldError[] = [];
    if (!input.reason?.trim()) errors.push({ field: 'reason', message: 'say why the finding is corrected' });
    const parsed = await formProblems(
      this.dataSource,
      { kind: item.caseKind, caseId: item.caseId, purpose: 'finding', stage: 'complete' },
      input.form,
    );
    if ('errors' in parsed) errors.push(...parsed.errors);
    if (errors.length || 'errors' in parsed) throw formValidationError(errors);
    await this.dataSource.transaction(async (m) => {
      await this.panels.requireStatusIn(m, sessionId, ONCE_CLOSED, correctionRefusal);
      const [latest] = (await m.query(
        `SELECT id, finding_version FROM panel_findings WHERE agenda_item_id = $1 ORDER BY finding_version DESC LIMIT 1 FOR UPDATE`,
        [itemId],
      )) as { id: string; finding_version: number }[];
      if (!latest) throw new DomainError('CONFLICT', 'There is no finding to correct');
      // Two corrections at once both read the same latest version: the second finds its version number taken.
      const inserted = (await m.query(
        `INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, supersedes_id, correction_reason, recorded_by, version) VALUES ($1, $2, $3, 'final', $4, $5, $6, 1)
         ON CONFLICT (agenda_item_id, finding_version) DO NOTHING RETURNING id`,
        [itemId, latest.finding_version + 1, JSON.stringify(parsed.form), latest.id, input.reason.trim(), actor.id],
      )) as unknown[];
      if (!inserted.length) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `The finding was corrected by someone else at the same time (now version ${latest.finding_version + 1}); reload and check it before correcting again`,
          {
            extensions: { currentVersion: latest.finding_version + 1 },
          },
        );
      }
      await this.audit.record(
        actor,
        {
          action: 'panel_finding.corrected',
          target: { type: item.caseKind, id: item.caseId },
          after: parsed.form,
          details: { sessionId, itemId, reason: input.reason.trim(), supersedes: latest.id },
        },
        m,
      );
    });
    return (await this.findingVersions(actor, sessionId, itemId))[0];
  }

  /** Every version of a case's finding, newest first. */
  async findings(actor: Actor, sessionId: string, itemId: string): Promise<FindingView[]> {
    const versions = await this.findingVersions(actor, sessionId, itemId);
    await this.audit.record(actor, {
      action: 'panel_findings.viewed',
      target: { type: 'session_agenda_item', id: itemId },
      details: { sessionId, ids: versions.map((f) => f.id) },
    });
    return versions;
  }

  private async findingVersions(actor: Actor, sessionId: string, itemId: string): Promise<FindingView[]> {
    this.item(await this.panels.session(actor, sessionId), itemId);
    const rows = (await this.dataSource.query(
      `SELECT * FROM panel_findings WHERE agenda_item_id = $1 ORDER BY finding_version DESC`,
      [itemId],
    )) as Record<string, unknown>[];
    return rows.map(toFinding);
  }

  // ---- actions ("you said, we did") ----

  async createAction(actor: Actor, findingId: string, input: ActionInput): Promise<ActionView> {
    const { sessionId, itemId } = await this.findingSession(findingId);
    const session = await this.panels.session(actor, sessionId);
    this.panels.requireChair(session);
    this.item(session, itemId);
    const raised = await this.raiseAction(actor, { findingId }, input);
    return (await this.shownActions(actor, [await this.actionRow(raised.id)]))[0];
  }

  /** An action raised at a quarter's themes review (`quarter`: its first day); it joins the same tracker. */
  raiseMeetingAction(actor: Actor, quarter: string, input: ActionInput): Promise<ActionView> {
    return this.raiseAction(actor, { meetingQuarter: quarter }, input);
  }

  /** An action raised from a complaint's outcome (the complaints lib checks the complaint); the same tracker. */
  raiseComplaintAction(actor: Actor, complaintId: string, input: ActionInput): Promise<ActionView> {
    return this.raiseAction(actor, { complaintId }, input);
  }

  private async raiseAction(
    actor: Actor,
    source: { findingId?: string; meetingQuarter?: string; complaintId?: string },
    input: ActionInput,
  ): Promise<ActionView> {
    const errors: FieldError[] = [];
    if (!(ACTION_KINDS as readonly string[]).includes(input.kind))
      errors.push({ field: 'kind', message: `must be one of ${ACTION_KINDS.join(', ')}` });
    if (!input.description?.trim()) errors.push({ field: 'description', message: 'is required' });
    if (!input.owner?.trim()) errors.push({ field: 'owner', message: 'is required (who in the force answers it)' });
    if (!isIsoDate(input.dueOn)) errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    if (errors.length) throw DomainError.validation(errors);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO finding_actions (finding_id, meeting_quarter, complaint_id, kind, description, owner, due_on, status, created_by, version) VALUES ($1, $2, $8, $3, $4, $5, $6, 'open', $7, 1) RETURNING id`,
        [
          source.findingId ?? null,
          source.meetingQuarter ?? null,
          input.kind,
          input.description.trim(),
          input.owner.trim(),
          input.dueOn,
          actor.id,
          source.complaintId ?? null,
        ],
      )) as { id: string }[];
      await this.audit.record(
        actor,
        {
          action: 'finding_action.raised',
          target: { type: 'finding_action', id: row.id },
          after: input,
          details: source,
        },
        m,
      );
      // Professional standards chase the force's answer.
      await this.email.queue(m, await this.standardsUsers(m), {
        template: 'action_raised',
        path: `/actions#action-${row.id}`,
        eventKey: `action_raised:${row.id}`,
      });
      return row.id;
    });
    return this.action(id);
  }

  private async standardsUsers(q: EntityManager | DataSource): Promise<string[]> {
    const rows = (await q.query(
      `SELECT id FROM users WHERE disabled_at IS NULL AND 'professional_standards' = ANY(roles)`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /**
   * Emails professional standards and whoever raised it, once per action and due date, when an open action passes its
   * due date (London) without an answer.
   */
  async remindOverdueActions(now = new Date()): Promise<number> {
    const overdue = (await this.dataSource.query(
      `SELECT id, created_by, due_on::text AS due_on FROM finding_actions WHERE status IN ('open', 'in_progress') AND due_on < $1::date`,
      [londonToday(now)],
    )) as { id: string; created_by: string | null; due_on: string }[];
    if (!overdue.length) return 0;
    await this.dataSource.transaction(async (m) => {
      const standards = await this.standardsUsers(m);
      // One write for every action (the event key keeps each email to one per action and due date).
      await this.email.queueEach(
        m,
        overdue.flatMap((a) =>
          [...standards, ...(a.created_by ? [a.created_by] : [])].map((userId) => ({
            userId,
            template: 'action_overdue' as const,
            path: `/actions?show=overdue#action-${a.id}`,
            eventKey: `action_overdue:${a.id}:${a.due_on}`,
          })),
        ),
      );
    });
    return overdue.length;
  }

  /** The force answers an action: status, response, owner or due date; optimistic locking by `version`. */
  async updateAction(
    actor: Actor,
    id: string,
    input: { version: number; status?: string; response?: string | null; owner?: string; dueOn?: string },
  ): Promise<ActionView> {
    const before = await this.action(id);
    const errors: FieldError[] = [];
    if (input.status !== undefined && !(ACTION_STATUSES as readonly string[]).includes(input.status))
      errors.push({ field: 'status', message: `must be one of ${ACTION_STATUSES.join(', ')}` });
    // The response it will have: the one sent (null clears it), else the one it has.
    const response = input.response !== undefined ? input.response : before.response;
    if (input.status === 'done' && !response?.trim())
      errors.push({ field: 'response', message: 'say what was done before marking it done' });
    if (input.dueOn !== undefined && !isIsoDate(input.dueOn))
      errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const [, changed] = (await m.query(
        `UPDATE finding_actions SET status = coalesce($3, status), response = CASE WHEN $4 THEN $5 ELSE response END,
           responded_at = CASE WHEN $4 THEN now() ELSE responded_at END, owner = coalesce($6, owner), due_on = coalesce($7::date, due_on), version = version + 1
         WHERE id = $1 AND version = $2`,
        [
          id,
          input.version,
          input.status ?? null,
          input.response !== undefined,
          input.response ?? null,
          input.owner ?? null,
          input.dueOn ?? null,
        ],
      )) as [unknown, number];
      if (!changed) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `Action ${id} was changed by someone else (version ${before.version}, you sent ${input.version}); reload and try again`,
          {
            extensions: { currentVersion: before.version },
          },
        );
      }
      await this.audit.record(
        actor,
        { action: 'finding_action.updated', target: { type: 'finding_action', id }, before, after: input },
        m,
      );
    });
    return this.action(id);
  }

  /**
   * Actions, soonest due first: managers see all, members those of their panels' sessions; actions raised at a
   * quarterly themes review only those who hold that review. `quarter` (first day) keeps those raised in that
   * quarter or at its themes review, and those raised earlier still open when it began.
   */
  async listActions(
    actor: Actor,
    filter: ActionFilter & { limit?: number; cursor?: string },
  ): Promise<{ items: ActionView[]; total: number; nextCursor: string | null }> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
    const page = await this.selectActions(actor, filter, {
      limit,
      after: filter.cursor ? this.actionCursor(filter.cursor) : null,
    });
    const items = page.items.slice(0, limit);
    const last = items[items.length - 1];
    await this.audit.record(actor, {
      action: 'finding_actions.listed',
      details: {
        filter: { overdue: filter.overdue ?? null, sessionId: filter.sessionId ?? null, cursor: filter.cursor ?? null },
        ids: items.map((a) => a.id),
      },
    });
    return {
      items,
      total: page.total,
      nextCursor:
        page.items.length > limit ? Buffer.from(JSON.stringify([last.dueOn, last.id])).toString('base64url') : null,
    };
  }

  /** Every action a quarter's themes review raised, as `listActions` shows them to the actor (a meeting raises few). */
  async actionsOfMeeting(actor: Actor, meetingQuarter: string): Promise<ActionView[]> {
    return (await this.selectActions(actor, { meetingQuarter }, null)).items;
  }

  private actionCursor(cursor: string): [string, string] {
    try {
      const [due, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
      if (isIsoDate(due) && isUuid(id)) return [due, id];
    } catch {
      /* fall through */
    }
    throw DomainError.validation([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  }

  /**
   * Every action of a quarter (as `listActions`), whoever asks and however many: for the quarterly review, which
   * decides what to show. `force` keeps panel actions about that force's cases, and the review's own actions.
   */
  async actionsOfQuarter(quarter: string, force?: string): Promise<ActionView[]> {
    return (await this.selectActions(null, { quarter, force }, null)).items;
  }

  private async selectActions(
    actor: Actor | null,
    filter: ActionFilter & { force?: string },
    page: { limit: number; after: [string, string] | null } | null,
  ): Promise<{ items: ActionView[]; total: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (actor && !isPoliceWide(actor)) {
      where.push(
        `EXISTS (SELECT 1 FROM panel_sessions s JOIN panel_members pm ON pm.panel_id = s.panel_id WHERE s.id = ai.session_id AND pm.user_id = $${params.push(actor.id)} AND ${CURRENT_PANEL_MEMBERSHIP_SQL})`,
        // A member who declared a conflict with a case (at any session) sees none of its actions.
        `NOT EXISTS (SELECT 1 FROM conflict_declarations cd WHERE cd.user_id = $${params.length} AND cd.case_kind = ai.case_kind AND cd.case_id = ai.case_id)`,
      );
    }
    // Actions of a review meeting or a complaint belong to professional standards' side of the tracker.
    if (actor && !actor.permissions.has(Permission.THEMES_REVIEW))
      where.push(`a.meeting_quarter IS NULL AND a.complaint_id IS NULL`);
    if (filter.sessionId)
      where.push(`ai.session_id = $${params.push(isUuid(filter.sessionId) ? filter.sessionId : null)}::uuid`);
    if (filter.meetingQuarter) where.push(`a.meeting_quarter = $${params.push(filter.meetingQuarter)}::date`);
    if (filter.quarter) {
      const q = `$${params.push(filter.quarter)}::date`;
      where.push(`(a.meeting_quarter = ${q} OR (${BELONGS_TO} >= ${q} AND ${BELONGS_TO} < ${q} + interval '3 months')
        OR (${BELONGS_TO} < ${q} AND (a.status IN ('open', 'in_progress') OR (a.responded_at AT TIME ZONE 'Europe/London')::date >= ${q})))`);
    }
    if (filter.force) {
      where.push(
        `(a.meeting_quarter IS NOT NULL OR EXISTS (SELECT 1 FROM (${caseColumnsSql('ai.case_kind', 'ai.case_id', 'force_code')}) c WHERE c.force_code = $${params.push(filter.force)})
          OR EXISTS (SELECT 1 FROM complaints cp WHERE cp.id = a.complaint_id AND cp.force_code = $${params.length}))`,
      );
    }
    if (filter.overdue)
      where.push(`a.status IN ('open', 'in_progress') AND a.due_on < (now() AT TIME ZONE 'Europe/London')::date`);
    const matching = `${ACTION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    if (!page) {
      const rows = (await this.dataSource.query(`${matching} ORDER BY a.due_on, a.id`, params)) as Record<
        string,
        unknown
      >[];
      return { items: await this.shownActions(actor, rows), total: rows.length };
    }
    // One page (one more row than asked, to tell whether another follows) and the count of every match, in one query.
    const after = page.after
      ? `WHERE (m.due_on, m.id) > ($${params.push(page.after[0])}::date, $${params.push(page.after[1])}::uuid)`
      : '';
    const rows = (await this.dataSource.query(
      `WITH m AS (${matching})
       SELECT t.total_count, p.* FROM (SELECT count(*)::int AS total_count FROM m) t
       LEFT JOIN LATERAL (SELECT * FROM m ${after} ORDER BY m.due_on, m.id LIMIT ${page.limit + 1}) p ON true
       ORDER BY p.due_on, p.id`,
      params,
    )) as Record<string, unknown>[];
    return {
      items: await this.shownActions(
        actor,
        rows.filter((r) => r.id !== null),
      ),
      total: (rows[0]?.total_count as number) ?? 0,
    };
  }

  /**
   * Actions as `actor` is shown them: to a member of an external panel, every officer reference of the register in
   * the action's text (description, owner, the force's response) is replaced by that officer's token for the panel,
   * as in their case views. One query for the references, however many actions.
   */
  private async shownActions(actor: Actor | null, rows: Record<string, unknown>[]): Promise<ActionView[]> {
    const views = rows.map(toAction);
    if (!actor || isPoliceWide(actor)) return views;
    const external = rows.flatMap((r, i) => (r.panel_kind === 'external' ? [i] : []));
    const texts = external.flatMap((i) => [views[i].description, views[i].owner, views[i].response ?? '']);
    if (!texts.length) return views;
    const references = (
      (await this.dataSource.query(
        `SELECT DISTINCT reference FROM officers WHERE reference <> '' AND strpos(lower($1), lower(reference)) > 0`,
        [texts.join('\n')],
      )) as { reference: string }[]
    ).map((r) => r.reference);
    if (!references.length) return views;
    for (const i of external) {
      const token = (ref: string) => officerToken(this.config.pseudonymKey, rows[i].panel_id as string, ref);
      const text = (t: string) => pseudonymiseText(t, references, token);
      const v = views[i];
      views[i] = {
        ...v,
        description: text(v.description),
        owner: text(v.owner),
        response: v.response === null ? null : text(v.response),
      };
    }
    return views;
  }

  // ---- the session report ----

  /**
   * The session's findings (latest versions), actions and the force's responses, case by case. Case details come
   * through the cases service, so an external member's report is pseudonymised exactly as their case view is.
   */
  async report(actor: Actor, sessionId: string) {
    const session = await this.panels.session(actor, sessionId);
    if (session.yourRole !== 'manager' && session.status !== 'closed' && session.status !== 'published') {
      throw new DomainError('CONFLICT', 'The report is available once the session is closed');
    }
    const agenda = session.agenda.filter((i) => !i.conflicted);
    const latest = await this.latestFindings(agenda.map((i) => i.id));
    // By agenda item, not by finding: an action raised on version 1 stays with the case after a correction.
    const actionsOf = new Map<string, ActionView[]>();
    for (const a of (await this.selectActions(actor, { sessionId }, null)).items) {
      if (!a.agendaItemId) continue;
      const list = actionsOf.get(a.agendaItemId);
      if (list) list.push(a);
      else actionsOf.set(a.agendaItemId, [a]);
    }
    const items = [];
    for (const item of agenda) {
      const kind = item.caseKind as CaseKind;
      const record = await this.caseOrNull(actor, kind, item);
      const finding = latest.get(item.id);
      const actions = actionsOf.get(item.id) ?? [];
      items.push({
        position: item.position,
        case: record
          ? {
              kind,
              id: record.id,
              period: record.period,
              areaCode: record.areaCode,
              occurredAt: record.occurredAt,
              officer: record.officer,
              pseudonymised: record.pseudonymised,
            }
          : { kind, id: null, period: null, areaCode: null, occurredAt: null, officer: null, pseudonymised: true },
        finding: finding
          ? {
              version: finding.version,
              status: finding.status,
              form: finding.form,
              correctionReason: finding.correctionReason,
            }
          : null,
        actions: actions.map((a) => ({
          kind: a.kind,
          description: a.description,
          owner: a.owner,
          dueOn: a.dueOn,
          status: a.status,
          response: a.response,
          overdue: a.overdue,
        })),
      });
    }
    await this.audit.record(actor, {
      action: 'panel_session.reported',
      target: { type: 'panel_session', id: sessionId },
    });
    return {
      session: {
        id: session.id,
        panel: session.panel.name,
        kind: session.panel.kind,
        scheduledAt: session.scheduledAt,
        status: session.status,
        closedAt: session.closedAt,
        minutes: session.minutes,
      },
      items,
    };
  }

  /** The report as CSV: one line per action (or per case without actions). */
  async reportCsv(actor: Actor, sessionId: string): Promise<string> {
    const report = await this.report(actor, sessionId);
    const header = [
      'position',
      'case_kind',
      'period',
      'area',
      'officer',
      'rag',
      'themes',
      'outcome',
      'learning_points',
      'questions_for_force',
      'action',
      'action_owner',
      'action_due',
      'action_status',
      'force_response',
    ];
    const lines = [csvLine(header)];
    for (const item of report.items) {
      const form = (item.finding?.form ?? {}) as {
        assessment?: {
          rag?: string;
          themes?: string[];
          learningPoints?: string | null;
          questionsForForce?: string | null;
        };
        outcome?: string;
      };
      const base = [
        String(item.position),
        item.case.kind,
        item.case.period ?? '',
        item.case.areaCode ?? '',
        item.case.officer ?? '',
        form.assessment?.rag ?? '',
        (form.assessment?.themes ?? []).join(';'),
        form.outcome ?? '',
        form.assessment?.learningPoints ?? '',
        form.assessment?.questionsForForce ?? '',
      ];
      if (!item.actions.length) lines.push(csvLine([...base, '', '', '', '', '']));
      for (const a of item.actions)
        lines.push(csvLine([...base, a.description, a.owner, a.dueOn, a.status, a.response ?? '']));
    }
    return `${lines.join('\n')}\n`;
  }

  /** The latest version of each item's finding, by agenda item id: one query. */
  private async latestFindings(itemIds: string[]): Promise<Map<string, FindingView>> {
    if (!itemIds.length) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (agenda_item_id) * FROM panel_findings WHERE agenda_item_id = ANY($1::uuid[]) ORDER BY agenda_item_id, finding_version DESC`,
      [itemIds],
    )) as Record<string, unknown>[];
    return new Map(rows.map((r) => [r.agenda_item_id as string, toFinding(r)]));
  }

  /** The agenda item as the actor may use it: 404 if not on the agenda, 403 if they declared a conflict with its case. */
  private item(session: SessionView, itemId: string): AgendaItemView {
    const item = session.agenda.find((i) => i.id === itemId);
    if (!item) throw DomainError.notFound('Agenda item', itemId);
    if (item.conflicted) throw new DomainError('FORBIDDEN', 'You declared a conflict with this case');
    return item;
  }

  /** 409 unless the session's status is one of `allowed` (a fast check on the view; writes check again under lock). */
  private requireStatus(
    session: SessionView,
    allowed: readonly SessionStatus[],
    refusal: (status: SessionStatus) => string,
  ): void {
    if (!allowed.includes(session.status)) throw new DomainError('CONFLICT', refusal(session.status));
  }

  /** The case as the actor may see it now, or null when it is out of their reach (e.g. a week after the session closed). */
  private async caseOrNull(actor: Actor, kind: CaseKind, item: AgendaItemView): Promise<CaseRecordView | null> {
    try {
      return await this.cases.get(actor, kind, item.caseId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async findingSession(findingId: string): Promise<{ sessionId: string; itemId: string }> {
    const [row] = (
      isUuid(findingId)
        ? await this.dataSource.query(
            `SELECT ai.session_id, f.agenda_item_id FROM panel_findings f JOIN session_agenda_items ai ON ai.id = f.agenda_item_id WHERE f.id = $1`,
            [findingId],
          )
        : []
    ) as { session_id: string; agenda_item_id: string }[];
    if (!row) throw DomainError.notFound('Finding', findingId);
    return { sessionId: row.session_id, itemId: row.agenda_item_id };
  }

  private async action(id: string): Promise<ActionView> {
    return toAction(await this.actionRow(id));
  }

  private async actionRow(id: string): Promise<Record<string, unknown>> {
    const [row] = (isUuid(id) ? await this.dataSource.query(`${ACTION_SELECT} WHERE a.id = $1`, [id]) : []) as Record<
      string,
      unknown
    >[];
    if (!row) throw DomainError.notFound('Action', id);
    return row;
  }
}
