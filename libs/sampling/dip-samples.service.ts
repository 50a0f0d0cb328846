import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isPoliceWide, type Actor } from '@scrutiny/auth';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { APP_CONFIG, type AppConfig, DomainError, type FieldError, isUuid, londonMonth, MONTH } from '@scrutiny/core';
import { ALGORITHM_VERSION, drawSample, type DrawnItem } from './draw/draw';
import type { PlanSpec } from './draw/plan-spec';
import { readPopulation } from './population';
import { SamplingPlansService } from './plans.service';
import { NotificationsService } from './notifications.service';
import { assignReviews } from './assignment';
import { estimateProportion, type ProportionEstimate } from './estimates';
import type { ReviewForm } from '@scrutiny/review';

/** What the estimates count, each a yes/no question of a completed review. */
export const INDICATORS: Record<string, (form: ReviewForm) => boolean> = {
  grounds_not_reasonable: (f) => f.lawfulness.grounds === 'not_reasonable',
  grounds_insufficient_information: (f) => f.lawfulness.grounds === 'insufficient_information',
  bwv_not_activated_before_contact: (f) => f.bwv.activatedBeforeContact === 'no',
  bwv_not_available: (f) => f.bwv.availability === 'none',
  gowisely_incomplete: (f) => Object.values(f.gowisely).some((v) => v === 'partly' || v === 'not_given'),
  rated_red: (f) => f.assessment.rag === 'red',
  referred_to_professional_standards: (f) => f.outcome === 'referral_to_professional_standards',
};

export interface SampleEstimates {
  sampleId: string;
  period: string;
  /** The random part, weighted by inclusion probability: speaks for the month's records no targeted rule selected. */
  random: { items: number; reviewed: number; indicators: Record<string, ProportionEstimate> };
  /** The targeted part, by rule: plain counts among reviewed items, never mixed into the estimate. */
  targeted: { items: number; reviewed: number; byRule: Record<string, { items: number; reviewed: number; indicators: Record<string, number> }> };
}

export type Footage = 'none' | 'pending' | 'held' | 'at_risk' | 'lost';

export interface SampleItemView {
  id: string;
  position: number;
  recordKind: string;
  recordId: string;
  reason: string;
  matchedRules: string[];
  stratum: string;
  stratumSize: number;
  inclusionProbability: number;
  review: { assignedTo: { id: string; username: string } | null; dueOn: string | null; status: string; completedAt: string | null; version: number } | null;
  footage: Footage;
}

export interface SampleView {
  id: string;
  plan: { id: string; name: string; version: number };
  period: string;
  seed: string;
  algorithmVersion: string;
  teams: string[];
  eligibleCount: number;
  populationFingerprint: string;
  status: 'draft' | 'issued';
  scheduled: boolean;
  drawnAt: string;
  issuedAt: string | null;
  allocation: { stratum: string; population: number; sampled: number }[];
  version: number;
  items: SampleItemView[];
}

export interface VerifyResult {
  verified: boolean;
  sampleId: string;
  algorithmVersion: string;
  eligibleCount: { stored: number; now: number };
  populationFingerprint: { stored: string; now: string };
  /** Items the recomputed draw selects that the sample does not hold, and the reverse. */
  missingItems: { recordKind: string; recordId: string; reason: string }[];
  unexpectedItems: { recordKind: string; recordId: string; reason: string }[];
  differences: string[];
}

/** Who is drawing: a signed-in user, or the monthly schedule. */
export type Drawer = { actor: Actor } | { system: true };



function auditActor(by: Drawer): AuditActor {
  return 'actor' in by ? by.actor : { id: null, username: 'scheduler', roles: [] };
}

/**
 * Monthly dip samples: draw (a pure, seeded function of the month's eligible population and a plan version),
 * redraw while a draft, issue (holds on the footage, reviews assigned, supervisors notified), read and verify.
 */
@Injectable()
export class DipSamplesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: SamplingPlansService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Draws a draft sample of `period` (default plan and a fresh seed unless given). */
  async draw(by: Drawer, input: { period: string; planId?: string; seed?: string }, options: { scheduled?: boolean } = {}): Promise<SampleView> {
    const errors: FieldError[] = [];
    if (!MONTH.test(input.period ?? '')) errors.push({ field: 'period', message: 'must be a month, YYYY-MM' });
    else if (input.period > londonMonth(new Date())) errors.push({ field: 'period', message: 'must not be a future month' });
    if (input.seed !== undefined && !/^[\x21-\x7e]{1,128}$/.test(input.seed)) errors.push({ field: 'seed', message: 'must be 1 to 128 printable characters without spaces' });
    if (input.planId !== undefined && !isUuid(input.planId)) errors.push({ field: 'planId', message: 'must be a plan id' });
    if (errors.length) throw DomainError.validation(errors);
    const planId = input.planId ?? (await this.plans.ensureDefault());
    const plan = await this.plans.get(planId).catch(() => {
      throw DomainError.validation([{ field: 'planId', message: 'no such sampling plan' }]);
    });
    const teams = this.populationTeams(by, plan.spec);
    const seed = input.seed ?? randomBytes(16).toString('hex');
    const id = await this.dataSource.transaction(async (m) => {
      const drawnAt = new Date();
      const result = drawSample({ population: await readPopulation(m, { period: input.period, spec: plan.spec, teams, asOf: drawnAt }), spec: plan.spec, seed });
      const [sample] = (await m.query(
        `INSERT INTO dip_samples (plan_id, plan_version, period, seed, teams, algorithm_version, eligible_count, population_fingerprint, drawn_at, drawn_by,
           status, scheduled, allocation, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, 1) RETURNING id`,
        [plan.id, plan.version, `${input.period}-01`, seed, teams, result.algorithmVersion, result.eligibleCount, result.fingerprint, drawnAt,
          'actor' in by ? by.actor.id : null, options.scheduled ?? false, JSON.stringify(result.allocation)],
      )) as { id: string }[];
      await this.insertItems(m, sample.id, result.items);
      await this.audit.record(auditActor(by), {
        action: 'dip_sample.drawn',
        target: { type: 'dip_sample', id: sample.id },
        details: { period: input.period, plan: plan.id, planVersion: plan.version, seed, eligible: result.eligibleCount, items: result.items.length, scheduled: options.scheduled ?? false },
      }, m);
      return sample.id;
    });
    return this.read(id);
  }

  /** Draws a draft again (a new seed unless given), against the population as it is now. Issued samples never change. */
  async redraw(actor: Actor, id: string, input: { version: number; seed?: string }): Promise<SampleView> {
    const sample = await this.visible(actor, id);
    if (input.seed !== undefined && !/^[\x21-\x7e]{1,128}$/.test(input.seed)) throw DomainError.validation([{ field: 'seed', message: 'must be 1 to 128 printable characters without spaces' }]);
    const seed = input.seed ?? randomBytes(16).toString('hex');
    await this.dataSource.transaction(async (m) => {
      const row = await this.lock(m, id, input.version);
      if (row.status !== 'draft') throw new DomainError('CONFLICT', 'An issued sample cannot be redrawn: it is the record of what was selected');
      const spec = await this.plans.specAt(m, row.plan_id, row.plan_version);
      const drawnAt = new Date();
      const result = drawSample({ population: await readPopulation(m, { period: sample.period, spec, teams: row.teams, asOf: drawnAt }), spec, seed });
      await m.query(`DELETE FROM dip_sample_items WHERE sample_id = $1`, [id]);
      await this.insertItems(m, id, result.items);
      await m.query(
        `UPDATE dip_samples SET seed = $2, algorithm_version = $3, eligible_count = $4, population_fingerprint = $5, drawn_at = $6, drawn_by = $7,
           allocation = $8, version = version + 1 WHERE id = $1`,
        [id, seed, result.algorithmVersion, result.eligibleCount, result.fingerprint, drawnAt, actor.id, JSON.stringify(result.allocation)],
      );
      await this.audit.record(actor, { action: 'dip_sample.redrawn', target: { type: 'dip_sample', id }, details: { previousSeed: sample.seed, seed, items: result.items.length } }, m);
    });
    return this.read(id);
  }

  /**
   * Issues a draft: from now on it cannot change. Every selected record's BWV clips get a hold request, each item a
   * review assigned to a supervisor of the record's team (never the officer themself) due in the plan's days, and
   * the supervisors a notification.
   */
  async issue(by: Drawer, id: string, version: number): Promise<SampleView> {
    if ('actor' in by) await this.visible(by.actor, id);
    await this.dataSource.transaction(async (m) => {
      const row = await this.lock(m, id, version);
      if (row.status !== 'draft') throw new DomainError('CONFLICT', 'The sample is already issued');
      const spec = await this.plans.specAt(m, row.plan_id, row.plan_version);
      await m.query(`UPDATE dip_samples SET status = 'issued', issued_at = now(), issued_by = $2, version = version + 1 WHERE id = $1`, [id, 'actor' in by ? by.actor.id : null]);
      const [{ holds }] = (await m.query(
        `WITH inserted AS (
           INSERT INTO bwv_hold_requests (clip_id, sample_id, status)
           SELECT DISTINCT l.clip_id, $1::uuid, 'pending' FROM dip_sample_items i JOIN bwv_clip_links l ON l.case_kind = i.case_kind AND l.case_id = i.case_id
           WHERE i.sample_id = $1 ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::int AS holds FROM inserted`,
        [id],
      )) as { holds: number }[];
      const assigned = await assignReviews(m, id, spec.reviewDueDays);
      for (const [userId, count] of assigned) {
        await this.notifications.notify(m, [userId], 'review_assigned', `${count} record(s) from the ${row.period.slice(0, 7)} dip sample to review`, { sampleId: id });
      }
      await this.audit.record(auditActor(by), {
        action: 'dip_sample.issued',
        target: { type: 'dip_sample', id },
        details: { holdRequests: holds, assigned: Object.fromEntries(assigned), unassigned: (await this.unassignedCount(m, id)) },
      }, m);
    });
    return this.read(id);
  }

  async get(actor: Actor, id: string): Promise<SampleView> {
    const sample = await this.visible(actor, id);
    await this.audit.record(actor, { action: 'dip_sample.viewed', target: { type: 'dip_sample', id } });
    if (isPoliceWide(actor) || sample.teams.some((t) => actor.teams.includes(t))) return sample;
    // A supervisor from outside the sample's teams sees only the items assigned to them.
    return { ...sample, items: sample.items.filter((i) => i.review?.assignedTo?.id === actor.id) };
  }

  async list(actor: Actor, filter: { period?: string; status?: string }): Promise<Omit<SampleView, 'items'>[]> {
    const errors: FieldError[] = [];
    if (filter.period && !MONTH.test(filter.period)) errors.push({ field: 'period', message: 'must be a month, YYYY-MM' });
    if (filter.status && filter.status !== 'draft' && filter.status !== 'issued') errors.push({ field: 'status', message: 'must be draft or issued' });
    if (errors.length) throw DomainError.validation(errors);
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (filter.period) where.push(`s.period = ${p(`${filter.period}-01`)}::date`);
    if (filter.status) where.push(`s.status = ${p(filter.status)}`);
    if (!isPoliceWide(actor)) where.push(this.visibleSql('s', p(actor.teams), p(actor.id)));
    const rows = (await this.dataSource.query(
      `SELECT s.id FROM dip_samples s ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.period DESC, s.drawn_at DESC LIMIT 200`,
      params,
    )) as { id: string }[];
    const out: Omit<SampleView, 'items'>[] = [];
    for (const r of rows) {
      const { items: _items, ...rest } = await this.read(r.id);
      out.push(rest);
    }
    return out;
  }

  /**
   * Recomputes the sample from what it recorded (period, teams, plan version, seed, and the instant it was drawn)
   * and says whether the population and the items are the same, naming each difference.
   */
  async verify(id: string, actor?: Actor): Promise<VerifyResult> {
    const sample = actor ? await this.visible(actor, id) : await this.read(id);
    const [row] = (await this.dataSource.query(`SELECT plan_id, plan_version, teams, drawn_at FROM dip_samples WHERE id = $1`, [id])) as {
      plan_id: string; plan_version: number; teams: string[]; drawn_at: Date;
    }[];
    const spec = await this.plans.specAt(this.dataSource, row.plan_id, row.plan_version);
    const differences: string[] = [];
    if (sample.algorithmVersion !== ALGORITHM_VERSION) differences.push(`drawn with algorithm ${sample.algorithmVersion}; this system runs ${ALGORITHM_VERSION}`);
    const population = await readPopulation(this.dataSource, { period: sample.period, spec, teams: row.teams, asOf: row.drawn_at });
    const result = drawSample({ population, spec, seed: sample.seed });
    if (result.eligibleCount !== sample.eligibleCount) differences.push(`the population had ${sample.eligibleCount} eligible records; it now has ${result.eligibleCount}`);
    if (result.fingerprint !== sample.populationFingerprint) differences.push('the eligible population changed (records added, removed or moved since the draw)');
    const key = (i: { recordKind: string; recordId: string; reason: string; inclusionProbability: number }) => `${i.recordKind}:${i.recordId}:${i.reason}:${i.inclusionProbability.toFixed(12)}`;
    const stored = new Map(sample.items.map((i) => [key(i), i]));
    const recomputed = new Map(result.items.map((i) => [key({ recordKind: i.kind, recordId: i.id, reason: i.reason, inclusionProbability: i.inclusionProbability }), i]));
    const missingItems = [...recomputed].filter(([k]) => !stored.has(k)).map(([, i]) => ({ recordKind: i.kind, recordId: i.id, reason: i.reason }));
    const unexpectedItems = [...stored].filter(([k]) => !recomputed.has(k)).map(([, i]) => ({ recordKind: i.recordKind, recordId: i.recordId, reason: i.reason }));
    if (missingItems.length || unexpectedItems.length) differences.push(`${missingItems.length} item(s) the draw would select are not in the sample; ${unexpectedItems.length} item(s) in the sample it would not select`);
    const verdict: VerifyResult = {
      verified: differences.length === 0,
      sampleId: id,
      algorithmVersion: sample.algorithmVersion,
      eligibleCount: { stored: sample.eligibleCount, now: result.eligibleCount },
      populationFingerprint: { stored: sample.populationFingerprint, now: result.fingerprint },
      missingItems,
      unexpectedItems,
      differences,
    };
    await this.audit.record(actor ?? { id: null, username: 'cli', roles: [] }, { action: 'dip_sample.verified', target: { type: 'dip_sample', id }, details: { verified: verdict.verified, differences } });
    return verdict;
  }

  /** Month-level estimates from the completed reviews of the random part; the targeted part reported apart. */
  async estimates(actor: Actor, id: string): Promise<SampleEstimates> {
    const sample = await this.get(actor, id);
    const rows = (await this.dataSource.query(
      `SELECT i.id, r.form FROM dip_sample_items i JOIN sample_reviews r ON r.item_id = i.id WHERE i.sample_id = $1 AND r.status = 'completed'`,
      [id],
    )) as { id: string; form: ReviewForm }[];
    const forms = new Map(rows.map((r) => [r.id, r.form]));
    const random = sample.items.filter((i) => i.reason === 'random');
    const targeted = sample.items.filter((i) => i.reason !== 'random');
    const indicators = Object.fromEntries(
      Object.entries(INDICATORS).map(([name, test]) => [
        name,
        estimateProportion(random.map((i) => ({ stratum: i.stratum, stratumSize: i.stratumSize, value: forms.has(i.id) ? test(forms.get(i.id)!) : null }))),
      ]),
    );
    const byRule: SampleEstimates['targeted']['byRule'] = {};
    for (const item of targeted) {
      const entry = (byRule[item.reason] ??= { items: 0, reviewed: 0, indicators: Object.fromEntries(Object.keys(INDICATORS).map((k) => [k, 0])) });
      entry.items++;
      const form = forms.get(item.id);
      if (!form) continue;
      entry.reviewed++;
      for (const [name, test] of Object.entries(INDICATORS)) if (test(form)) entry.indicators[name]++;
    }
    return {
      sampleId: id,
      period: sample.period,
      random: { items: random.length, reviewed: random.filter((i) => forms.has(i.id)).length, indicators },
      targeted: { items: targeted.length, reviewed: targeted.filter((i) => forms.has(i.id)).length, byRule },
    };
  }

  /** The sample if the actor may see it (police-wide; a supervisor of one of its teams; or assigned one of its items), else 404. */
  async visible(actor: Actor, id: string): Promise<SampleView> {
    if (!isUuid(id)) throw DomainError.notFound('Dip sample', id);
    if (!isPoliceWide(actor)) {
      const [row] = (await this.dataSource.query(`SELECT 1 FROM dip_samples s WHERE s.id = $1 AND ${this.visibleSql('s', '$2', '$3')}`, [id, actor.teams, actor.id])) as unknown[];
      if (!row) throw DomainError.notFound('Dip sample', id);
    }
    return this.read(id);
  }

  private visibleSql(alias: string, teamsParam: string, userParam: string): string {
    return `(${alias}.teams && ${teamsParam}::text[]
      OR EXISTS (SELECT 1 FROM dip_sample_items i JOIN sample_reviews r ON r.item_id = i.id WHERE i.sample_id = ${alias}.id AND r.assigned_to = ${userParam}::uuid))`;
  }

  /** The teams whose records make the population: the plan's (which a supervisor must lead), or a supervisor's own. */
  private populationTeams(by: Drawer, spec: PlanSpec): string[] {
    if (!('actor' in by) || isPoliceWide(by.actor)) return [...spec.teams].sort();
    const { actor } = by;
    if (spec.teams.length) {
      const foreign = spec.teams.filter((t) => !actor.teams.includes(t));
      if (foreign.length) throw DomainError.validation([{ field: 'planId', message: `the plan covers teams that are not yours (${foreign.join(', ')})` }]);
      return [...spec.teams].sort();
    }
    if (!actor.teams.length) throw DomainError.validation([{ field: 'planId', message: 'you lead no team, so a plan over every team is not yours to draw' }]);
    return [...actor.teams].sort();
  }

  private async lock(m: EntityManager, id: string, version: number): Promise<{ status: string; plan_id: string; plan_version: number; teams: string[]; period: string }> {
    const [row] = (await m.query(`SELECT status, plan_id, plan_version, teams, to_char(period, 'YYYY-MM-DD') AS period, version FROM dip_samples WHERE id = $1 FOR UPDATE`, [id])) as {
      status: string; plan_id: string; plan_version: number; teams: string[]; period: string; version: number;
    }[];
    if (!row) throw DomainError.notFound('Dip sample', id);
    if (row.version !== version) {
      throw new DomainError('VERSION_CONFLICT', `Dip sample ${id} is at version ${row.version}, you sent ${version}; reload and try again`, { extensions: { currentVersion: row.version } });
    }
    return row;
  }

  private async insertItems(m: EntityManager, sampleId: string, items: DrawnItem[]): Promise<void> {
    if (!items.length) return;
    await m.query(
      `INSERT INTO dip_sample_items (sample_id, position, case_kind, case_id, reason, matched_rules, stratum, stratum_size, inclusion_probability)
       SELECT $1, r.position, r.kind, r.id, r.reason, r.matched_rules, r.stratum, r.stratum_size, r.inclusion_probability
       FROM jsonb_to_recordset($2::jsonb) AS r(position int, kind text, id uuid, reason text, matched_rules text[], stratum text, stratum_size int, inclusion_probability float8)`,
      [sampleId, JSON.stringify(items.map((i, n) => ({ position: n + 1, kind: i.kind, id: i.id, reason: i.reason, matched_rules: i.matchedRules, stratum: i.stratum, stratum_size: i.stratumSize, inclusion_probability: i.inclusionProbability })))],
    );
  }

  private async unassignedCount(m: EntityManager, id: string): Promise<number> {
    const [{ n }] = (await m.query(
      `SELECT count(*)::int AS n FROM dip_sample_items i LEFT JOIN sample_reviews r ON r.item_id = i.id WHERE i.sample_id = $1 AND r.assigned_to IS NULL`,
      [id],
    )) as { n: number }[];
    return n;
  }

  /** The sample as stored, with each item's review and footage state. */
  async read(id: string): Promise<SampleView> {
    const [s] = (await this.dataSource.query(
      `SELECT s.*, to_char(s.period, 'YYYY-MM') AS period_month, p.name AS plan_name FROM dip_samples s JOIN sampling_plans p ON p.id = s.plan_id WHERE s.id = $1`,
      [id],
    )) as Record<string, unknown>[];
    if (!s) throw DomainError.notFound('Dip sample', id);
    const warnBefore = new Date(Date.now() + this.config.sampling.holdWarningDays * 86_400_000);
    const items = (await this.dataSource.query(
      `SELECT i.*, r.assigned_to, u.username AS assigned_username, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.status AS review_status, r.completed_at,
         r.version AS review_version,
         (SELECT CASE
            WHEN count(*) = 0 THEN 'none'
            WHEN bool_or(h.status = 'lost') THEN 'lost'
            WHEN bool_and(h.status = 'confirmed') THEN 'held'
            WHEN bool_or(h.status = 'pending' AND c.retention_expires_at <= $2) THEN 'at_risk'
            ELSE 'pending' END
          FROM bwv_clip_links l JOIN bwv_clips c ON c.id = l.clip_id LEFT JOIN bwv_hold_requests h ON h.clip_id = c.id AND h.sample_id = i.sample_id
          WHERE l.case_kind = i.case_kind AND l.case_id = i.case_id) AS footage
       FROM dip_sample_items i LEFT JOIN sample_reviews r ON r.item_id = i.id LEFT JOIN users u ON u.id = r.assigned_to
       WHERE i.sample_id = $1 ORDER BY i.position`,
      [id, warnBefore],
    )) as Record<string, unknown>[];
    return {
      id: s.id as string,
      plan: { id: s.plan_id as string, name: s.plan_name as string, version: s.plan_version as number },
      period: s.period_month as string,
      seed: s.seed as string,
      algorithmVersion: s.algorithm_version as string,
      teams: s.teams as string[],
      eligibleCount: s.eligible_count as number,
      populationFingerprint: s.population_fingerprint as string,
      status: s.status as 'draft' | 'issued',
      scheduled: s.scheduled as boolean,
      drawnAt: (s.drawn_at as Date).toISOString(),
      issuedAt: (s.issued_at as Date | null)?.toISOString() ?? null,
      allocation: s.allocation as SampleView['allocation'],
      version: s.version as number,
      items: items.map((i) => ({
        id: i.id as string,
        position: i.position as number,
        recordKind: i.case_kind as string,
        recordId: i.case_id as string,
        reason: i.reason as string,
        matchedRules: i.matched_rules as string[],
        stratum: i.stratum as string,
        stratumSize: i.stratum_size as number,
        inclusionProbability: i.inclusion_probability as number,
        review: i.review_status
          ? {
              assignedTo: i.assigned_to ? { id: i.assigned_to as string, username: i.assigned_username as string } : null,
              dueOn: i.due_on as string | null,
              status: i.review_status as string,
              completedAt: (i.completed_at as Date | null)?.toISOString() ?? null,
              version: i.review_version as number,
            }
          : null,
        footage: i.footage as Footage,
      })),
    };
  }
}
