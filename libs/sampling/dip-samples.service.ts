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
  targeted: {
    items: number;
    reviewed: number;
    byRule: Record<string, { items: number; reviewed: number; indicators: Record<string, number> }>;
  };
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
  review: {
    assignedTo: { id: string; username: string } | null;
    dueOn: string | null;
    status: string;
    completedAt: string | null;
    version: number;
  } | null;
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
  /** `now` is null when the sample was drawn by another algorithm version: nothing is recomputed then. */
  eligibleCount: { stored: number; now: number | null };
  populationFingerprint: { stored: string; now: string | null };
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

/** A seed, when given, is 1 to 128 printable ASCII characters without spaces. */
function checkSeed(seed: string | undefined): FieldError[] {
  return seed !== undefined && !/^[\x21-\x7e]{1,128}$/.test(seed)
    ? [{ field: 'seed', message: 'must be 1 to 128 printable characters without spaces' }]
    : [];
}

/** Police-wide roles, and supervisors of one of its teams, see a sample whole (items, estimates); others at most their own items. */
function seesWholeSample(actor: Actor, teams: readonly string[]): boolean {
  return isPoliceWide(actor) || teams.some((t) => actor.teams.includes(t));
}

/** A sample's own columns (alias s, its plan p), without items: what a list shows and a view starts from. */
const SAMPLE_SELECT = `
  SELECT s.id, s.plan_id, p.name AS plan_name, s.plan_version, to_char(s.period, 'YYYY-MM') AS period, s.seed, s.algorithm_version, s.teams,
    s.eligible_count, s.population_fingerprint, s.status, s.scheduled, s.drawn_at, s.issued_at, s.allocation, s.version
  FROM dip_samples s JOIN sampling_plans p ON p.id = s.plan_id`;

type SampleRow = {
  id: string;
  plan_id: string;
  plan_name: string;
  plan_version: number;
  period: string;
  seed: string;
  algorithm_version: string;
  teams: string[];
  eligible_count: number;
  population_fingerprint: string;
  status: 'draft' | 'issued';
  scheduled: boolean;
  drawn_at: Date;
  issued_at: Date | null;
  allocation: SampleView['allocation'];
  version: number;
};

function toSampleHeader(s: SampleRow): Omit<SampleView, 'items'> {
  return {
    id: s.id,
    plan: { id: s.plan_id, name: s.plan_name, version: s.plan_version },
    period: s.period,
    seed: s.seed,
    algorithmVersion: s.algorithm_version,
    teams: s.teams,
    eligibleCount: s.eligible_count,
    populationFingerprint: s.population_fingerprint,
    status: s.status,
    scheduled: s.scheduled,
    drawnAt: s.drawn_at.toISOString(),
    issuedAt: s.issued_at?.toISOString() ?? null,
    allocation: s.allocation,
    version: s.version,
  };
}

type LockedSample = {
  status: string;
  plan_id: string;
  plan_version: number;
  teams: string[];
  period: string;
  seed: string;
  version: number;
};

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

  /**
   * Draws a draft sample of `period` (default plan and a fresh seed unless given). A scheduled draw is idempotent:
   * when the plan already has its scheduled sample of the month (one per plan and month, by a unique index) it answers
   * that sample, whatever its state, and draws nothing.
   */
  async draw(
    by: Drawer,
    input: { period: string; planId?: string; seed?: string },
    options: { scheduled?: boolean } = {},
  ): Promise<SampleView> {
    const errors: FieldError[] = [];
    if (!MONTH.test(input.period ?? '')) errors.push({ field: 'period', message: 'must be a month, YYYY-MM' });
    else if (input.period > londonMonth(new Date()))
      errors.push({ field: 'period', message: 'must not be a future month' });
    errors.push(...checkSeed(input.seed));
    if (input.planId !== undefined && !isUuid(input.planId))
      errors.push({ field: 'planId', message: 'must be a plan id' });
    if (errors.length) throw DomainError.validation(errors);
    const planId = input.planId ?? (await this.plans.ensureDefault());
    const plan = await this.plans.get(planId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND')
        throw DomainError.validation([{ field: 'planId', message: 'no such sampling plan' }]);
      throw error;
    });
    const scheduled = options.scheduled ?? false;
    if (scheduled) {
      const existing = await this.scheduledSampleId(this.dataSource.manager, plan.id, input.period);
      if (existing) return this.read(existing);
    }
    const teams = this.populationTeams(by, plan.spec);
    const seed = input.seed ?? randomBytes(16).toString('hex');
    const id = await this.dataSource.transaction(async (m) => {
      const drawnAt = new Date();
      const result = drawSample({
        population: await readPopulation(m, { period: input.period, spec: plan.spec, teams, asOf: drawnAt }),
        spec: plan.spec,
        seed,
      });
      // Two scheduled draws of one plan and month may race: the second waits for the first to commit, inserts nothing, and answers the first's sample.
      const [sample] = (await m.query(
        `INSERT INTO dip_samples (plan_id, plan_version, period, seed, teams, algorithm_version, eligible_count, population_fingerprint, drawn_at, drawn_by,
           status, scheduled, allocation, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, 1)
         ON CONFLICT (plan_id, period) WHERE scheduled DO NOTHING RETURNING id`,
        [
          plan.id,
          plan.version,
          `${input.period}-01`,
          seed,
          teams,
          result.algorithmVersion,
          result.eligibleCount,
          result.fingerprint,
          drawnAt,
          'actor' in by ? by.actor.id : null,
          scheduled,
          JSON.stringify(result.allocation),
        ],
      )) as { id: string }[];
      if (!sample) {
        const existing = await this.scheduledSampleId(m, plan.id, input.period);
        if (!existing)
          throw new Error(`The scheduled sample of plan ${plan.id} for ${input.period} conflicted but cannot be found`);
        return existing;
      }
      await this.insertItems(m, sample.id, result.items);
      await this.audit.record(
        auditActor(by),
        {
          action: 'dip_sample.drawn',
          target: { type: 'dip_sample', id: sample.id },
          details: {
            period: input.period,
            plan: plan.id,
            planVersion: plan.version,
            seed,
            eligible: result.eligibleCount,
            items: result.items.length,
            scheduled,
          },
        },
        m,
      );
      return sample.id;
    });
    return this.read(id);
  }

  /** Draws a draft again (a new seed unless given), against the population as it is now. Issued samples never change. */
  async redraw(actor: Actor, id: string, input: { version: number; seed?: string }): Promise<SampleView> {
    await this.assertVisible(actor, id);
    const errors = checkSeed(input.seed);
    if (errors.length) throw DomainError.validation(errors);
    const seed = input.seed ?? randomBytes(16).toString('hex');
    await this.dataSource.transaction(async (m) => {
      const row = await this.lock(m, id);
      this.checkVersion(id, row, input.version);
      if (row.status !== 'draft')
        throw new DomainError('CONFLICT', 'An issued sample cannot be redrawn: it is the record of what was selected');
      const spec = await this.plans.specAt(m, row.plan_id, row.plan_version);
      const drawnAt = new Date();
      const result = drawSample({
        population: await readPopulation(m, { period: row.period.slice(0, 7), spec, teams: row.teams, asOf: drawnAt }),
        spec,
        seed,
      });
      await m.query(`DELETE FROM dip_sample_items WHERE sample_id = $1`, [id]);
      await this.insertItems(m, id, result.items);
      await m.query(
        `UPDATE dip_samples SET seed = $2, algorithm_version = $3, eligible_count = $4, population_fingerprint = $5, drawn_at = $6, drawn_by = $7,
           allocation = $8, version = version + 1 WHERE id = $1`,
        [
          id,
          seed,
          result.algorithmVersion,
          result.eligibleCount,
          result.fingerprint,
          drawnAt,
          actor.id,
          JSON.stringify(result.allocation),
        ],
      );
      await this.audit.record(
        actor,
        {
          action: 'dip_sample.redrawn',
          target: { type: 'dip_sample', id },
          details: { previousSeed: row.seed, seed, items: result.items.length },
        },
        m,
      );
    });
    return this.read(id);
  }

  /**
   * Issues a draft: from now on it cannot change. Every selected record's BWV clips get a hold request, each item a
   * review assigned to a supervisor of the record's team (never the officer themself) due in the plan's days, and
   * the supervisors a notification. The system issuing a sample already issued is a no-op (the schedule may retry);
   * a user doing so gets a conflict.
   */
  async issue(by: Drawer, id: string, version: number): Promise<SampleView> {
    if ('actor' in by) await this.assertVisible(by.actor, id);
    await this.dataSource.transaction(async (m) => {
      const row = await this.lock(m, id);
      if (row.status === 'issued' && !('actor' in by)) return;
      this.checkVersion(id, row, version);
      if (row.status !== 'draft') throw new DomainError('CONFLICT', 'The sample is already issued');
      const spec = await this.plans.specAt(m, row.plan_id, row.plan_version);
      await m.query(
        `UPDATE dip_samples SET status = 'issued', issued_at = now(), issued_by = $2, version = version + 1 WHERE id = $1`,
        [id, 'actor' in by ? by.actor.id : null],
      );
      const [{ holds }] = (await m.query(
        `WITH inserted AS (
           INSERT INTO bwv_hold_requests (clip_id, sample_id, status)
           SELECT DISTINCT l.clip_id, $1::uuid, 'pending' FROM dip_sample_items i JOIN bwv_clip_links l ON l.case_kind = i.case_kind AND l.case_id = i.case_id
           WHERE i.sample_id = $1 ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::int AS holds FROM inserted`,
        [id],
      )) as { holds: number }[];
      const assigned = await assignReviews(m, id, spec.reviewDueDays);
      const month = row.period.slice(0, 7);
      await this.notifications.notifyEach(
        m,
        'review_assigned',
        [...assigned].map(([userId, count]) => ({
          userId,
          message: `${count} record(s) from the ${month} dip sample to review`,
        })),
        { sampleId: id },
      );
      await this.audit.record(
        auditActor(by),
        {
          action: 'dip_sample.issued',
          target: { type: 'dip_sample', id },
          details: {
            holdRequests: holds,
            assigned: Object.fromEntries(assigned),
            unassigned: await this.unassignedCount(m, id),
          },
        },
        m,
      );
    });
    return this.read(id);
  }

  async get(actor: Actor, id: string): Promise<SampleView> {
    await this.assertVisible(actor, id);
    const sample = await this.read(id);
    await this.audit.record(actor, { action: 'dip_sample.viewed', target: { type: 'dip_sample', id } });
    if (seesWholeSample(actor, sample.teams)) return sample;
    // A supervisor from outside the sample's teams sees only the items assigned to them.
    return { ...sample, items: sample.items.filter((i) => i.review?.assignedTo?.id === actor.id) };
  }

  async list(actor: Actor, filter: { period?: string; status?: string }): Promise<Omit<SampleView, 'items'>[]> {
    const errors: FieldError[] = [];
    if (filter.period && !MONTH.test(filter.period))
      errors.push({ field: 'period', message: 'must be a month, YYYY-MM' });
    if (filter.status && filter.status !== 'draft' && filter.status !== 'issued')
      errors.push({ field: 'status', message: 'must be draft or issued' });
    if (errors.length) throw DomainError.validation(errors);
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (filter.period) where.push(`s.period = ${p(`${filter.period}-01`)}::date`);
    if (filter.status) where.push(`s.status = ${p(filter.status)}`);
    if (!isPoliceWide(actor)) where.push(this.visibleSql('s', p(actor.teams), p(actor.id)));
    const rows = (await this.dataSource.query(
      `${SAMPLE_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.period DESC, s.drawn_at DESC LIMIT 200`,
      params,
    )) as SampleRow[];
    return rows.map(toSampleHeader);
  }

  /**
   * Recomputes the sample from what it recorded (period, teams, plan version, seed, and the instant it was drawn)
   * and says whether the population and the items are the same, naming each difference. A sample drawn by another
   * algorithm version is not recomputed: the only difference reported is the version.
   */
  async verify(id: string, actor?: Actor): Promise<VerifyResult> {
    if (actor) await this.assertVisible(actor, id);
    const row = await this.readRow(id);
    const sample = toSampleHeader(row);
    const verdict: VerifyResult =
      sample.algorithmVersion !== ALGORITHM_VERSION
        ? {
            verified: false,
            sampleId: id,
            algorithmVersion: sample.algorithmVersion,
            eligibleCount: { stored: sample.eligibleCount, now: null },
            populationFingerprint: { stored: sample.populationFingerprint, now: null },
            missingItems: [],
            unexpectedItems: [],
            differences: [
              `drawn with algorithm ${sample.algorithmVersion}; this system runs ${ALGORITHM_VERSION}, so the draw cannot be recomputed`,
            ],
          }
        : await this.recompute(row);
    await this.audit.record(actor ?? { id: null, username: 'cli', roles: [] }, {
      action: 'dip_sample.verified',
      target: { type: 'dip_sample', id },
      details: { verified: verdict.verified, differences: verdict.differences },
    });
    return verdict;
  }

  private async recompute(row: SampleRow): Promise<VerifyResult> {
    const spec = await this.plans.specAt(this.dataSource, row.plan_id, row.plan_version);
    const population = await readPopulation(this.dataSource, {
      period: row.period,
      spec,
      teams: row.teams,
      asOf: row.drawn_at,
    });
    const result = drawSample({ population, spec, seed: row.seed });
    const differences: string[] = [];
    if (result.eligibleCount !== row.eligible_count)
      differences.push(`the population had ${row.eligible_count} eligible records; it now has ${result.eligibleCount}`);
    if (result.fingerprint !== row.population_fingerprint)
      differences.push('the eligible population changed (records added, removed or moved since the draw)');
    const items = (await this.dataSource.query(
      `SELECT case_kind AS "recordKind", case_id AS "recordId", reason, inclusion_probability AS "inclusionProbability" FROM dip_sample_items WHERE sample_id = $1 ORDER BY position`,
      [row.id],
    )) as { recordKind: string; recordId: string; reason: string; inclusionProbability: number }[];
    const key = (i: { recordKind: string; recordId: string; reason: string; inclusionProbability: number }) =>
      `${i.recordKind}:${i.recordId}:${i.reason}:${i.inclusionProbability.toFixed(12)}`;
    const stored = new Map(items.map((i) => [key(i), i]));
    const recomputed = new Map(
      result.items.map((i) => [
        key({ recordKind: i.kind, recordId: i.id, reason: i.reason, inclusionProbability: i.inclusionProbability }),
        i,
      ]),
    );
    const missingItems = [...recomputed]
      .filter(([k]) => !stored.has(k))
      .map(([, i]) => ({ recordKind: i.kind, recordId: i.id, reason: i.reason }));
    const unexpectedItems = [...stored]
      .filter(([k]) => !recomputed.has(k))
      .map(([, i]) => ({ recordKind: i.recordKind, recordId: i.recordId, reason: i.reason }));
    if (missingItems.length || unexpectedItems.length)
      differences.push(
        `${missingItems.length} item(s) the draw would select are not in the sample; ${unexpectedItems.length} item(s) in the sample it would not select`,
      );
    return {
      verified: differences.length === 0,
      sampleId: row.id,
      algorithmVersion: row.algorithm_version,
      eligibleCount: { stored: row.eligible_count, now: result.eligibleCount },
      populationFingerprint: { stored: row.population_fingerprint, now: result.fingerprint },
      missingItems,
      unexpectedItems,
      differences,
    };
  }

  /**
   * Month-level estimates from the completed reviews of the random part; the targeted part reported apart. Computed
   * over every item, so only those who see the sample whole may ask: police-wide roles and supervisors of its teams
   * (a supervisor who only reviews some of its items is refused, 403).
   */
  async estimates(actor: Actor, id: string): Promise<SampleEstimates> {
    if (!isUuid(id)) throw DomainError.notFound('Dip sample', id);
    const [sample] = (await this.dataSource.query(
      `SELECT to_char(s.period, 'YYYY-MM') AS period, s.teams, ${isPoliceWide(actor) ? 'true' : this.visibleSql('s', '$2', '$3')} AS visible FROM dip_samples s WHERE s.id = $1`,
      isPoliceWide(actor) ? [id] : [id, actor.teams, actor.id],
    )) as { period: string; teams: string[]; visible: boolean }[];
    if (!sample?.visible) throw DomainError.notFound('Dip sample', id);
    if (!seesWholeSample(actor, sample.teams)) {
      throw new DomainError(
        'FORBIDDEN',
        'Estimates cover the whole sample: only professional standards, admins and supervisors of its teams can see them',
      );
    }
    const items = (await this.dataSource.query(
      `SELECT i.id, i.reason, i.stratum, i.stratum_size, r.form FROM dip_sample_items i LEFT JOIN sample_reviews r ON r.item_id = i.id AND r.status = 'completed'
       WHERE i.sample_id = $1 ORDER BY i.position`,
      [id],
    )) as { id: string; reason: string; stratum: string; stratum_size: number; form: ReviewForm | null }[];
    const random = items.filter((i) => i.reason === 'random');
    const targeted = items.filter((i) => i.reason !== 'random');
    const indicators = Object.fromEntries(
      Object.entries(INDICATORS).map(([name, test]) => [
        name,
        estimateProportion(
          random.map((i) => ({ stratum: i.stratum, stratumSize: i.stratum_size, value: i.form ? test(i.form) : null })),
        ),
      ]),
    );
    const byRule: SampleEstimates['targeted']['byRule'] = {};
    for (const item of targeted) {
      const entry = (byRule[item.reason] ??= {
        items: 0,
        reviewed: 0,
        indicators: Object.fromEntries(Object.keys(INDICATORS).map((k) => [k, 0])),
      });
      entry.items++;
      if (!item.form) continue;
      entry.reviewed++;
      for (const [name, test] of Object.entries(INDICATORS)) if (test(item.form)) entry.indicators[name]++;
    }
    return {
      sampleId: id,
      period: sample.period,
      random: { items: random.length, reviewed: random.filter((i) => i.form).length, indicators },
      targeted: { items: targeted.length, reviewed: targeted.filter((i) => i.form).length, byRule },
    };
  }

  /**
   * Throws not found (404) unless the sample exists and the actor may see it: police-wide; a supervisor of one of its
   * teams; or assigned one of its items. One EXISTS query; nothing of the sample is read.
   */
  async assertVisible(actor: Actor, id: string): Promise<void> {
    if (!isUuid(id)) throw DomainError.notFound('Dip sample', id);
    const [row] = (
      isPoliceWide(actor)
        ? await this.dataSource.query(`SELECT 1 FROM dip_samples s WHERE s.id = $1`, [id])
        : await this.dataSource.query(
            `SELECT 1 FROM dip_samples s WHERE s.id = $1 AND ${this.visibleSql('s', '$2', '$3')}`,
            [id, actor.teams, actor.id],
          )
    ) as unknown[];
    if (!row) throw DomainError.notFound('Dip sample', id);
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
      if (foreign.length)
        throw DomainError.validation([
          { field: 'planId', message: `the plan covers teams that are not yours (${foreign.join(', ')})` },
        ]);
      return [...spec.teams].sort();
    }
    if (!actor.teams.length)
      throw DomainError.validation([
        { field: 'planId', message: 'you lead no team, so a plan over every team is not yours to draw' },
      ]);
    return [...actor.teams].sort();
  }

  private async scheduledSampleId(m: EntityManager, planId: string, period: string): Promise<string | undefined> {
    const [row] = (await m.query(`SELECT id FROM dip_samples WHERE plan_id = $1 AND period = $2::date AND scheduled`, [
      planId,
      `${period}-01`,
    ])) as { id: string }[];
    return row?.id;
  }

  private async lock(m: EntityManager, id: string): Promise<LockedSample> {
    const [row] = (await m.query(
      `SELECT status, plan_id, plan_version, teams, to_char(period, 'YYYY-MM-DD') AS period, seed, version FROM dip_samples WHERE id = $1 FOR UPDATE`,
      [id],
    )) as LockedSample[];
    if (!row) throw DomainError.notFound('Dip sample', id);
    return row;
  }

  private checkVersion(id: string, row: LockedSample, version: number): void {
    if (row.version !== version) {
      throw new DomainError(
        'VERSION_CONFLICT',
        `Dip sample ${id} is at version ${row.version}, you sent ${version}; reload and try again`,
        { extensions: { currentVersion: row.version } },
      );
    }
  }

  private async insertItems(m: EntityManager, sampleId: string, items: DrawnItem[]): Promise<void> {
    if (!items.length) return;
    await m.query(
      `INSERT INTO dip_sample_items (sample_id, position, case_kind, case_id, reason, matched_rules, stratum, stratum_size, inclusion_probability)
       SELECT $1, r.position, r.kind, r.id, r.reason, r.matched_rules, r.stratum, r.stratum_size, r.inclusion_probability
       FROM jsonb_to_recordset($2::jsonb) AS r(position int, kind text, id uuid, reason text, matched_rules text[], stratum text, stratum_size int, inclusion_probability float8)`,
      [
        sampleId,
        JSON.stringify(
          items.map((i, n) => ({
            position: n + 1,
            kind: i.kind,
            id: i.id,
            reason: i.reason,
            matched_rules: i.matchedRules,
            stratum: i.stratum,
            stratum_size: i.stratumSize,
            inclusion_probability: i.inclusionProbability,
          })),
        ),
      ],
    );
  }

  private async unassignedCount(m: EntityManager, id: string): Promise<number> {
    const [{ n }] = (await m.query(
      `SELECT count(*)::int AS n FROM dip_sample_items i LEFT JOIN sample_reviews r ON r.item_id = i.id WHERE i.sample_id = $1 AND r.assigned_to IS NULL`,
      [id],
    )) as { n: number }[];
    return n;
  }

  private async readRow(id: string): Promise<SampleRow> {
    const [row] = (
      isUuid(id) ? await this.dataSource.query(`${SAMPLE_SELECT} WHERE s.id = $1`, [id]) : []
    ) as SampleRow[];
    if (!row) throw DomainError.notFound('Dip sample', id);
    return row;
  }

  /** The sample as stored, with each item's review and footage state. */
  async read(id: string): Promise<SampleView> {
    const sample = toSampleHeader(await this.readRow(id));
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
      ...sample,
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
              assignedTo: i.assigned_to
                ? { id: i.assigned_to as string, username: i.assigned_username as string }
                : null,
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
