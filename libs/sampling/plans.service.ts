import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@scrutiny/auth';
import { AuditService } from '@scrutiny/audit';
import { DomainError, isUuid } from '@scrutiny/core';
import { defaultPlanSpec, parsePlanSpec, type PlanSpec } from './draw/plan-spec';

export interface PlanView {
  id: string;
  name: string;
  active: boolean;
  isDefault: boolean;
  version: number;
  spec: PlanSpec;
  versionCreatedAt: string;
}

export const DEFAULT_PLAN_NAME = 'Default monthly dip sample';

type Row = {
  id: string;
  name: string;
  active: boolean;
  is_default: boolean;
  current_version: number;
  spec: PlanSpec;
  version_created_at: Date;
};

const SELECT = `
  SELECT p.id, p.name, p.active, p.is_default, p.current_version, v.spec, v.created_at AS version_created_at
  FROM sampling_plans p JOIN sampling_plan_versions v ON v.plan_id = p.id AND v.version = p.current_version`;

function toView(r: Row): PlanView {
  return {
    id: r.id,
    name: r.name,
    active: r.active,
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

  async list(): Promise<PlanView[]> {
    await this.ensureDefault();
    return ((await this.dataSource.query(`${SELECT} ORDER BY p.is_default DESC, p.name`)) as Row[]).map(toView);
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

  async create(actor: Actor, input: { name: string; active?: boolean; spec?: unknown }): Promise<PlanView> {
    const spec = checked(input.spec);
    const id = await this.dataSource.transaction(async (m) => {
      const [existing] = (await m.query(`SELECT 1 FROM sampling_plans WHERE name = $1`, [input.name])) as unknown[];
      if (existing)
        throw new DomainError('CONFLICT', `A plan named "${input.name}" exists`, {
          errors: [{ field: 'name', message: 'is already used by another plan' }],
        });
      const [plan] = (await m.query(
        `INSERT INTO sampling_plans (name, active, is_default, current_version, created_by, version) VALUES ($1, $2, false, 1, $3, 1) RETURNING id`,
        [input.name, input.active ?? true, actor.id],
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

  /** A new version of the rules (and/or a rename or (de)activation), if `version` is still the current one. */
  async update(
    actor: Actor,
    id: string,
    input: { version: number; name?: string; active?: boolean; spec?: unknown },
  ): Promise<PlanView> {
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
        `UPDATE sampling_plans SET current_version = $2, name = coalesce($3, name), active = coalesce($4, active), version = version + 1 WHERE id = $1`,
        [id, next, input.name ?? null, input.active ?? null],
      );
      await this.audit.record(
        actor,
        {
          action: 'sampling_plan.updated',
          target: { type: 'sampling_plan', id },
          before,
          after: { name: input.name, active: input.active, version: next, spec },
        },
        m,
      );
    });
    return this.get(id);
  }

  /** The default plan (every kind, every targeted rule), created on first use. */
  async ensureDefault(m: EntityManager = this.dataSource.manager): Promise<string> {
    const [found] = (await m.query(`SELECT id FROM sampling_plans WHERE is_default`)) as { id: string }[];
    if (found) return found.id;
    const [plan] = (await m.query(
      `INSERT INTO sampling_plans (name, active, is_default, current_version, version) VALUES ($1, true, true, 1, 1)
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
