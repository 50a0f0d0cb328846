import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { caseColumnsSql, isPoliceWide, Permission, type Actor, type CaseKind } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid, quarterName, type FieldError } from '@scrutiny/core';
import { CasesService, csvLine } from '@scrutiny/records';
import { parseFindingForm, parseReviewForm, themeProblems } from '@scrutiny/review';
import { krippendorffAlphaNominal } from './agreement';
import { ACTION_STATUSES } from './panel.entities';
import { PanelsService, type SessionView } from './panels.service';

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

export const ACTION_KINDS = ['feedback_to_officer', 'organisational_learning', 'referral_to_professional_standards', 'policy_or_training', 'other'] as const;

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
  kind: string;
  description: string;
  owner: string;
  /** The day of the session (or the quarter's themes review) that raised it. */
  raisedOn: string;
  dueOn: string;
  overdue: boolean;
  status: string;
  response: string | null;
  respondedAt: string | null;
  version: number;
}

/** The leaves of the review form that agreement is measured on (categorical answers). */
const CRITERIA: string[][] = [
  ['bwv', 'availability'], ['bwv', 'activatedBeforeContact'], ['lawfulness', 'powerApplicable'], ['lawfulness', 'grounds'],
  ...['grounds', 'object', 'warrantCard', 'identity', 'station', 'entitlementToRecord', 'legalPower', 'youAreDetained'].map((k) => ['gowisely', k]),
  ...['recordCompleted', 'receiptOffered', 'selfDefinedEthnicityAsked', 'outcomeRecorded', 'outcomeLinkRecorded'].map((k) => ['recordQuality', k]),
  ...['communicationAndRespect', 'explanation', 'deEscalation', 'detentionKeptMinimal', 'dignity', 'safeguardingChildren'].map((k) => ['conduct', k]),
  ['assessment', 'rag'], ['outcome'],
];

/** When an action was raised: at its quarter's themes review, at its panel session, or when it was entered. */
const RAISED_ON = `coalesce(a.meeting_quarter, (ps.scheduled_at AT TIME ZONE 'Europe/London')::date, (a.created_at AT TIME ZONE 'Europe/London')::date)`;

const ACTION_SELECT = `
  SELECT a.*, to_char(${RAISED_ON}, 'YYYY-MM-DD') AS raised, to_char(a.due_on, 'YYYY-MM-DD') AS due, to_char(a.meeting_quarter, 'YYYY-MM-DD') AS meeting_quarter, ai.session_id, f.agenda_item_id,
    (a.status IN ('open', 'in_progress') AND a.due_on < (now() AT TIME ZONE 'Europe/London')::date) AS overdue
  FROM finding_actions a LEFT JOIN panel_findings f ON f.id = a.finding_id LEFT JOIN session_agenda_items ai ON ai.id = f.agenda_item_id
    LEFT JOIN panel_sessions ps ON ps.id = ai.session_id`;

function toAction(r: Record<string, unknown>): ActionView {
  return {
    id: r.id as string, findingId: r.finding_id as string | null, sessionId: r.session_id as string | null, agendaItemId: r.agenda_item_id as string | null,
    meetingQuarter: r.meeting_quarter ? quarterName(r.meeting_quarter as string) : null, kind: r.kind as string, description: r.description as string,
    owner: r.owner as string, raisedOn: r.raised as string, dueOn: r.due as string, overdue: r.overdue as boolean, status: r.status as string, response: r.response as string | null,
    respondedAt: (r.responded_at as Date | null)?.toISOString() ?? null, version: r.version as number,
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
  ) {}

  // ---- blind ratings ----

  /** A member's own rating of a case: saved as a draft, or submitted (then final). Optimistic locking after the first save. */
  async saveRating(actor: Actor, sessionId: string, itemId: string, input: { form: unknown; submit?: boolean; version?: number }): Promise<RatingView> {
    const session = await this.panels.session(actor, sessionId);
    const item = this.item(session, itemId);
    if (session.yourRole === 'manager') throw new DomainError('FORBIDDEN', 'Only members of the panel rate its cases');
    await this.panels.requireActiveMember(actor, session);
    if (session.status !== 'open') throw new DomainError('CONFLICT', `Ratings are given while the session is open; it is ${session.status}`);
    if (item.conflicted) throw new DomainError('FORBIDDEN', 'You declared a conflict with this case');
    const parsed = parseReviewForm(input.form);
    if ('errors' in parsed) throw DomainError.validation(parsed.errors);
    const themeErrors = await themeProblems(this.dataSource, parsed.form.assessment.themes);
    if (themeErrors.length) throw DomainError.validation(themeErrors);
    await this.dataSource.transaction(async (m) => {
      const [current] = (await m.query(`SELECT status, version FROM panel_ratings WHERE agenda_item_id = $1 AND user_id = $2 FOR UPDATE`, [itemId, actor.id])) as { status: string; version: number }[];
      if (current?.status === 'submitted') throw new DomainError('CONFLICT', 'Your rating is submitted and can no longer change');
      if (current && current.version !== input.version) {
        throw new DomainError('VERSION_CONFLICT', `Your rating was changed elsewhere (version ${current.version}, you sent ${input.version ?? 'none'}); reload and try again`, {
          extensions: { currentVersion: current.version },
        });
      }
      const status = input.submit ? 'submitted' : 'draft';
      if (current) {
        await m.query(`UPDATE panel_ratings SET form = $3, status = $4, submitted_at = CASE WHEN $4 = 'submitted' THEN now() END, updated_at = now(), version = version + 1 WHERE agenda_item_id = $1 AND user_id = $2`, [
          itemId, actor.id, JSON.stringify(parsed.form), status,
        ]);
      } else {
        await m.query(`INSERT INTO panel_ratings (agenda_item_id, user_id, form, status, submitted_at, version) VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'submitted' THEN now() END, 1)`, [
          itemId, actor.id, JSON.stringify(parsed.form), status,
        ]);
      }
      await this.audit.record(actor, { action: input.submit ? 'panel_rating.submitted' : 'panel_rating.saved', target: { type: item.caseKind, id: item.caseId }, details: { sessionId, itemId } }, m);
    });
    return (await this.ratings(actor, sessionId, itemId)).find((r) => r.mine)!;
  }

  /**
   * The ratings of a case the actor may see: always their own; others' submitted ratings once they have submitted
   * theirs or the chair revealed them (managers see every submitted rating). Drafts are never shown to others.
   */
  async ratings(actor: Actor, sessionId: string, itemId: string): Promise<RatingView[]> {
    const session = await this.panels.session(actor, sessionId);
    const item = this.item(session, itemId);
    if (item.conflicted) throw new DomainError('FORBIDDEN', 'You declared a conflict with this case');
    const rows = (await this.dataSource.query(
      `SELECT user_id, status, form, submitted_at, version FROM panel_ratings WHERE agenda_item_id = $1 ORDER BY submitted_at NULLS LAST, user_id`,
      [itemId],
    )) as { user_id: string; status: 'draft' | 'submitted'; form: Record<string, unknown>; submitted_at: Date | null; version: number }[];
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

  /** Inter-rater agreement per criterion over the session's submitted ratings (Krippendorff's alpha, nominal). */
  async agreement(actor: Actor, sessionId: string): Promise<{ sessionId: string; ratings: number; criteria: { criterion: string; alpha: number | null; pairableCases: number }[] }> {
    const session = await this.panels.session(actor, sessionId);
    if (session.yourRole === 'member' && session.status === 'open') throw new DomainError('FORBIDDEN', 'Agreement is shown to the chair while the session is open, to everyone after');
    const rows = (await this.dataSource.query(
      `SELECT r.agenda_item_id, r.user_id, r.form FROM panel_ratings r JOIN session_agenda_items a ON a.id = r.agenda_item_id WHERE a.session_id = $1 AND r.status = 'submitted'`,
      [sessionId],
    )) as { agenda_item_id: string; user_id: string; form: Record<string, unknown> }[];
    const raters = [...new Set(rows.map((r) => r.user_id))].sort();
    const items = [...new Set(rows.map((r) => r.agenda_item_id))].sort();
    const valueAt = (form: Record<string, unknown>, path: string[]) => {
      const v = path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), form);
      return typeof v === 'string' ? v : null;
    };
    const criteria = CRITERIA.map((path) => {
      const units = items.map((item) => raters.map((rater) => {
        const rating = rows.find((r) => r.agenda_item_id === item && r.user_id === rater);
        return rating ? valueAt(rating.form, path) : null;
      }));
      return { criterion: path.join('.'), alpha: krippendorffAlphaNominal(units), pairableCases: units.filter((u) => u.filter((v) => v !== null).length >= 2).length };
    });
    return { sessionId, ratings: rows.length, criteria };
  }

  // ---- consensus findings ----

  /** The chair records (or revises) the consensus finding of a case while the session is open. */
  async saveFinding(actor: Actor, sessionId: string, itemId: string, input: { form: unknown; version?: number }): Promise<FindingView> {
    const session = await this.panels.session(actor, sessionId);
    this.panels.requireChair(session);
    const item = this.item(session, itemId);
    if (session.status !== 'open') throw new DomainError('CONFLICT', `Findings are recorded while the session is open; it is ${session.status} (a closed session's findings are corrected by a new version)`);
    const parsed = parseFindingForm(input.form);
    if ('errors' in parsed) throw DomainError.validation(parsed.errors);
    const themeErrors = await themeProblems(this.dataSource, parsed.form.assessment.themes);
    if (themeErrors.length) throw DomainError.validation(themeErrors);
    await this.dataSource.transaction(async (m) => {
      const [current] = (await m.query(`SELECT id, version FROM panel_findings WHERE agenda_item_id = $1 AND finding_version = 1 FOR UPDATE`, [itemId])) as { id: string; version: number }[];
      if (current && current.version !== input.version) {
        throw new DomainError('VERSION_CONFLICT', `The finding was changed by someone else (version ${current.version}, you sent ${input.version ?? 'none'}); reload and try again`, {
          extensions: { currentVersion: current.version },
        });
      }
      if (current) await m.query(`UPDATE panel_findings SET form = $2, recorded_by = $3, updated_at = now(), version = version + 1 WHERE id = $1`, [current.id, JSON.stringify(parsed.form), actor.id]);
      else await m.query(`INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, recorded_by, version) VALUES ($1, 1, $2, 'draft', $3, 1)`, [itemId, JSON.stringify(parsed.form), actor.id]);
      await this.audit.record(actor, { action: 'panel_finding.recorded', target: { type: item.caseKind, id: item.caseId }, after: parsed.form, details: { sessionId, itemId } }, m);
    });
    return (await this.findings(actor, sessionId, itemId))[0];
  }

  /** Corrects a frozen finding: a new version that supersedes (and keeps) the old one, with the reason. */
  async correctFinding(actor: Actor, sessionId: string, itemId: string, input: { form: unknown; reason: string }): Promise<FindingView> {
    const session = await this.panels.session(actor, sessionId);
    this.panels.requireChair(session);
    const item = this.item(session, itemId);
    if (session.status !== 'closed' && session.status !== 'published') throw new DomainError('CONFLICT', 'Only the findings of a closed session are corrected; while open, edit the finding');
    const errors: FieldError[] = [];
    if (!input.reason?.trim()) errors.push({ field: 'reason', message: 'say why the finding is corrected' });
    const parsed = parseFindingForm(input.form);
    if ('errors' in parsed) errors.push(...parsed.errors);
    else errors.push(...(await themeProblems(this.dataSource, parsed.form.assessment.themes)));
    if (errors.length || 'errors' in parsed) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const [latest] = (await m.query(`SELECT id, finding_version FROM panel_findings WHERE agenda_item_id = $1 ORDER BY finding_version DESC LIMIT 1 FOR UPDATE`, [itemId])) as { id: string; finding_version: number }[];
      if (!latest) throw new DomainError('CONFLICT', 'There is no finding to correct');
      await m.query(
        `INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, supersedes_id, correction_reason, recorded_by, version) VALUES ($1, $2, $3, 'final', $4, $5, $6, 1)`,
        [itemId, latest.finding_version + 1, JSON.stringify(parsed.form), latest.id, input.reason.trim(), actor.id],
      );
      await this.audit.record(actor, { action: 'panel_finding.corrected', target: { type: item.caseKind, id: item.caseId }, after: parsed.form, details: { sessionId, itemId, reason: input.reason.trim(), supersedes: latest.id } }, m);
    });
    return (await this.findings(actor, sessionId, itemId))[0];
  }

  /** Every version of a case's finding, newest first. */
  async findings(actor: Actor, sessionId: string, itemId: string): Promise<FindingView[]> {
    const session = await this.panels.session(actor, sessionId);
    const item = this.item(session, itemId);
    if (item.conflicted) throw new DomainError('FORBIDDEN', 'You declared a conflict with this case');
    const rows = (await this.dataSource.query(`SELECT * FROM panel_findings WHERE agenda_item_id = $1 ORDER BY finding_version DESC`, [itemId])) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as string, agendaItemId: itemId, version: r.finding_version as number, status: r.status as 'draft' | 'final', form: r.form as Record<string, unknown>,
      supersedes: r.supersedes_id as string | null, correctionReason: r.correction_reason as string | null, createdAt: (r.created_at as Date).toISOString(), rowVersion: r.version as number,
    }));
  }

  // ---- actions ("you said, we did") ----

  async createAction(actor: Actor, findingId: string, input: ActionInput): Promise<ActionView> {
    const { sessionId } = await this.findingSession(findingId);
    this.panels.requireChair(await this.panels.session(actor, sessionId));
    return this.raiseAction(actor, { findingId }, input);
  }

  /** An action raised at a quarter's themes review (`quarter`: its first day); it joins the same tracker. */
  raiseMeetingAction(actor: Actor, quarter: string, input: ActionInput): Promise<ActionView> {
    return this.raiseAction(actor, { meetingQuarter: quarter }, input);
  }

  private async raiseAction(actor: Actor, source: { findingId?: string; meetingQuarter?: string }, input: ActionInput): Promise<ActionView> {
    const errors: FieldError[] = [];
    if (!(ACTION_KINDS as readonly string[]).includes(input.kind)) errors.push({ field: 'kind', message: `must be one of ${ACTION_KINDS.join(', ')}` });
    if (!input.description?.trim()) errors.push({ field: 'description', message: 'is required' });
    if (!input.owner?.trim()) errors.push({ field: 'owner', message: 'is required (who in the force answers it)' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn ?? '') || Number.isNaN(Date.parse(input.dueOn))) errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    if (errors.length) throw DomainError.validation(errors);
    const id = await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO finding_actions (finding_id, meeting_quarter, kind, description, owner, due_on, status, created_by, version) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, 1) RETURNING id`,
        [source.findingId ?? null, source.meetingQuarter ?? null, input.kind, input.description.trim(), input.owner.trim(), input.dueOn, actor.id],
      )) as { id: string }[];
      await this.audit.record(actor, { action: 'finding_action.raised', target: { type: 'finding_action', id: row.id }, after: input, details: source }, m);
      return row.id;
    });
    return this.action(id);
  }

  /** The force answers an action: status, response, owner or due date; optimistic locking by `version`. */
  async updateAction(actor: Actor, id: string, input: { version: number; status?: string; response?: string | null; owner?: string; dueOn?: string }): Promise<ActionView> {
    const before = await this.action(id);
    const errors: FieldError[] = [];
    if (input.status !== undefined && !(ACTION_STATUSES as readonly string[]).includes(input.status)) errors.push({ field: 'status', message: `must be one of ${ACTION_STATUSES.join(', ')}` });
    if (input.status === 'done' && !(input.response ?? before.response)?.trim()) errors.push({ field: 'response', message: 'say what was done before marking it done' });
    if (input.dueOn !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn) || Number.isNaN(Date.parse(input.dueOn)))) errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const [, changed] = (await m.query(
        `UPDATE finding_actions SET status = coalesce($3, status), response = CASE WHEN $4 THEN $5 ELSE response END,
           responded_at = CASE WHEN $4 THEN now() ELSE responded_at END, owner = coalesce($6, owner), due_on = coalesce($7::date, due_on), version = version + 1
         WHERE id = $1 AND version = $2`,
        [id, input.version, input.status ?? null, input.response !== undefined, input.response ?? null, input.owner ?? null, input.dueOn ?? null],
      )) as [unknown, number];
      if (!changed) {
        throw new DomainError('VERSION_CONFLICT', `Action ${id} was changed by someone else (version ${before.version}, you sent ${input.version}); reload and try again`, {
          extensions: { currentVersion: before.version },
        });
      }
      await this.audit.record(actor, { action: 'finding_action.updated', target: { type: 'finding_action', id }, before, after: input }, m);
    });
    return this.action(id);
  }

  /**
   * Actions, soonest due first: managers see all, members those of their panels' sessions; actions raised at a
   * quarterly themes review only those who hold that review. `quarter` (first day) keeps those raised in that
   * quarter or at its themes review, and those raised earlier still open when it began.
   */
  listActions(actor: Actor, filter: ActionFilter): Promise<ActionView[]> {
    return this.selectActions(actor, filter, 500);
  }

  /**
   * Every action of a quarter (as `listActions`), whoever asks and however many: for the quarterly review, which
   * decides what to show. `force` keeps panel actions about that force's cases, and the review's own actions.
   */
  actionsOfQuarter(quarter: string, force?: string): Promise<ActionView[]> {
    return this.selectActions(null, { quarter, force }, null);
  }

  private async selectActions(actor: Actor | null, filter: ActionFilter & { force?: string }, limit: number | null): Promise<ActionView[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (actor && !isPoliceWide(actor)) where.push(`EXISTS (SELECT 1 FROM panel_sessions s JOIN panel_members pm ON pm.panel_id = s.panel_id WHERE s.id = ai.session_id AND pm.user_id = $${params.push(actor.id)})`);
    if (actor && !actor.permissions.has(Permission.THEMES_REVIEW)) where.push(`a.meeting_quarter IS NULL`);
    if (filter.sessionId) where.push(`ai.session_id = $${params.push(isUuid(filter.sessionId) ? filter.sessionId : null)}::uuid`);
    if (filter.meetingQuarter) where.push(`a.meeting_quarter = $${params.push(filter.meetingQuarter)}::date`);
    if (filter.quarter) {
      const q = `$${params.push(filter.quarter)}::date`;
      where.push(`(a.meeting_quarter = ${q} OR (${RAISED_ON} >= ${q} AND ${RAISED_ON} < ${q} + interval '3 months')
        OR (${RAISED_ON} < ${q} AND (a.status IN ('open', 'in_progress') OR (a.responded_at AT TIME ZONE 'Europe/London')::date >= ${q})))`);
    }
    if (filter.force) {
      where.push(`(a.meeting_quarter IS NOT NULL OR EXISTS (SELECT 1 FROM (${caseColumnsSql('ai.case_kind', 'ai.case_id', 'force_code')}) c WHERE c.force_code = $${params.push(filter.force)}))`);
    }
    if (filter.overdue) where.push(`a.status IN ('open', 'in_progress') AND a.due_on < (now() AT TIME ZONE 'Europe/London')::date`);
    const rows = (await this.dataSource.query(
      `${ACTION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.due_on, a.id${limit === null ? '' : ` LIMIT ${limit}`}`,
      params,
    )) as Record<string, unknown>[];
    return rows.map(toAction);
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
    const items = [];
    for (const item of session.agenda) {
      if (item.conflicted) continue;
      const kind = item.caseKind as CaseKind;
      const record = await this.cases.get(actor, kind, item.caseId).catch(() => null);
      const [finding] = item.finding ? await this.findings(actor, sessionId, item.id) : [];
      const actions = finding ? await this.listActions(actor, { sessionId }).then((all) => all.filter((a) => a.findingId === finding.id)) : [];
      items.push({
        position: item.position,
        case: record
          ? { kind, id: record.id, period: record.period, areaCode: record.areaCode, occurredAt: record.occurredAt, officer: record.officer, pseudonymised: record.pseudonymised }
          : { kind, id: null, period: null, areaCode: null, occurredAt: null, officer: null, pseudonymised: true },
        finding: finding ? { version: finding.version, status: finding.status, form: finding.form, correctionReason: finding.correctionReason } : null,
        actions: actions.map((a) => ({ kind: a.kind, description: a.description, owner: a.owner, dueOn: a.dueOn, status: a.status, response: a.response, overdue: a.overdue })),
      });
    }
    await this.audit.record(actor, { action: 'panel_session.reported', target: { type: 'panel_session', id: sessionId } });
    return {
      session: { id: session.id, panel: session.panel.name, kind: session.panel.kind, scheduledAt: session.scheduledAt, status: session.status, closedAt: session.closedAt, minutes: session.minutes },
      items,
    };
  }

  /** The report as CSV: one line per action (or per case without actions). */
  async reportCsv(actor: Actor, sessionId: string): Promise<string> {
    const report = await this.report(actor, sessionId);
    const header = ['position', 'case_kind', 'period', 'area', 'officer', 'rag', 'themes', 'outcome', 'learning_points', 'questions_for_force', 'action', 'action_owner', 'action_due', 'action_status', 'force_response'];
    const lines = [csvLine(header)];
    for (const item of report.items) {
      const form = (item.finding?.form ?? {}) as { assessment?: { rag?: string; themes?: string[]; learningPoints?: string | null; questionsForForce?: string | null }; outcome?: string };
      const base = [String(item.position), item.case.kind, item.case.period ?? '', item.case.areaCode ?? '', item.case.officer ?? '', form.assessment?.rag ?? '', (form.assessment?.themes ?? []).join(';'),
        form.outcome ?? '', form.assessment?.learningPoints ?? '', form.assessment?.questionsForForce ?? ''];
      if (!item.actions.length) lines.push(csvLine([...base, '', '', '', '', '']));
      for (const a of item.actions) lines.push(csvLine([...base, a.description, a.owner, a.dueOn, a.status, a.response ?? '']));
    }
    return `${lines.join('\n')}\n`;
  }

  private item(session: SessionView, itemId: string) {
    const item = session.agenda.find((i) => i.id === itemId);
    if (!item) throw DomainError.notFound('Agenda item', itemId);
    return item;
  }

  private async findingSession(findingId: string): Promise<{ sessionId: string }> {
    const [row] = (isUuid(findingId)
      ? await this.dataSource.query(`SELECT ai.session_id FROM panel_findings f JOIN session_agenda_items ai ON ai.id = f.agenda_item_id WHERE f.id = $1`, [findingId])
      : []) as { session_id: string }[];
    if (!row) throw DomainError.notFound('Finding', findingId);
    return { sessionId: row.session_id };
  }

  private async action(id: string): Promise<ActionView> {
    const [row] = (isUuid(id) ? await this.dataSource.query(`${ACTION_SELECT} WHERE a.id = $1`, [id]) : []) as Record<string, unknown>[];
    if (!row) throw DomainError.notFound('Action', id);
    return toAction(row);
  }
}
