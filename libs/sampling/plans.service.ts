import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid, londonMonth, MONTH, previousMonth, type FieldError } from '@scrutiny/core';
import { defaultPlanSpec, parsePlanSpec, type PlanSpec } from './draw/plan-spec';
import { pageOf, type Page } from './page';

/** Whether the monthly schedule draws a plan, from which month, and who last switched it. */
export interface PlanSchedule {
  enabled: boolean;
  /** The first month the schedule draws (YYYY-MM); months before it are drawn by hand or not at all. */
  from: string | null;
  changedAt: string | null;
  changedBy: { id: string; username: string } | null;
}

export interface PlanView {
  id: string;
  name: string;
  schedule: PlanSchedule;
  isDefault: boolean;
  version: number;
  spec: PlanSpec;
  versionCreatedAt: string;
}

export const DEFAULT_PLAN_NAME = 'Default monthly dip sample';

/** How many ended months back the schedule catches up (a worker down longer leaves older months to be drawn by hand). */
export const SCHEDULE_CATCH_UP_MONTHS = 12;

/** The month (YYYY-MM) `n` months before `month`. */
export function monthsBefore(month: string, n: number): string {
  let m = month;
  for (let i = 0; i < n; i++) m = previousMonth(m);
  return m;
}

type Row = {
  id: string;
  name: string;
  schedule_enabled: boolean;
  schedule_from: string | null;
  schedule_changed_at: Date | null;
  schedule_changed_by: string | null;
  schedule_changed_by_username: string | null;
  is_default: boolean;
  current_version: number;
  spec: PlanSpec;
  version_created_at: Date;
};

const SELECT = `
  SELECT p.id, p.name, p.schedule_enabled, to_char(p.schedule_from, 'YYYY-MM') AS schedule_from, p.schedule_changed_at,
    p.schedule_changed_by, u.username AS schedule_changed_by_username, p.is_default, p.current_version, v.spec, v.created_at AS version_created_at
  FROM sampling_plans p JOIN sampling_plan_versions v ON v.plan_id = p.id AND v.version = p.current_version
  LEFT JOIN users u ON u.id = p.schedule_changed_by`;

function toView(r: Row): PlanView {
  return {
    id: r.id,
    name: r.name,
    schedule: {
      enabled: r.schedule_enabled,
      from: r.schedule_from,
      changedAt: r.schedule_changed_at?.toISOString() ?? null,
      changedBy: r.schedule_changed_by
        ? { id: r.schedule_changed_by, username: r.schedule_changed_by_username ?? '' }
        : null,
    },
    isDefault: r.is_default,
    version: r.current_version,
    spec: r.spec,
    versionCreatedAt: r.version_created_at.toISOString(),
  };
}

function checked(input: unknown): PlanSpec {
  const parsed = parsePlanSpec(input);
  if ('errors' in parsed) throw DomainError.validation(parsed.errors);
  return parsed.spec;
}

/** Sampling plans. Editing a plan adds a version; old versions stay, because samples point at them. */
@Injectable()
export class SamplingPlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A page of the plans, the default first, then by name; reading creates nothing. */
  async list(page: { limit?: number; offset?: number } = {}): Promise<Page<PlanView>> {
    const { limit, offset } = pageOf(page);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM sampling_plans`)) as {
      total: number;
    }[];
    const rows = (await this.dataSource.query(`${SELECT} ORDER BY p.is_default DESC, p.name, p.id LIMIT $1 OFFSET $2`, [
      limit,
      offset,
    ])) as Row[];
    return { items: rows.map(toView), total, limit, offset };
  }

  async get(id: string): Promise<PlanView> {
    if (!isUuid(id)) throw DomainError.notFound('Sampling plan', id);
    const [row] = (await this.dataSource.query(`${SELECT} WHERE p.id = $1`, [id])) as Row[];
    if (!row) throw DomainError.notFound('Sampling plan', id);
    return toView(row);
  }

  /** One version of a plan (what a sample was drawn with). */
  async specAt(q: { query: DataSource['query'] }, planId: string, version: number): Promise<PlanSpec> {
    const [row] = (await q.query(`SELECT spec FROM sampling_plan_versions WHERE plan_id = $1 AND version = $2`, [
      planId,
      version,
    ])) as { spec: unknown }[];
    if (!row) throw DomainError.notFound('Sampling plan version', `${planId}@${version}`);
    return checked(row.spec);
  }

  /** A new plan; its schedule is off until someone switches it on (setSchedule). */
  async create(actor: Actor, input: { name: string; spec?: unknown }): Promise<PlanView> {
    const spec = checked(input.spec);
    const id = await this.dataSource.transaction(async (m) => {
      const [existing] = (await m.query(`SELECT 1 FROM sampling_plans WHERE name = $1`, [input.name])) as unknown[];
      if (existing)
        throw new DomainError('CONFLICT', `A plan named "${input.name}" exists`, {
          errors: [{ field: 'name', message: 'is already used by another plan' }],
        });
      const [plan] = (await m.query(
        `INSERT INTO sampling_plans (name, is_default, current_version, created_by, version) VALUES ($1, false, 1, $2, 1) RETURNING id`,
        [input.name, actor.id],
      )) as { id: string }[];
      await m.query(`INSERT INTO sampling_plan_versions (plan_id, version, spec, created_by) VALUES ($1, 1, $2, $3)`, [
        plan.id,
        JSON.stringify(spec),
        actor.id,
      ]);
      await this.audit.record(
        actor,
        {
          action: 'sampling_plan.created',
          target: { type: 'sampling_plan', id: plan.id },
          after: { name: input.name, spec },
        },
        m,
      );
      return plan.id;
    });
    return this.get(id);
  }

  /** A new version of the rules (and/or a rename), if `version` is still the current one. */
  async update(actor: Actor, id: string, input: { version: number; name?: string; spec?: unknown }): Promise<PlanView> {
    const before = await this.get(id);
    const spec = input.spec === undefined ? undefined : checked(input.spec);
    await this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(`SELECT current_version FROM sampling_plans WHERE id = $1 FOR UPDATE`, [id])) as {
        current_version: number;
      }[];
      if (row.current_version !== input.version) {
        throw new DomainError(
          'VERSION_CONFLICT',
          `Plan ${id} is at version ${row.current_version}, you sent ${input.version}; reload and try again`,
          {
            extensions: { currentVersion: row.current_version },
          },
        );
      }
      const next = spec ? row.current_version + 1 : row.current_version;
      if (spec)
        await m.query(
          `INSERT INTO sampling_plan_versions (plan_id, version, spec, created_by) VALUES ($1, $2, $3, $4)`,
          [id, next, JSON.stringify(spec), actor.id],
        );
      await m.query(
        `UPDATE sampling_plans SET current_version = $2, name = coalesce($3, name), version = version + 1 WHERE id = $1`,
        [id, next, input.name ?? null],
      );
      await this.audit.record(
        actor,
        {
          action: 'sampling_plan.updated',
          target: { type: 'sampling_plan', id },
          before,
          after: { name: input.name, version: next, spec },
        },
        m,
      );
    });
    return this.get(id);
  }

  /**
   * Switches the monthly schedule on or off (audited). Switched on, the schedule draws and issues the plan's sample of
   * every ended month from `from` (default: the month just ended) that has no sample from this plan yet, catching up
   * months missed while no worker ran. Asking for the state the plan is already in changes nothing.
   */
  async setSchedule(actor: Actor, id: string, input: { enabled: boolean; from?: string }): Promise<PlanView> {
    const before = await this.get(id);
    const lastEnded = previousMonth(londonMonth(new Date()));
    const errors: FieldError[] = [];
    if (typeof input.enabled !== 'boolean') errors.push({ field: 'enabled', message: 'must be true or false' });
    if (input.from !== undefined) {
      const earliest = monthsBefore(lastEnded, SCHEDULE_CATCH_UP_MONTHS - 1);
      if (!input.enabled) errors.push({ field: 'from', message: 'is only given when switching the schedule on' });
      else if (typeof input.from !== 'string' || !MONTH.test(input.from))
        errors.push({ field: 'from', message: 'must be a month, YYYY-MM' });
      else if (input.from > lastEnded)
        errors.push({ field: 'from', message: `must be a month that has ended (${lastEnded} or earlier)` });
      else if (input.from < earliest)
        errors.push({
          field: 'from',
          message: `must be within the last ${SCHEDULE_CATCH_UP_MONTHS} months (${earliest} or later); draw older months by hand`,
        });
    }
    if (errors.length) throw DomainError.validation(errors);
    // Switched on again without a month, the schedule starts afresh: months it was off for are not caught up.
    const from = input.enabled
      ? (input.from ?? (before.schedule.enabled ? before.schedule.from : null) ?? lastEnded)
      : before.schedule.from;
    if (before.schedule.enabled === input.enabled && from === before.schedule.from) return before;
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `UPDATE sampling_plans SET schedule_enabled = $2, schedule_from = $3::date, schedule_changed_at = now(), schedule_changed_by = $4,
           version = version + 1 WHERE id = $1`,
        [id, input.enabled, from ? `${from}-01` : null, actor.id],
      );
      await this.audit.record(
        actor,
        {
          action: input.enabled ? 'sampling_plan.schedule_switched_on' : 'sampling_plan.schedule_switched_off',
          target: { type: 'sampling_plan', id },
          before: { enabled: before.schedule.enabled, from: before.schedule.from },
          after: { enabled: input.enabled, from },
        },
        m,
      );
    });
    return this.get(id);
  }

  /** The default plan (every kind, every targeted rule, schedule off), created the first time a draw names no plan. */
  async ensureDefault(m: EntityManager = this.dataSource.manager): Promise<string> {
    const [found] = (await m.query(`SELECT id FROM sampling_plans WHERE is_default`)) as { id: string }[];
    if (found) return found.id;
    const [plan] = (await m.query(
      `INSERT INTO sampling_plans (name, is_default, current_version, version) VALUES ($1, true, 1, 1)
       ON CONFLICT (name) DO UPDATE SET is_default = true RETURNING id`,
      [DEFAULT_PLAN_NAME],
    )) as { id: string }[];
    await m.query(
      `INSERT INTO sampling_plan_versions (plan_id, version, spec) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING`,
      [plan.id, JSON.stringify(defaultPlanSpec())],
    );
    return plan.id;
  }
}
