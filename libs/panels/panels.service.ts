import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CASE_KINDS,
  CASE_TABLES,
  CURRENT_PANEL_MEMBERSHIP_SQL,
  isPoliceWide,
  opaqueId,
  PANEL_SEAT_ROLES,
  type Actor,
} from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import {
  APP_CONFIG,
  DomainError,
  isIsoDate,
  isIsoInstant,
  isUuid,
  type AppConfig,
  type FieldError,
} from '@scrutiny/core';
import { EmailOutbox } from '@scrutiny/notifications';
import { SESSION_STATUSES, type SessionStatus } from './panel.entities';
import { transitionProblem } from './session-state';

/** Sessions have no end time: the calendar entry blocks out this long. */
const SESSION_CALENDAR_HOURS = 2;

/** A session's start for an email: "Thursday 3 December 2026 at 14:00 (London time)". */
function londonWhen(at: Date): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(at);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${day} at ${time} (London time)`;
}

export interface PanelView {
  id: string;
  name: string;
  kind: 'internal' | 'external';
  remit: string[];
  showGrounds: boolean;
  bwvRedacted: boolean;
  quorum: number;
  version: number;
  members: {
    userId: string;
    username: string;
    role: string;
    termStart: string;
    termEnd: string | null;
    vettedOn: string | null;
    confidentialitySignedOn: string | null;
    active: boolean;
  }[];
}

export interface PanelInput {
  name: string;
  kind: 'internal' | 'external';
  remit: string[];
  showGrounds?: boolean;
  bwvRedacted?: boolean;
  quorum?: number;
}

export interface MemberInput {
  role: 'chair' | 'member';
  termStart: string;
  termEnd?: string | null;
  vettedOn?: string | null;
  confidentialitySignedOn?: string | null;
}

export interface AgendaItemView {
  id: string;
  position: number;
  caseKind: string;
  caseId: string;
  dipSampleItemId: string | null;
  ratingsRevealed: boolean;
  /**
   * The caller declared a conflict with this case: they can neither see nor rate it. Internal: such items are left
   * out of every session the caller is shown (`shown`).
   */
  conflicted: boolean;
  ratingsSubmitted: number;
  finding: { id: string; version: number; status: string } | null;
}

export interface SessionView {
  id: string;
  panel: { id: string; name: string; kind: string; quorum: number };
  scheduledAt: string;
  venue: string | null;
  online: boolean;
  status: SessionStatus;
  openedAt: string | null;
  closedAt: string | null;
  publishedAt: string | null;
  minutes: string | null;
  version: number;
  /** The caller's part: chair, member, or manager (professional standards, admins). */
  yourRole: 'chair' | 'member' | 'manager';
  /**
   * Shown to a member of an external panel: case ids are opaque per-panel ids (`opaqueId`), which the case, BWV and
   * agenda routes accept back. Internal: `agenda[].caseId` is always the real id; `shown` maps it.
   */
  pseudonymised: boolean;
  attendance: { userId: string; username: string; present: boolean }[];
  agenda: AgendaItemView[];
  /** Who declared a conflict with which case (never why): for the chair and managers; empty for members. */
  conflicts: { agendaItemId: string; userId: string; username: string }[];
}

/** A session as its caller is shown it: the cases they declared a conflict with are not on their agenda at all. */
export type ShownSessionView = Omit<SessionView, 'agenda'> & { agenda: Omit<AgendaItemView, 'conflicted'>[] };

export type SessionSummary = Omit<SessionView, 'agenda' | 'attendance' | 'conflicts' | 'pseudonymised'>;

/** A case a chair may put on their panel's session: an issued dip sample's item within the panel's remit. */
export interface AgendaCandidateView {
  caseKind: string;
  caseId: string;
  dipSampleId: string;
  dipSampleItemId: string;
  /** The sampled month, YYYY-MM. */
  period: string;
  /** 'random', or the targeted rule that selected it; and every rule it matched. */
  reason: string;
  matchedRules: string[];
  /** The supervisor's review of the sampled record: its status, and once completed its RAG, outcome and themes. */
  review: { status: string; rag: string | null; outcome: string | null; themes: string[] } | null;
  /** Already on this session's agenda. */
  onAgenda: boolean;
  /** Other sessions of this panel that have had the case on their agenda. */
  earlierSessions: number;
}

/** Statuses in which the agenda can change. */
const AGENDA_OPEN: readonly SessionStatus[] = ['planned', 'open'];
const agendaRefusal = (status: SessionStatus) => `The agenda of a ${status} session no longer changes`;

/** At most this many sessions in a list, newest first. */
export const SESSIONS_LISTED = 200;

/**
 * Sessions with their panel and the actor's membership (`$1` the actor): `listed` when they sit on the panel, `my_role`
 * only while that membership is current (term in force, vetted, confidentiality agreement signed: the access
 * service's rule, so a member reads a session exactly while they may read its cases' panel).
 */
const SESSION_SELECT = `SELECT s.id, s.panel_id, p.name AS panel_name, p.kind AS panel_kind, p.quorum, s.scheduled_at, s.venue, s.online, s.status,
    s.opened_at, s.closed_at, s.published_at, s.minutes, s.version, pm.user_id IS NOT NULL AS listed, CASE WHEN ${CURRENT_PANEL_MEMBERSHIP_SQL} THEN pm.role END AS my_role
  FROM panel_sessions s JOIN panels p ON p.id = s.panel_id
    LEFT JOIN panel_members pm ON pm.panel_id = s.panel_id AND pm.user_id = $1`;

function toSummary(s: Record<string, unknown>): SessionSummary {
  const date = (v: unknown) => (v as Date | null)?.toISOString() ?? null;
  return {
    id: s.id as string,
    panel: {
      id: s.panel_id as string,
      name: s.panel_name as string,
      kind: s.panel_kind as string,
      quorum: s.quorum as number,
    },
    scheduledAt: (s.scheduled_at as Date).toISOString(),
    venue: s.venue as string | null,
    online: s.online as boolean,
    status: s.status as SessionStatus,
    openedAt: date(s.opened_at),
    closedAt: date(s.closed_at),
    publishedAt: date(s.published_at),
    minutes: s.minutes as string | null,
    version: s.version as number,
    yourRole: (s.my_role as 'chair' | 'member' | null) ?? 'manager',
  };
}

/**
 * Panels, their members and their sessions: the agenda, attendance, conflict declarations and the life cycle
 * (planned → open → closed → published, close refused without quorum). Managers (professional standards, admins)
 * set panels up, schedule sessions and build agendas; only the panel's chair, a current member, runs a session
 * (opens and closes it, records attendance, reveals ratings, records findings): a panel's deliberation is its
 * members'. Members see their own panels' sessions.
 */
@Injectable()
export class PanelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly email: EmailOutbox,
  ) {}

  /**
   * Inside the transaction that schedules, moves or cancels a session: emails each member whose term covers its date
   * an invitation, update or cancellation with a calendar entry. The entry's UID is the session's, and its SEQUENCE the
   * session's version, so calendars replace the earlier entry.
   */
  private async emailSession(
    m: EntityManager,
    id: string,
    template: 'session_invitation' | 'session_updated' | 'session_cancelled',
  ): Promise<void> {
    const [s] = (await m.query(
      `SELECT panel_id, scheduled_at, venue, online, version FROM panel_sessions WHERE id = $1`,
      [id],
    )) as { panel_id: string; scheduled_at: Date; venue: string | null; online: boolean; version: number }[];
    const members = (await m.query(
      `SELECT user_id FROM panel_members WHERE panel_id = $1 AND term_start <= ($2::timestamptz AT TIME ZONE 'Europe/London')::date
         AND (term_end IS NULL OR term_end >= ($2::timestamptz AT TIME ZONE 'Europe/London')::date)`,
      [s.panel_id, s.scheduled_at],
    )) as { user_id: string }[];
    const path = `/sessions/${id}`;
    await this.email.queue(
      m,
      members.map((r) => r.user_id),
      {
        template,
        path,
        eventKey: `${template}:${id}:v${s.version}`,
        params: { when: londonWhen(s.scheduled_at) },
        invitation: {
          method: template === 'session_cancelled' ? 'CANCEL' : 'REQUEST',
          uid: `panel-session-${id}@scrutiny`,
          sequence: s.version - 1,
          start: s.scheduled_at,
          end: new Date(s.scheduled_at.getTime() + SESSION_CALENDAR_HOURS * 3_600_000),
          summary: 'Scrutiny panel session',
          description: `Agenda and papers (sign-in first): ${this.email.url(path)}`,
          location: s.online ? 'Online' : (s.venue ?? undefined),
          url: this.email.url(path),
        },
      },
    );
  }

  // ---- panels and members ----

  /** Every panel the actor may see (not capped): `total` counts them. */
  async listPanels(actor: Actor): Promise<{ items: PanelView[]; total: number }> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM panels p ${isPoliceWide(actor) ? '' : 'WHERE EXISTS (SELECT 1 FROM panel_members pm WHERE pm.panel_id = p.id AND pm.user_id = $1)'} ORDER BY name`,
      isPoliceWide(actor) ? [] : [actor.id],
    )) as { id: string }[];
    return { items: await this.loadPanels(rows.map((r) => r.id)), total: rows.length };
  }

  async getPanel(actor: Actor, id: string): Promise<PanelView> {
    const panel = await this.panel(id);
    if (!isPoliceWide(actor) && !panel.members.some((m) => m.userId === actor.id))
      throw DomainError.notFound('Panel', id);
    return panel;
  }

  async createPanel(actor: Actor, input: PanelInput): Promise<PanelView> {
    this.checkPanel(input);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO panels (name, kind, remit, show_grounds, bwv_redacted, quorum, version) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id`,
        [input.name, input.kind, input.remit, input.showGrounds ?? false, input.bwvRedacted ?? true, input.quorum ?? 3],
      )) as { id: string }[];
      await this.audit.record(
        actor,
        { action: 'panel.created', target: { type: 'panel', id: row.id }, after: input },
        m,
      );
      return row.id;
    });
    return this.panel(id);
  }

  async updatePanel(actor: Actor, id: string, input: Partial<PanelInput> & { version: number }): Promise<PanelView> {
    const before = await this.panel(id);
    this.checkPanel({ ...before, ...input });
    if (before.version !== input.version) throw this.stale('Panel', id, before.version, input.version);
    await this.dataSource.transaction(async (m) => {
      const [, changed] = (await m.query(
        `UPDATE panels SET name = coalesce($3, name), remit = coalesce($4, remit), show_grounds = coalesce($5, show_grounds), bwv_redacted = coalesce($6, bwv_redacted),
           quorum = coalesce($7, quorum), version = version + 1 WHERE id = $1 AND version = $2`,
        [
          id,
          input.version,
          input.name ?? null,
          input.remit ?? null,
          input.showGrounds ?? null,
          input.bwvRedacted ?? null,
          input.quorum ?? null,
        ],
      )) as [unknown, number];
      if (!changed) throw this.stale('Panel', id, before.version + 1, input.version);
      await this.audit.record(
        actor,
        { action: 'panel.updated', target: { type: 'panel', id }, before, after: input },
        m,
      );
    });
    return this.panel(id);
  }

  /** Adds a member or changes their role, term, vetting or confidentiality dates. Their role must fit the panel. */
  async putMember(actor: Actor, panelId: string, userId: string, input: MemberInput): Promise<PanelView> {
    const panel = await this.panel(panelId);
    const errors: FieldError[] = [];
    const [user] = (
      isUuid(userId)
        ? await this.dataSource.query(`SELECT roles FROM users WHERE id = $1 AND disabled_at IS NULL`, [userId])
        : []
    ) as { roles: string[] }[];
    const needed = panel.kind === 'external' ? 'external_panel' : 'internal_panel';
    if (!user) errors.push({ field: 'userId', message: 'is not an active user' });
    else if (!PANEL_SEAT_ROLES[panel.kind].some((role) => user.roles.includes(role))) {
      errors.push({ field: 'userId', message: `must hold the ${needed} role to sit on this ${panel.kind} panel` });
    }
    if (!['chair', 'member'].includes(input.role)) errors.push({ field: 'role', message: 'must be chair or member' });
    for (const f of ['termStart', 'termEnd', 'vettedOn', 'confidentialitySignedOn'] as const) {
      const v = input[f];
      if (v !== undefined && v !== null && !isIsoDate(v))
        errors.push({ field: f, message: 'must be a date, YYYY-MM-DD' });
    }
    if (!input.termStart) errors.push({ field: 'termStart', message: 'is required' });
    if (input.termEnd && input.termStart && input.termEnd < input.termStart)
      errors.push({ field: 'termEnd', message: 'must not be before termStart' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO panel_members (panel_id, user_id, role, term_start, term_end, vetted_on, confidentiality_signed_on) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (panel_id, user_id) DO UPDATE SET role = EXCLUDED.role, term_start = EXCLUDED.term_start, term_end = EXCLUDED.term_end,
           vetted_on = EXCLUDED.vetted_on, confidentiality_signed_on = EXCLUDED.confidentiality_signed_on`,
        [
          panelId,
          userId,
          input.role,
          input.termStart,
          input.termEnd ?? null,
          input.vettedOn ?? null,
          input.confidentialitySignedOn ?? null,
        ],
      );
      await this.audit.record(
        actor,
        { action: 'panel.member_set', target: { type: 'panel', id: panelId }, details: { userId, ...input } },
        m,
      );
    });
    return this.panel(panelId);
  }

  // ---- sessions ----

  /** Sessions the actor may open (as `session`), newest first: one query. */
  /** The newest SESSIONS_LISTED sessions; `total` counts all that match, so a cut list says so. */
  async listSessions(actor: Actor, filter: { status?: string }): Promise<{ items: SessionSummary[]; total: number }> {
    if (filter.status && !(SESSION_STATUSES as readonly string[]).includes(filter.status))
      throw DomainError.validation([{ field: 'status', message: `must be one of ${SESSION_STATUSES.join(', ')}` }]);
    const params: unknown[] = [actor.id];
    const where: string[] = [];
    if (!isPoliceWide(actor)) where.push(`(${CURRENT_PANEL_MEMBERSHIP_SQL})`);
    if (filter.status) where.push(`s.status = $${params.push(filter.status)}`);
    const rows = (await this.dataSource.query(
      `SELECT q.*, count(*) OVER ()::int AS total_count FROM (${SESSION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) q
       ORDER BY q.scheduled_at DESC, q.id LIMIT ${SESSIONS_LISTED}`,
      params,
    )) as Record<string, unknown>[];
    return { items: rows.map(toSummary), total: (rows[0]?.total_count as number | undefined) ?? 0 };
  }

  async getSession(actor: Actor, id: string): Promise<ShownSessionView> {
    const view = await this.session(actor, id);
    await this.audit.record(actor, { action: 'panel_session.viewed', target: { type: 'panel_session', id } });
    return this.shown(view);
  }

  async createSession(
    actor: Actor,
    panelId: string,
    input: { scheduledAt: string; venue?: string | null; online?: boolean },
  ): Promise<ShownSessionView> {
    // A panel that does not exist is a 404, not a foreign-key failure at the insert (police-wide roles skip the
    // membership lookup that would otherwise have found nothing).
    await this.panel(panelId);
    await this.requireRunner(actor, panelId);
    if (!isIsoInstant(input.scheduledAt))
      throw DomainError.validation([
        { field: 'scheduledAt', message: 'must be an ISO 8601 date-time with its offset' },
      ]);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO panel_sessions (panel_id, scheduled_at, venue, online, status, version) VALUES ($1, $2, $3, $4, 'planned', 1) RETURNING id`,
        [panelId, input.scheduledAt, input.venue ?? null, input.online ?? false],
      )) as { id: string }[];
      await this.audit.record(
        actor,
        {
          action: 'panel_session.created',
          target: { type: 'panel_session', id: row.id },
          after: { panelId, ...input },
        },
        m,
      );
      await this.emailSession(m, row.id, 'session_invitation');
      return row.id;
    });
    return this.shown(await this.session(actor, id));
  }

  async updateSession(
    actor: Actor,
    id: string,
    input: { version: number; scheduledAt?: string; venue?: string | null; online?: boolean; minutes?: string | null },
  ): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    // Scheduling is for managers too; the minutes are the panel's record of its deliberation.
    if (input.minutes !== undefined) this.requireChair(session);
    else this.requireChairOrManager(session);
    if (session.status === 'published' || session.status === 'cancelled')
      throw new DomainError('CONFLICT', `A ${session.status} session no longer changes`);
    if (input.scheduledAt !== undefined && !isIsoInstant(input.scheduledAt))
      throw DomainError.validation([
        { field: 'scheduledAt', message: 'must be an ISO 8601 date-time with its offset' },
      ]);
    await this.dataSource.transaction(async (m) => {
      const [, changed] = (await m.query(
        `UPDATE panel_sessions SET scheduled_at = coalesce($3::timestamptz, scheduled_at), venue = CASE WHEN $4 THEN $5 ELSE venue END, online = coalesce($6, online),
           minutes = CASE WHEN $7 THEN $8 ELSE minutes END, version = version + 1 WHERE id = $1 AND version = $2`,
        [
          id,
          input.version,
          input.scheduledAt ?? null,
          input.venue !== undefined,
          input.venue ?? null,
          input.online ?? null,
          input.minutes !== undefined,
          input.minutes ?? null,
        ],
      )) as [unknown, number];
      if (!changed) throw this.stale('Session', id, session.version, input.version);
      await this.audit.record(
        actor,
        { action: 'panel_session.updated', target: { type: 'panel_session', id }, details: input },
        m,
      );
      // Members hear of a new time or place; the minutes are not news to email about.
      if (
        session.status === 'planned' &&
        (input.scheduledAt !== undefined || input.venue !== undefined || input.online !== undefined)
      )
        await this.emailSession(m, id, 'session_updated');
    });
    return this.shown(await this.session(actor, id));
  }

  /**
   * Adds cases to a planned or open session: chosen records, or an issued dip sample's items (kinds outside the
   * panel's remit are refused). The panel's chair builds their own session's agenda, choosing from issued dip samples
   * (see `agendaCandidates`): a case on the agenda opens to the panel's members, so a chair cannot bring in any other
   * record. Managers (professional standards, admins) may add any record.
   */
  async addToAgenda(
    actor: Actor,
    id: string,
    input: { cases?: { kind: string; id: string }[]; dipSampleId?: string },
  ): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    this.requireChairOrManager(session);
    if (session.status !== 'planned' && session.status !== 'open')
      throw new DomainError('CONFLICT', `Cases cannot be added to a ${session.status} session`);
    const [{ remit }] = (await this.dataSource.query(`SELECT remit FROM panels WHERE id = $1`, [session.panel.id])) as {
      remit: string[];
    }[];
    const wanted: { kind: string; id: string; sampleItem: string | null }[] = (input.cases ?? []).map((c) => ({
      ...c,
      sampleItem: null,
    }));
    const errors: FieldError[] = [];
    if (input.dipSampleId) {
      const items = (
        isUuid(input.dipSampleId)
          ? await this.dataSource.query(
              `SELECT i.id, i.case_kind, i.case_id FROM dip_sample_items i JOIN dip_samples s ON s.id = i.sample_id WHERE s.id = $1 AND s.status = 'issued' ORDER BY i.position`,
              [input.dipSampleId],
            )
          : []
      ) as { id: string; case_kind: string; case_id: string }[];
      if (!items.length) errors.push({ field: 'dipSampleId', message: 'is not an issued dip sample with items' });
      const fitting = items.filter((i) => remit.includes(i.case_kind));
      if (items.length && !fitting.length) {
        errors.push({
          field: 'dipSampleId',
          message: `none of the sample's ${items.length} item(s) is within the panel's remit (${remit.join(', ')})`,
        });
      }
      for (const i of fitting) wanted.push({ kind: i.case_kind, id: i.case_id, sampleItem: i.id });
    }
    if (!wanted.length && !errors.length) errors.push({ field: 'cases', message: 'give cases or a dip sample' });
    wanted.forEach((c, i) => {
      if (!(CASE_KINDS as string[]).includes(c.kind))
        errors.push({ field: `cases.${i}.kind`, message: `must be one of ${CASE_KINDS.join(', ')}` });
      else if (!remit.includes(c.kind))
        errors.push({ field: `cases.${i}.kind`, message: `is outside the panel's remit (${remit.join(', ')})` });
      if (!isUuid(c.id)) errors.push({ field: `cases.${i}.id`, message: 'must be a case id' });
    });
    if (errors.length) throw DomainError.validation(errors);
    // An external chair names candidates by the opaque ids they were shown.
    if (session.pseudonymised) await this.resolveCandidateIds(session, remit, wanted);
    if (session.yourRole === 'chair') {
      const sampled = await this.sampledItems(wanted.filter((c) => !c.sampleItem));
      wanted.forEach((c, i) => {
        if (c.sampleItem) return;
        const item = sampled.get(`${c.kind}/${c.id}`);
        if (item) c.sampleItem = item;
        else
          errors.push({
            field: `cases.${i}.id`,
            message:
              'is not in an issued dip sample: a chair chooses from the session’s candidates (GET /api/v1/panel-sessions/:id/agenda/candidates)',
          });
      });
      if (errors.length) throw DomainError.validation(errors);
    }
    for (const kind of CASE_KINDS) {
      const ids = wanted.filter((c) => c.kind === kind).map((c) => c.id);
      if (!ids.length) continue;
      const found = new Set(
        (
          (await this.dataSource.query(`SELECT id FROM ${CASE_TABLES[kind]} WHERE id = ANY($1::uuid[])`, [ids])) as {
            id: string;
          }[]
        ).map((r) => r.id),
      );
      const missing = ids.find((x) => !found.has(x));
      if (missing) throw DomainError.notFound('Case', missing);
    }
    await this.dataSource.transaction(async (m) => {
      await this.requireStatusIn(m, id, AGENDA_OPEN, agendaRefusal);
      const [{ next }] = (await m.query(
        `SELECT coalesce(max(position), 0) + 1 AS next FROM session_agenda_items WHERE session_id = $1`,
        [id],
      )) as { next: number }[];
      let position = next;
      for (const c of wanted) {
        const added = (await m.query(
          `INSERT INTO session_agenda_items (session_id, case_kind, case_id, position, dip_sample_item_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
          [id, c.kind, c.id, position, c.sampleItem],
        )) as unknown[];
        if (added.length) position++;
      }
      await this.audit.record(
        actor,
        {
          action: 'panel_session.agenda_added',
          target: { type: 'panel_session', id },
          details: {
            cases: wanted.map(({ kind, id: caseId }) => ({ kind, id: caseId })),
            dipSampleId: input.dipSampleId,
          },
        },
        m,
      );
    });
    return this.shown(await this.session(actor, id));
  }

  /**
   * Takes a case off a planned or open session's agenda (chair or manager). Refused once a member has submitted a
   * rating of it or the chair has recorded a finding: those belong to the session's record. Members' draft ratings go
   * with it.
   */
  async removeFromAgenda(actor: Actor, id: string, itemId: string): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    this.requireChairOrManager(session);
    const item = session.agenda.find((i) => i.id === itemId);
    if (!item) throw DomainError.notFound('Agenda item', itemId);
    if (item.conflicted) throw new DomainError('FORBIDDEN', 'You declared a conflict with this case');
    if (!AGENDA_OPEN.includes(session.status)) throw new DomainError('CONFLICT', agendaRefusal(session.status));
    await this.dataSource.transaction(async (m) => {
      // An exclusive lock: a rating or finding being written (they share-lock the session) lands before or after.
      const [row] = (await m.query(`SELECT status FROM panel_sessions WHERE id = $1 FOR UPDATE`, [id])) as {
        status: SessionStatus;
      }[];
      if (!AGENDA_OPEN.includes(row.status)) throw new DomainError('CONFLICT', agendaRefusal(row.status));
      const [still] = (await m.query(`SELECT 1 FROM session_agenda_items WHERE id = $1`, [itemId])) as unknown[];
      if (!still) throw DomainError.notFound('Agenda item', itemId);
      const [{ submitted, findings }] = (await m.query(
        `SELECT (SELECT count(*)::int FROM panel_ratings WHERE agenda_item_id = $1 AND status = 'submitted') AS submitted,
           (SELECT count(*)::int FROM panel_findings WHERE agenda_item_id = $1) AS findings`,
        [itemId],
      )) as { submitted: number; findings: number }[];
      if (submitted || findings) {
        throw new DomainError(
          'CONFLICT',
          `The case stays on the agenda: it has ${submitted} submitted rating(s)${findings ? ' and a finding' : ''}`,
        );
      }
      await m.query(`DELETE FROM panel_ratings WHERE agenda_item_id = $1`, [itemId]);
      await m.query(`DELETE FROM session_agenda_items WHERE id = $1`, [itemId]);
      await this.audit.record(
        actor,
        {
          action: 'panel_session.agenda_removed',
          target: { type: 'panel_session', id },
          details: { itemId, case: { kind: item.caseKind, id: item.caseId } },
        },
        m,
      );
    });
    return this.shown(await this.session(actor, id));
  }

  /**
   * The cases the chair may put on the session's agenda: the items of issued dip samples within the panel's remit,
   * newest month first, each with why it was sampled and its supervisor review's status (RAG, outcome and themes once
   * completed). No case details: a member opens a case, through the access service, only once it is on an open
   * session of their panel. `reviewed` keeps cases whose review is completed. At most 500. Audited.
   */
  async agendaCandidates(
    actor: Actor,
    id: string,
    filter: { period?: string; reviewed?: boolean; dipSampleId?: string },
  ): Promise<AgendaCandidateView[]> {
    const session = await this.session(actor, id);
    this.requireChairOrManager(session);
    const errors: FieldError[] = [];
    if (filter.period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(filter.period))
      errors.push({ field: 'period', message: 'must be a month, YYYY-MM' });
    if (filter.dipSampleId !== undefined && !isUuid(filter.dipSampleId))
      errors.push({ field: 'dipSampleId', message: 'must be a dip sample id' });
    if (errors.length) throw DomainError.validation(errors);
    const params: unknown[] = [id, session.panel.id];
    const where = [`s.status = 'issued'`, `i.case_kind = ANY(p.remit)`];
    if (filter.period) where.push(`s.period = to_date($${params.push(filter.period)}, 'YYYY-MM')`);
    if (filter.dipSampleId) where.push(`s.id = $${params.push(filter.dipSampleId)}::uuid`);
    if (filter.reviewed) where.push(`r.status = 'completed'`);
    const listOrder = `period_date DESC, (review_status = 'completed') DESC NULLS LAST, case_kind, item_id`;
    const rows = (await this.dataSource.query(
      // The agenda look-ups run on the 500 listed (outside the LIMIT), not on every item of every issued sample.
      `SELECT c.*,
         EXISTS (SELECT 1 FROM session_agenda_items a WHERE a.session_id = $1 AND a.case_kind = c.case_kind AND a.case_id = c.case_id) AS on_agenda,
         (SELECT count(*)::int FROM session_agenda_items a JOIN panel_sessions ps ON ps.id = a.session_id
           WHERE ps.panel_id = $2 AND a.session_id <> $1 AND a.case_kind = c.case_kind AND a.case_id = c.case_id) AS earlier_sessions
       FROM (SELECT * FROM (
         SELECT DISTINCT ON (i.case_kind, i.case_id) i.case_kind, i.case_id, s.id AS sample_id, i.id AS item_id, s.period AS period_date,
           to_char(s.period, 'YYYY-MM') AS period, i.reason, i.matched_rules, r.status AS review_status,
           CASE WHEN r.status = 'completed' THEN r.form END AS review_form
         FROM dip_sample_items i JOIN dip_samples s ON s.id = i.sample_id JOIN panels p ON p.id = $2
           LEFT JOIN sample_reviews r ON r.item_id = i.id
         WHERE ${where.join(' AND ')}
         ORDER BY i.case_kind, i.case_id, (r.status = 'completed') DESC NULLS LAST, s.period DESC, s.id
       ) d ORDER BY ${listOrder} LIMIT 500) c ORDER BY ${listOrder}`,
      params,
    )) as {
      case_kind: string;
      case_id: string;
      sample_id: string;
      item_id: string;
      period: string;
      reason: string;
      matched_rules: string[];
      review_status: string | null;
      review_form: { assessment?: { rag?: string; themes?: string[] }; outcome?: string } | null;
      on_agenda: boolean;
      earlier_sessions: number;
    }[];
    await this.audit.record(actor, {
      action: 'panel_session.candidates_listed',
      target: { type: 'panel_session', id },
      details: { ...filter, count: rows.length },
    });
    return rows.map((r) => ({
      caseKind: r.case_kind,
      caseId: this.shownCaseId(session, r.case_id),
      dipSampleId: r.sample_id,
      dipSampleItemId: r.item_id,
      period: r.period,
      reason: r.reason,
      matchedRules: r.matched_rules,
      review: r.review_status
        ? {
            status: r.review_status,
            rag: r.review_form?.assessment?.rag ?? null,
            outcome: r.review_form?.outcome ?? null,
            themes: r.review_form?.assessment?.themes ?? [],
          }
        : null,
      onAgenda: r.on_agenda,
      earlierSessions: r.earlier_sessions,
    }));
  }

  /** Records who attended; only members can be recorded. */
  async setAttendance(
    actor: Actor,
    id: string,
    entries: { userId: string; present: boolean }[],
  ): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    this.requireChair(session);
    const members = new Set(
      (
        (await this.dataSource.query(`SELECT user_id FROM panel_members WHERE panel_id = $1`, [session.panel.id])) as {
          user_id: string;
        }[]
      ).map((r) => r.user_id),
    );
    const errors = entries.flatMap((e, i) =>
      members.has(e.userId) ? [] : [{ field: `entries.${i}.userId`, message: 'is not a member of this panel' }],
    );
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      for (const e of entries) {
        await m.query(
          `INSERT INTO session_attendance (session_id, user_id, present) VALUES ($1, $2, $3) ON CONFLICT (session_id, user_id) DO UPDATE SET present = EXCLUDED.present, recorded_at = now()`,
          [id, e.userId, e.present],
        );
      }
      await this.audit.record(
        actor,
        { action: 'panel_session.attendance', target: { type: 'panel_session', id }, details: { entries } },
        m,
      );
    });
    return this.shown(await this.session(actor, id));
  }

  /** A member declares a conflict of interest with one case: from then on they can neither see nor rate it. */
  async declareConflict(actor: Actor, id: string, itemId: string, reason: string): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    const item = session.agenda.find((i) => i.id === itemId);
    if (!item) throw DomainError.notFound('Agenda item', itemId);
    if (session.yourRole === 'manager')
      throw new DomainError('FORBIDDEN', 'Only members of the panel declare conflicts');
    if (session.status !== 'planned' && session.status !== 'open')
      throw new DomainError(
        'CONFLICT',
        `Conflicts are declared before or during the session, not once it is ${session.status}`,
      );
    if (!reason?.trim()) throw DomainError.validation([{ field: 'reason', message: 'say what the conflict is' }]);
    if (item.conflicted) return this.shown(session);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO conflict_declarations (session_id, case_kind, case_id, user_id, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [id, item.caseKind, item.caseId, actor.id, reason.trim()],
      );
      await m.query(`DELETE FROM panel_ratings WHERE agenda_item_id = $1 AND user_id = $2 AND status = 'draft'`, [
        itemId,
        actor.id,
      ]);
      await this.audit.record(
        actor,
        {
          action: 'panel_session.conflict_declared',
          target: { type: 'panel_session', id },
          details: { itemId, reason: reason.trim() },
        },
        m,
      );
    });
    return this.shown(await this.session(actor, id));
  }

  /** The chair shows every submitted rating of a case to every member. */
  async revealRatings(actor: Actor, id: string, itemId: string): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    this.requireChair(session);
    if (!session.agenda.some((i) => i.id === itemId)) throw DomainError.notFound('Agenda item', itemId);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE session_agenda_items SET ratings_revealed_at = coalesce(ratings_revealed_at, now()) WHERE id = $1`,
        [itemId],
      );
      await this.audit.record(
        actor,
        { action: 'panel_session.ratings_revealed', target: { type: 'panel_session', id }, details: { itemId } },
        m,
      );
    });
    return this.shown(await this.session(actor, id));
  }

  /**
   * Moves a session along its life cycle (the chair; cancelling a planned session, the chair or a manager); closing
   * needs quorum and freezes the findings.
   */
  async transition(actor: Actor, id: string, to: string, version: number): Promise<ShownSessionView> {
    const session = await this.session(actor, id);
    // Calling a session off is scheduling, for managers too; running it is the chair's.
    if (to === 'cancelled') this.requireChairOrManager(session);
    else this.requireChair(session);
    if (!(SESSION_STATUSES as readonly string[]).includes(to))
      throw DomainError.validation([{ field: 'status', message: `must be one of ${SESSION_STATUSES.join(', ')}` }]);
    const problem = transitionProblem(session.status, to as SessionStatus, {
      agendaItems: session.agenda.length,
      present: session.attendance.filter((a) => a.present).length,
      quorum: session.panel.quorum,
    });
    if (problem)
      throw new DomainError('CONFLICT', `The session cannot move on: ${problem}`, {
        extensions: { status: session.status },
      });
    await this.dataSource.transaction(async (m: EntityManager) => {
      const [, changed] = (await m.query(
        `UPDATE panel_sessions SET status = $3, opened_at = CASE WHEN $3 = 'open' THEN now() ELSE opened_at END,
           closed_at = CASE WHEN $3 = 'closed' THEN now() ELSE closed_at END, published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END,
           version = version + 1 WHERE id = $1 AND version = $2 AND status = $4`,
        [id, version, to, session.status],
      )) as [unknown, number];
      if (!changed) throw this.stale('Session', id, session.version, version);
      if (to === 'closed') {
        await m.query(
          `UPDATE panel_findings f SET status = 'final', updated_at = now() FROM session_agenda_items a WHERE a.id = f.agenda_item_id AND a.session_id = $1 AND f.status = 'draft'`,
          [id],
        );
      }
      await this.audit.record(
        actor,
        { action: `panel_session.${to}`, target: { type: 'panel_session', id }, details: { from: session.status } },
        m,
      );
      if (to === 'cancelled') await this.emailSession(m, id, 'session_cancelled');
    });
    return this.shown(await this.session(actor, id));
  }

  // ---- shared checks (used by ratings and findings) ----

  /**
   * The session as the actor may see it: managers see every session; a member only while their membership is
   * current (term, vetting, confidentiality agreement: 403 when it is not); anyone else gets 404.
   */
  async session(actor: Actor, id: string): Promise<SessionView> {
    if (!isUuid(id)) throw DomainError.notFound('Panel session', id);
    const [s] = (await this.dataSource.query(`${SESSION_SELECT} WHERE s.id = $2`, [actor.id, id])) as Record<
      string,
      unknown
    >[];
    if (!s || (!s.my_role && !isPoliceWide(actor) && !s.listed)) throw DomainError.notFound('Panel session', id);
    if (!s.my_role && !isPoliceWide(actor)) {
      throw new DomainError(
        'FORBIDDEN',
        'Your membership of this panel is not current: a term in force, vetting and a signed confidentiality agreement are needed',
      );
    }
    const attendance = (await this.dataSource.query(
      `SELECT a.user_id, u.username, a.present FROM session_attendance a JOIN users u ON u.id = a.user_id WHERE a.session_id = $1 ORDER BY u.username`,
      [id],
    )) as { user_id: string; username: string; present: boolean }[];
    const agenda = (await this.dataSource.query(
      `SELECT a.id, a.position, a.case_kind, a.case_id, a.dip_sample_item_id, a.ratings_revealed_at IS NOT NULL AS revealed,
         EXISTS (SELECT 1 FROM conflict_declarations c WHERE c.session_id = a.session_id AND c.case_kind = a.case_kind AND c.case_id = a.case_id AND c.user_id = $2) AS conflicted,
         (SELECT count(*)::int FROM panel_ratings r WHERE r.agenda_item_id = a.id AND r.status = 'submitted') AS submitted,
         (SELECT json_build_object('id', f.id, 'version', f.finding_version, 'status', f.status) FROM panel_findings f WHERE f.agenda_item_id = a.id ORDER BY f.finding_version DESC LIMIT 1) AS finding
       FROM session_agenda_items a WHERE a.session_id = $1 ORDER BY a.position`,
      [id, actor.id],
    )) as {
      id: string;
      position: number;
      case_kind: string;
      case_id: string;
      dip_sample_item_id: string | null;
      revealed: boolean;
      conflicted: boolean;
      submitted: number;
      finding: AgendaItemView['finding'];
    }[];
    const summary = toSummary(s);
    // The chair sees who stood aside from which case (to run the discussion and count who may rate), never why.
    const conflicts =
      summary.yourRole === 'member'
        ? []
        : ((await this.dataSource.query(
            `SELECT a.id AS agenda_item_id, c.user_id, u.username FROM conflict_declarations c
               JOIN session_agenda_items a ON a.session_id = c.session_id AND a.case_kind = c.case_kind AND a.case_id = c.case_id
               JOIN users u ON u.id = c.user_id
             WHERE c.session_id = $1 ORDER BY a.position, u.username`,
            [id],
          )) as { agenda_item_id: string; user_id: string; username: string }[]);
    return {
      ...summary,
      pseudonymised: summary.panel.kind === 'external' && !isPoliceWide(actor),
      attendance: attendance.map((a) => ({ userId: a.user_id, username: a.username, present: a.present })),
      agenda: agenda.map((a) => ({
        id: a.id,
        position: a.position,
        caseKind: a.case_kind,
        caseId: a.case_id,
        dipSampleItemId: a.dip_sample_item_id,
        ratingsRevealed: a.revealed,
        conflicted: a.conflicted,
        ratingsSubmitted: a.submitted,
        finding: a.finding,
      })),
      conflicts: conflicts.map((c) => ({ agendaItemId: c.agenda_item_id, userId: c.user_id, username: c.username })),
    };
  }

  /** The session as shown to its caller: a case they declared a conflict with is not on their agenda at all. */
  private shown(view: SessionView): ShownSessionView {
    return {
      ...view,
      agenda: view.agenda
        .filter((a) => !a.conflicted)
        .map(({ conflicted: _conflicted, ...item }) => ({ ...item, caseId: this.shownCaseId(view, item.caseId) })),
    };
  }

  /** A case id as the session's caller is shown it: opaque, per panel, for an external panel's member. */
  shownCaseId(session: SessionView, caseId: string): string {
    return session.pseudonymised ? opaqueId(this.config.pseudonymKey, session.panel.id, caseId) : caseId;
  }

  /**
   * Replaces the opaque ids an external chair sent by the real ones, recomputed over the cases they may choose from
   * (issued dip samples' items within the panel's remit); an id that matches none is left as sent (and refused).
   */
  private async resolveCandidateIds(session: SessionView, remit: string[], wanted: { kind: string; id: string }[]) {
    if (!wanted.length) return;
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT i.case_kind, i.case_id FROM dip_sample_items i JOIN dip_samples s ON s.id = i.sample_id
       WHERE s.status = 'issued' AND i.case_kind = ANY($1::text[])`,
      [remit],
    )) as { case_kind: string; case_id: string }[];
    const real = new Map(rows.map((r) => [`${r.case_kind}/${this.shownCaseId(session, r.case_id)}`, r.case_id]));
    for (const c of wanted) c.id = real.get(`${c.kind}/${c.id.toLowerCase()}`) ?? c.id;
  }

  /**
   * The panel's chair, while a current member: a panel's deliberation (opening and closing its session, attendance,
   * revealing ratings, findings and their actions) is its members', not professional standards' or admins'.
   */
  requireChair(session: SessionView): void {
    if (session.yourRole !== 'chair')
      throw new DomainError('FORBIDDEN', "Only the panel's chair, a current member of the panel, runs its sessions");
  }

  /** The chair, or a manager (professional standards, admins): scheduling a session and building its agenda. */
  private requireChairOrManager(session: SessionView): void {
    if (session.yourRole !== 'chair' && session.yourRole !== 'manager')
      throw new DomainError(
        'FORBIDDEN',
        "Only the panel's chair or professional standards schedule a session and set its agenda",
      );
  }

  /**
   * Inside a write transaction: refuses (409) unless the session's status is one of `allowed`. The row is share-locked
   * until the write commits, so a transition (close freezes the findings) cannot slip in between check and write.
   */
  async requireStatusIn(
    m: EntityManager,
    id: string,
    allowed: readonly SessionStatus[],
    refusal: (status: SessionStatus) => string,
    itemId?: string,
  ): Promise<void> {
    const [row] = (await m.query(`SELECT status FROM panel_sessions WHERE id = $1 FOR SHARE`, [id])) as {
      status: SessionStatus;
    }[];
    if (!row) throw DomainError.notFound('Panel session', id);
    if (!allowed.includes(row.status)) throw new DomainError('CONFLICT', refusal(row.status));
    // The chair may have taken the case off the agenda since it was read (removal locks the session exclusively).
    if (itemId) {
      const [item] = (await m.query(`SELECT 1 FROM session_agenda_items WHERE id = $1 AND session_id = $2`, [
        itemId,
        id,
      ])) as unknown[];
      if (!item) throw DomainError.notFound('Agenda item', itemId);
    }
  }

  /** For each `kind/id`, the item of an issued dip sample that holds it (the latest month's): one query. */
  private async sampledItems(cases: { kind: string; id: string }[]): Promise<Map<string, string>> {
    if (!cases.length) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (i.case_kind, i.case_id) i.case_kind, i.case_id, i.id FROM dip_sample_items i JOIN dip_samples s ON s.id = i.sample_id
       WHERE s.status = 'issued' AND i.case_id = ANY($1::uuid[]) ORDER BY i.case_kind, i.case_id, s.period DESC, s.id`,
      [cases.map((c) => c.id)],
    )) as { case_kind: string; case_id: string; id: string }[];
    return new Map(rows.map((r) => [`${r.case_kind}/${r.case_id}`, r.id]));
  }

  private async requireRunner(actor: Actor, panelId: string): Promise<void> {
    if (isPoliceWide(actor)) return;
    const [row] = (await this.dataSource.query(
      `SELECT role FROM panel_members pm WHERE pm.panel_id = $1 AND pm.user_id = $2 AND ${CURRENT_PANEL_MEMBERSHIP_SQL}`,
      [panelId, actor.id],
    )) as { role: string }[];
    if (row?.role !== 'chair')
      throw new DomainError('FORBIDDEN', "Only the panel's chair (or professional standards) schedules its sessions");
  }

  private checkPanel(input: Partial<PanelInput>): void {
    const errors: FieldError[] = [];
    if (!input.name?.trim()) errors.push({ field: 'name', message: 'is required' });
    if (input.kind !== 'internal' && input.kind !== 'external')
      errors.push({ field: 'kind', message: 'must be internal or external' });
    if (!input.remit?.length || input.remit.some((k) => !(CASE_KINDS as string[]).includes(k)))
      errors.push({ field: 'remit', message: `must list kinds from ${CASE_KINDS.join(', ')}` });
    if (input.quorum !== undefined && (!Number.isInteger(input.quorum) || input.quorum < 1))
      errors.push({ field: 'quorum', message: 'must be a whole number, at least 1' });
    if (errors.length) throw DomainError.validation(errors);
  }

  private stale(what: string, id: string, current: number, sent: number): DomainError {
    return new DomainError(
      'VERSION_CONFLICT',
      `${what} ${id} was changed by someone else (version ${current}, you sent ${sent}); reload and try again`,
      { extensions: { currentVersion: current } },
    );
  }

  private async panel(id: string): Promise<PanelView> {
    const [panel] = isUuid(id) ? await this.loadPanels([id]) : [];
    if (!panel) throw DomainError.notFound('Panel', id);
    return panel;
  }

  /** Panels with their members, in the order of `ids` (missing ones left out): two queries however many. */
  private async loadPanels(ids: string[]): Promise<PanelView[]> {
    if (!ids.length) return [];
    const panels = (await this.dataSource.query(`SELECT * FROM panels WHERE id = ANY($1::uuid[])`, [ids])) as Record<
      string,
      unknown
    >[];
    const members = (await this.dataSource.query(
      `SELECT pm.panel_id, pm.user_id, u.username, pm.role, to_char(pm.term_start, 'YYYY-MM-DD') AS term_start, to_char(pm.term_end, 'YYYY-MM-DD') AS term_end,
         to_char(pm.vetted_on, 'YYYY-MM-DD') AS vetted_on, to_char(pm.confidentiality_signed_on, 'YYYY-MM-DD') AS confidentiality_signed_on, (${CURRENT_PANEL_MEMBERSHIP_SQL}) AS active
       FROM panel_members pm JOIN users u ON u.id = pm.user_id WHERE pm.panel_id = ANY($1::uuid[]) ORDER BY pm.role, u.username`,
      [ids],
    )) as {
      panel_id: string;
      user_id: string;
      username: string;
      role: string;
      term_start: string;
      term_end: string | null;
      vetted_on: string | null;
      confidentiality_signed_on: string | null;
      active: boolean;
    }[];
    const byId = new Map(panels.map((p) => [p.id as string, p]));
    const membersOf = new Map<string, typeof members>();
    for (const m of members) {
      const list = membersOf.get(m.panel_id);
      if (list) list.push(m);
      else membersOf.set(m.panel_id, [m]);
    }
    return ids.flatMap((id) => {
      const p = byId.get(id);
      if (!p) return [];
      return [
        {
          id,
          name: p.name as string,
          kind: p.kind as 'internal' | 'external',
          remit: p.remit as string[],
          showGrounds: p.show_grounds as boolean,
          bwvRedacted: p.bwv_redacted as boolean,
          quorum: p.quorum as number,
          version: p.version as number,
          members: (membersOf.get(id) ?? []).map((m) => ({
            userId: m.user_id,
            username: m.username,
            role: m.role,
            termStart: m.term_start,
            termEnd: m.term_end,
            vettedOn: m.vetted_on,
            confidentialitySignedOn: m.confidentiality_signed_on,
            active: m.active,
          })),
        },
      ];
    });
  }
}
