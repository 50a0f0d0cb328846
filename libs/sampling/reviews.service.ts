import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { caseColumnsSql, isPoliceWide, type Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isIsoDate, isUuid, londonToday, MONTH, type FieldError } from '@scrutiny/core';
import { checkForm, type DraftForm, type ReviewForm } from '@scrutiny/review';
import { activeSupervisor, itemOwners } from './assignment';
import { DipSamplesService } from './dip-samples.service';
import { NotificationsService } from './notifications.service';
import { pageOf, type Page } from './page';

export const REVIEW_STATES = ['due', 'overdue', 'done'] as const;
/** due: open and not past its due date; overdue: open and past it (London); done: completed. */
export type ReviewState = (typeof REVIEW_STATES)[number];

/** SQL (aliases r) of each state. */
const OVERDUE_SQL = `r.status <> 'completed' AND r.due_on < (now() AT TIME ZONE 'Europe/London')::date`;
const STATE_SQL: Record<ReviewState, string> = {
  due: `(r.status <> 'completed' AND NOT coalesce(r.due_on < (now() AT TIME ZONE 'Europe/London')::date, false))`,
  overdue: `(${OVERDUE_SQL})`,
  done: `r.status = 'completed'`,
};

const TEAM_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** Which of the actor's reviews a list shows. */
export interface ReviewFilter {
  overdue?: boolean;
  all?: boolean;
  state?: ReviewState;
  /** The sample's month, YYYY-MM. */
  period?: string;
  /** The sampled record's team code. */
  team?: string;
}

export interface ReviewView {
  itemId: string;
  sampleId: string;
  period: string;
  recordKind: string;
  recordId: string;
  reason: string;
  assignedTo: { id: string; username: string } | null;
  dueOn: string | null;
  overdue: boolean;
  status: string;
  form: ReviewForm | DraftForm | null;
  completedAt: string | null;
  version: number;
}

const SELECT = `
  SELECT r.item_id, i.sample_id, to_char(s.period, 'YYYY-MM') AS period, i.case_kind, i.case_id, i.reason, r.assigned_to, u.username,
    to_char(r.due_on, 'YYYY-MM-DD') AS due_on, (r.status <> 'completed' AND r.due_on < (now() AT TIME ZONE 'Europe/London')::date) AS overdue,
    r.status, r.form, r.completed_at, r.version
  FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id LEFT JOIN users u ON u.id = r.assigned_to`;

type Row = {
  item_id: string;
  sample_id: string;
  period: string;
  case_kind: string;
  case_id: string;
  reason: string;
  assigned_to: string | null;
  username: string | null;
  due_on: string | null;
  overdue: boolean;
  status: string;
  form: ReviewForm | DraftForm | null;
  completed_at: Date | null;
  version: number;
};

/**
 * Locks the reviews of `itemIds` and refuses (409, naming each) when one is completed. Called inside the transaction
 * that reassigns them: a completion commits while holding the review's row (see save), so checking before the
 * transaction could read a review as open that is completed by the time the update runs. Rows are locked in item id
 * order so two bulk assignments of overlapping items cannot deadlock.
 */
async function lockOpenReviews(
  m: EntityManager,
  itemIds: string[],
  field: (itemId: string) => string,
): Promise<Map<string, { assignedTo: string | null; dueOn: string | null }>> {
  const rows = (await m.query(
    `SELECT item_id, status, assigned_to, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM sample_reviews
     WHERE item_id = ANY($1::uuid[]) ORDER BY item_id FOR UPDATE`,
    [itemIds],
  )) as { item_id: string; status: string; assigned_to: string | null; due_on: string | null }[];
  const completed = itemIds.filter((id) => rows.some((r) => r.item_id === id && r.status === 'completed'));
  if (completed.length)
    throw new DomainError(
      'CONFLICT',
      `${completed.length} review(s) are completed and can no longer be reassigned; nothing was changed`,
      {
        errors: completed.map((id) => ({
          field: field(id),
          message: `the review of item ${id} is completed: it can no longer be reassigned`,
        })),
      },
    );
  return new Map(rows.map((r) => [r.item_id, { assignedTo: r.assigned_to, dueOn: r.due_on }]));
}

const NOT_YOURS_TO_REASSIGN =
  'only the sample’s drawer, professional standards or an admin reassign its reviews; the assignee may hand theirs back (assignedTo: null)';

/** SQL (aliases r, u): an open review nobody can do: no assignee, or one since disabled or no longer a supervisor. */
const UNASSIGNED_SQL = `(r.assigned_to IS NULL OR u.id IS NULL OR u.disabled_at IS NOT NULL OR NOT ('supervisor' = ANY(u.roles)))`;

function toView(r: Row): ReviewView {
  return {
    itemId: r.item_id,
    sampleId: r.sample_id,
    period: r.period,
    recordKind: r.case_kind,
    recordId: r.case_id,
    reason: r.reason,
    assignedTo: r.assigned_to ? { id: r.assigned_to, username: r.username! } : null,
    dueOn: r.due_on,
    overdue: r.overdue,
    status: r.status,
    form: r.form,
    completedAt: r.completed_at?.toISOString() ?? null,
    version: r.version,
  };
}

/** Supervisor reviews of sampled records: assignment, the form (domain §4) with optimistic locking, and what is overdue. */
@Injectable()
export class SampleReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly samples: DipSamplesService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * A page of the reviews assigned to the actor (all of them for police-wide roles when `all`), optionally only those
   * of one state (due, overdue, done; `overdue` is the older spelling of state overdue), of one sample month
   * (`period`, YYYY-MM) and of records of one team, and how many match in all.
   */
  async list(actor: Actor, filter: ReviewFilter & { limit?: number; offset?: number }): Promise<Page<ReviewView>> {
    const { where, params } = this.listWhere(actor, filter);
    if (filter.overdue) where.push(STATE_SQL.overdue);
    if (filter.state) where.push(STATE_SQL[filter.state]);
    const page = await this.page(where, params, filter);
    await this.auditListed(actor, 'sample_reviews.listed', filter, page);
    return page;
  }

  /**
   * For the list's tabs and month choice: how many of the actor's reviews (filtered as `list` is, without the state)
   * are in each state, and the sample months they have reviews in (of the team when one is given), newest first.
   * Counts only, no record named: not audited.
   */
  async overview(
    actor: Actor,
    filter: ReviewFilter,
  ): Promise<{ counts: Record<ReviewState, number>; months: string[] }> {
    const { where, params } = this.listWhere(actor, filter);
    const [counts] = (await this.dataSource.query(
      `SELECT ${REVIEW_STATES.map((st) => `count(*) FILTER (WHERE ${STATE_SQL[st]})::int AS ${st}`).join(', ')}
       FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id
       WHERE ${where.join(' AND ')}`,
      params,
    )) as Record<ReviewState, number>[];
    const monthWhere = this.listWhere(actor, { ...filter, period: undefined });
    const months = (await this.dataSource.query(
      `SELECT DISTINCT to_char(s.period, 'YYYY-MM') AS period
       FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id
       WHERE ${monthWhere.where.join(' AND ')} ORDER BY 1 DESC`,
      monthWhere.params,
    )) as { period: string }[];
    return { counts, months: months.map((m) => m.period) };
  }

  /**
   * Whose reviews, of which month and team. A team filter outside a scoped actor's teams matches nothing, as records
   * outside scope are missing rather than forbidden (domain §7); the team is the sampled record's (whichever table).
   */
  private listWhere(actor: Actor, filter: ReviewFilter): { where: string[]; params: unknown[] } {
    const errors: FieldError[] = [];
    if (filter.period !== undefined && !(typeof filter.period === 'string' && MONTH.test(filter.period)))
      errors.push({ field: 'period', message: 'period must be a month, YYYY-MM' });
    if (filter.team !== undefined && !(typeof filter.team === 'string' && TEAM_CODE.test(filter.team)))
      errors.push({ field: 'team', message: 'team must be a code of letters, digits, "_" or "-"' });
    if (filter.state !== undefined && !REVIEW_STATES.includes(filter.state))
      errors.push({ field: 'state', message: `state must be one of ${REVIEW_STATES.join(', ')}` });
    if (errors.length) throw DomainError.validation(errors);
    const where: string[] = ['true'];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const policeWide = isPoliceWide(actor);
    if (!(filter.all && policeWide)) where.push(`r.assigned_to = ${p(actor.id)}::uuid`);
    if (filter.period) where.push(`s.period = ${p(`${filter.period}-01`)}::date`);
    if (filter.team) {
      if (!policeWide && !actor.teams.includes(filter.team)) where.push('false');
      else
        where.push(
          `EXISTS (SELECT 1 FROM (${caseColumnsSql('i.case_kind', 'i.case_id', 'team_code')}) c WHERE c.team_code = ${p(filter.team)})`,
        );
    }
    return { where, params };
  }

  /**
   * A page of the open reviews nobody can do: assigned to no one, or to an account since disabled or no longer a
   * supervisor. Shown to whoever may assign them: police-wide roles see every sample's, a supervisor those of the
   * samples they can see (the ones they drew, of their teams or areas).
   */
  async listUnassigned(
    actor: Actor,
    filter: { sampleId?: string; limit?: number; offset?: number },
  ): Promise<Page<ReviewView>> {
    if (filter.sampleId !== undefined && !isUuid(filter.sampleId))
      throw DomainError.validation([{ field: 'sampleId', message: 'must be a sample id (uuid)' }]);
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = [`r.status <> 'completed'`, UNASSIGNED_SQL];
    const visible = this.samples.visibilityFilter(actor, 's', p);
    if (visible) where.push(visible);
    if (filter.sampleId) where.push(`s.id = ${p(filter.sampleId)}::uuid`);
    const page = await this.page(where, params, filter, 'i.sample_id, i.position');
    await this.auditListed(actor, 'sample_reviews.unassigned_listed', filter, page);
    return page;
  }

  /** One event naming the items of the page read (a page is at most a few hundred). */
  private async auditListed(actor: Actor, action: string, filter: object, page: Page<ReviewView>): Promise<void> {
    await this.audit.record(actor, {
      action,
      details: { filter, total: page.total, ids: page.items.map((r) => r.itemId) },
    });
  }

  private async page(
    where: string[],
    params: unknown[],
    page: { limit?: number; offset?: number },
    order = 'r.due_on NULLS LAST, i.position, r.item_id',
  ): Promise<Page<ReviewView>> {
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { limit, offset } = pageOf(page);
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id
       LEFT JOIN users u ON u.id = r.assigned_to ${whereSql}`,
      params,
    )) as { total: number }[];
    const rows = (await this.dataSource.query(
      `${SELECT} ${whereSql} ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    )) as Row[];
    return { items: rows.map(toView), total, limit, offset };
  }

  /**
   * Assigns many reviews to one supervisor in one transaction, each audited, the supervisor notified once. All or
   * nothing: an item missing or outside the actor's samples, or of a record the supervisor is the officer of, is named
   * (400), and so is a completed review (409, checked with the reviews locked), and nothing changes. The same rules as
   * assigning one.
   */
  async assignMany(
    actor: Actor,
    input: { itemIds: string[]; assignedTo: string; dueOn?: string },
  ): Promise<ReviewView[]> {
    const errors: FieldError[] = [];
    const ids = Array.isArray(input.itemIds) ? input.itemIds : [];
    if (!ids.length || ids.length > 500)
      errors.push({ field: 'itemIds', message: 'must list 1 to 500 sample item ids' });
    ids.forEach((id, n) => {
      if (!isUuid(id)) errors.push({ field: `itemIds.${n}`, message: 'is not a sample item id (uuid)' });
      else if (ids.indexOf(id) !== n) errors.push({ field: `itemIds.${n}`, message: 'is listed twice' });
    });
    if (input.dueOn !== undefined && !isIsoDate(input.dueOn))
      errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    const assignee = await activeSupervisor(this.dataSource, input.assignedTo);
    if (!assignee) errors.push({ field: 'assignedTo', message: 'must be an active user with the supervisor role' });
    if (errors.length || !assignee) throw DomainError.validation(errors);

    const params: unknown[] = [ids];
    const p = (v: unknown) => `$${params.push(v)}`;
    const visible = this.samples.visibilityFilter(actor, 's', p);
    const found = (await this.dataSource.query(
      `${SELECT} WHERE r.item_id = ANY($1::uuid[]) ${visible ? `AND ${visible}` : ''}`,
      params,
    )) as Row[];
    const byId = new Map(found.map((r) => [r.item_id, toView(r)]));
    const owners = await itemOwners(
      this.dataSource,
      null,
      found.map((r) => r.item_id),
    );
    const drawn = await this.drawnBy(
      actor,
      found.map((r) => r.sample_id),
    );
    ids.forEach((id, n) => {
      const review = byId.get(id);
      if (!review) errors.push({ field: `itemIds.${n}`, message: 'no review with this id in the samples you can see' });
      else if (!drawn.has(review.sampleId)) errors.push({ field: `itemIds.${n}`, message: NOT_YOURS_TO_REASSIGN });
      else if (owners.get(id)?.officerUser === assignee)
        errors.push({
          field: `itemIds.${n}`,
          message: 'the supervisor is the officer of this record: nobody reviews their own records',
        });
    });
    // Seeing an item (being assigned one of the sample) is not the right to hand its others out: 403 naming each.
    const forbidden = errors.filter((e) => e.message === NOT_YOURS_TO_REASSIGN);
    if (forbidden.length === errors.length && forbidden.length)
      throw new DomainError(
        'FORBIDDEN',
        `${forbidden.length} review(s) are not yours to reassign; nothing was changed`,
        {
          errors: forbidden,
        },
      );
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const locked = await lockOpenReviews(m, ids, (id) => `itemIds.${ids.indexOf(id)}`);
      await m.query(
        `UPDATE sample_reviews SET assigned_to = $2, due_on = coalesce($3::date, due_on), updated_at = now(), version = version + 1
         WHERE item_id = ANY($1::uuid[])`,
        [ids, assignee, input.dueOn ?? null],
      );
      for (const id of ids) {
        const before = locked.get(id)!;
        await this.audit.record(
          actor,
          {
            action: 'sample_review.assigned',
            target: { type: 'dip_sample_item', id },
            before,
            after: { assignedTo: assignee, dueOn: input.dueOn ?? before.dueOn },
            details: { sampleId: byId.get(id)!.sampleId, bulk: ids.length },
          },
          m,
        );
      }
      await this.notifications.notify(
        m,
        [assignee],
        'review_assigned',
        `${ids.length} dip-sample record(s) to review`,
        {
          itemIds: ids,
        },
      );
    });
    const rows = (await this.dataSource.query(
      `${SELECT} WHERE r.item_id = ANY($1::uuid[]) ORDER BY i.sample_id, i.position`,
      [ids],
    )) as Row[];
    return rows.map(toView);
  }

  async get(actor: Actor, sampleId: string, itemId: string): Promise<ReviewView> {
    const review = await this.find(sampleId, itemId);
    if (review.assignedTo?.id !== actor.id) await this.samples.assertVisible(actor, sampleId);
    await this.audit.record(actor, {
      action: 'sample_review.viewed',
      target: { type: 'dip_sample_item', id: itemId },
      details: { sampleId, status: review.status },
    });
    return review;
  }

  /**
   * (Re)assigns an item's review to a supervisor, who must not be the record's officer: for the sample's drawer,
   * professional standards and admins (else 403). The current assignee may hand theirs back (`assignedTo: null`
   * leaves it unassigned, for the drawer to give out again). A completed review is not reassigned (409, checked with
   * the review locked).
   */
  async assign(
    actor: Actor,
    sampleId: string,
    itemId: string,
    input: { assignedTo: string | null; dueOn?: string },
  ): Promise<ReviewView> {
    await this.samples.assertVisible(actor, sampleId);
    const before = await this.find(sampleId, itemId);
    const handingBack = input.assignedTo === null;
    const drawer = (await this.drawnBy(actor, [sampleId])).has(sampleId);
    if (!drawer && !(handingBack && before.assignedTo?.id === actor.id))
      throw new DomainError('FORBIDDEN', `The review of item ${itemId}: ${NOT_YOURS_TO_REASSIGN}`);
    const errors: FieldError[] = [];
    const assignee = handingBack ? null : await activeSupervisor(this.dataSource, input.assignedTo);
    if (!handingBack && !assignee)
      errors.push({ field: 'assignedTo', message: 'must be an active user with the supervisor role' });
    const owner = (await itemOwners(this.dataSource, sampleId, [itemId])).get(itemId);
    if (assignee && owner?.officerUser === assignee)
      errors.push({ field: 'assignedTo', message: 'is the officer of this record: nobody reviews their own records' });
    if (input.dueOn !== undefined && !isIsoDate(input.dueOn))
      errors.push({ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' });
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (m) => {
      const locked = (await lockOpenReviews(m, [itemId], () => 'itemId')).get(itemId)!;
      // Handed back by whoever holds it now, not by someone it was taken from meanwhile.
      if (!drawer && locked.assignedTo !== actor.id)
        throw new DomainError('FORBIDDEN', `The review of item ${itemId}: ${NOT_YOURS_TO_REASSIGN}`);
      await m.query(
        `UPDATE sample_reviews SET assigned_to = $2, due_on = coalesce($3::date, due_on), updated_at = now(), version = version + 1 WHERE item_id = $1`,
        [itemId, assignee, input.dueOn ?? null],
      );
      if (assignee)
        await this.notifications.notify(
          m,
          [assignee],
          'review_assigned',
          `A record from the ${before.period} dip sample to review`,
          { sampleId, itemId },
        );
      await this.audit.record(
        actor,
        {
          action: 'sample_review.assigned',
          target: { type: 'dip_sample_item', id: itemId },
          before: locked,
          after: { assignedTo: assignee, dueOn: input.dueOn ?? locked.dueOn },
        },
        m,
      );
    });
    return this.find(sampleId, itemId);
  }

  /** Of these samples, those whose reviews the actor may hand out: all for police-wide roles, else those they drew. */
  private async drawnBy(actor: Actor, sampleIds: string[]): Promise<Set<string>> {
    const ids = [...new Set(sampleIds)];
    if (isPoliceWide(actor)) return new Set(ids);
    const rows = (await this.dataSource.query(
      `SELECT id FROM dip_samples WHERE id = ANY($1::uuid[]) AND drawn_by = $2::uuid`,
      [ids, actor.id],
    )) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Saves the assigned supervisor's review form (the form of the record's kind) if `version` is still current: a draft
   * may leave questions out; `submit` requires every one and completes the review, which then no longer changes.
   */
  async save(
    actor: Actor,
    sampleId: string,
    itemId: string,
    input: { version: number; form: unknown; submit?: boolean },
  ): Promise<ReviewView> {
    const before = await this.find(sampleId, itemId);
    if (before.assignedTo?.id !== actor.id)
      throw new DomainError('FORBIDDEN', 'Only the supervisor this review is assigned to can write it');
    if (before.status === 'completed')
      throw new DomainError('CONFLICT', 'The review is completed and can no longer change');
    const form = await checkForm(
      this.dataSource,
      {
        kind: before.recordKind,
        caseId: before.recordId,
        purpose: 'review',
        stage: input.submit ? 'complete' : 'draft',
      },
      input.form,
    );
    await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(`SELECT version FROM sample_reviews WHERE item_id = $1 FOR UPDATE`, [itemId])) as {
        version: number;
      }[];
      if (row.version !== input.version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `The review was changed by someone else (version ${row.version}, you sent ${input.version}); reload and try again`,
          {
            extensions: { currentVersion: row.version },
          },
        );
      }
      await m.query(
        `UPDATE sample_reviews SET form = $2, status = $3, completed_at = CASE WHEN $4 THEN now() END, completed_by = CASE WHEN $4 THEN $5::uuid END,
           updated_at = now(), version = version + 1 WHERE item_id = $1`,
        [itemId, JSON.stringify(form), input.submit ? 'completed' : 'in_progress', input.submit === true, actor.id],
      );
      await this.audit.record(
        actor,
        {
          action: input.submit ? 'sample_review.completed' : 'sample_review.saved',
          target: { type: before.recordKind, id: before.recordId },
          before: before.form ?? undefined,
          after: form,
          details: { sampleId, itemId },
        },
        m,
      );
    });
    return this.find(sampleId, itemId);
  }

  private async find(sampleId: string, itemId: string): Promise<ReviewView> {
    if (!isUuid(sampleId) || !isUuid(itemId)) throw DomainError.notFound('Review', itemId);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE r.item_id = $1 AND i.sample_id = $2`, [
      itemId,
      sampleId,
    ])) as Row[];
    if (!row) throw DomainError.notFound('Review', itemId);
    return toView(row);
  }

  /**
   * Tells each assignee, once per review and due date, that an open review has passed its due date (London): the
   * in-app notification and its email. A review given a new due date is told again when that one passes. Reviews
   * already told are passed over in the query (this runs every OVERDUE_CHECK_INTERVAL_MS over every overdue review),
   * and the rest are written in one statement. Answers how many were told this time.
   */
  async remindOverdue(now = new Date()): Promise<number> {
    const overdue = (await this.dataSource.query(
      `SELECT r.item_id, i.sample_id, r.assigned_to, r.due_on::text AS due_on FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id
       WHERE r.status <> 'completed' AND r.assigned_to IS NOT NULL AND r.due_on < $1::date
         AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = r.assigned_to AND n.kind = 'review_overdue'
           AND n.link = jsonb_build_object('sampleId', i.sample_id, 'itemId', r.item_id, 'dueOn', r.due_on::text))
       ORDER BY r.due_on, r.item_id`,
      [londonToday(now)],
    )) as { item_id: string; sample_id: string; assigned_to: string; due_on: string }[];
    if (!overdue.length) return 0;
    await this.dataSource.transaction((m) =>
      this.notifications.notifyEach(
        m,
        'review_overdue',
        overdue.map((r) => ({
          userId: r.assigned_to,
          message: `A review was due on ${r.due_on}`,
          link: { sampleId: r.sample_id, itemId: r.item_id, dueOn: r.due_on },
        })),
      ),
    );
    return overdue.length;
  }
}
