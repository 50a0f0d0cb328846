import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { areasAndDescendantsSql, isPoliceWide, type Actor, type CaseKind } from '@scrutiny/auth';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { APP_CONFIG, type AppConfig, DomainError, type FieldError, isUuid, londonMonth, MONTH } from '@scrutiny/core';
import { ALGORITHM_VERSIONS, type AlgorithmVersion, drawSample, type DrawnItem, isAlgorithmVersion } from './draw/draw';
import type { PlanSpec } from './draw/plan-spec';
import { countPopulation, readPopulation, type PopulationCounts } from './population';
import { SamplingPlansService } from './plans.service';
import { pageOf, type Page } from './page';
import { NotificationsService } from './notifications.service';
import { activeSupervisor, planAssignments, writeReviews, type PlannedAssignment } from './assignment';
import {
  estimateIndicators,
  MONTH_WIDE_METHOD,
  monthWideStrata,
  RANDOM_PART_METHOD,
  randomPartStrata,
  type PopulationCoverage,
  type ProportionEstimate,
} from './estimates';
import type { ReviewForm } from '@scrutiny/review';

/** What the estimates count, each a yes/no question of a completed review. */
export const INDICATORS: Record<string, (form: ReviewForm) => boolean> = {
  grounds_not_reasonable: (f) => f.lawfulness.grounds === 'not_reasonable',
  grounds_insufficient_information: (f) => f.lawfulness.grounds === 'insufficient_information',
  bwv_not_activated_before_contact: (f) => f.bwv.activatedBeforeContact === 'no',
  bwv_not_available: (f) => f.bwv.availability === 'none',
  // GOWISELY applies to stop searches only: a vehicle stop or use of force never counts as incomplete.
  gowisely_incomplete: (f) =>
    'gowisely' in f && Object.values(f.gowisely).some((v) => v === 'partly' || v === 'not_given'),
  rated_red: (f) => f.assessment.rag === 'red',
  referred_to_professional_standards: (f) => f.outcome === 'referral_to_professional_standards',
};

export interface SampleEstimates {
  sampleId: string;
  period: string;
  /** The random part, weighted by inclusion probability: speaks for the month's records no targeted rule selected. */
  random: EstimatePart;
  /** The whole month's eligible records: the random part and the targeted part together (see MONTH_WIDE_METHOD). */
  monthWide: EstimatePart;
  /** The targeted part, by rule: plain counts among reviewed items. */
  targeted: {
    items: number;
    reviewed: number;
    byRule: Record<string, { items: number; reviewed: number; indicators: Record<string, number> }>;
  };
}

/** One estimate of every indicator: the population it speaks for, how, and from how many items. */
export interface EstimatePart {
  population: PopulationCoverage;
  method: string;
  items: number;
  reviewed: number;
  indicators: Record<string, ProportionEstimate>;
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

/** Why a sample's population is what it is, and, when nothing could be drawn, why in words. */
export interface Eligibility extends PopulationCounts {
  /** Null when the sample has items; otherwise why it has none ("12 records in 2024-05, none in your teams …"). */
  reason: string | null;
}

export interface SampleView {
  id: string;
  plan: { id: string; name: string; version: number };
  period: string;
  seed: string;
  algorithmVersion: string;
  teams: string[];
  /** Areas (each with every area beneath it) whose records also made the population. */
  areas: string[];
  eligibleCount: number;
  /** Null for samples drawn before it was kept. */
  eligibility: Eligibility | null;
  /** Items in the whole sample (a supervisor who sees only their own items sees fewer in `items`). */
  itemCount: number;
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

const NOUNS: Record<CaseKind, string> = {
  stop_search: 'stop searches',
  vehicle_stop: 'vehicle stops',
  use_of_force: 'use-of-force reports',
};

/** The population's teams and areas, and how to name them to whoever drew it. */
type PopulationScope = { teams: string[]; areas: string[]; label: string };

/** Why a draw has no items, in words, or null when it has some. */
function explain(
  counts: PopulationCounts,
  input: { period: string; kinds: readonly string[]; scope: string; items: number },
): string | null {
  if (input.items > 0) return null;
  const what = input.kinds.map((k) => NOUNS[k as CaseKind] ?? k).join(', ');
  if (counts.inMonth === 0) return `no ${what} are recorded in ${input.period}`;
  if (counts.inScope === 0) return `${counts.inMonth} record(s) in ${input.period}, none in ${input.scope}: eligible 0`;
  if (counts.eligible === 0) {
    const parts = [
      counts.excluded.alreadyReviewed && `${counts.excluded.alreadyReviewed} already reviewed`,
      counts.excluded.alreadySampled && `${counts.excluded.alreadySampled} already in an issued sample`,
      counts.excluded.noBwv && `${counts.excluded.noBwv} without BWV footage`,
    ].filter(Boolean);
    return `${counts.inScope} record(s) in ${input.scope} in ${input.period}, all excluded (${parts.join(', ')}): eligible 0`;
  }
  return `${counts.eligible} eligible record(s), but the plan selects none of them (random sample size 0 and no targeted rule matched)`;
}

/** Names a population's teams and areas ("your teams (TEAM-A) or areas (E23000001)"; "every team"). */
function scopeLabel(teams: readonly string[], areas: readonly string[], whose = 'the'): string {
  const parts = [teams.length && `teams (${teams.join(', ')})`, areas.length && `areas (${areas.join(', ')})`].filter(
    Boolean,
  );
  return parts.length ? `${whose} ${parts.join(' or ')}` : 'any team';
}

/**
 * SQL (alias `alias` over dip_samples): the sample is visible to a supervisor whose teams ($teams) or areas
 * ($areas, each with every area beneath it) cover its population, or who reviews one of its items ($user).
 */
function visibleSql(alias: string, teamsParam: string, areasParam: string, userParam: string): string {
  return `(${wholeSql(alias, teamsParam, areasParam)}
      OR EXISTS (SELECT 1 FROM dip_sample_items i JOIN sample_reviews r ON r.item_id = i.id WHERE i.sample_id = ${alias}.id AND r.assigned_to = ${userParam}::uuid))`;
}

/** SQL: a supervisor sees the sample whole (every item, estimates): one of its teams, or an area within theirs. */
function wholeSql(alias: string, teamsParam: string, areasParam: string): string {
  return `(${alias}.teams && ${teamsParam}::text[] OR ${alias}.areas && ARRAY${areasAndDescendantsSql(areasParam)})`;
}

/** A sample's own columns (alias s, its plan p), without items: what a list shows and a view starts from. */
const SAMPLE_SELECT = `
  SELECT s.id, s.plan_id, p.name AS plan_name, s.plan_version, to_char(s.period, 'YYYY-MM') AS period, s.seed, s.algorithm_version, s.teams,
    s.areas, s.eligible_count, s.eligibility, (SELECT count(*)::int FROM dip_sample_items ic WHERE ic.sample_id = s.id) AS item_count,
    s.population_fingerprint, s.status, s.scheduled, s.drawn_at, s.issued_at, s.allocation, s.version
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
  areas: string[];
  eligible_count: number;
  eligibility: Eligibility | null;
  item_count: number;
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
    areas: s.areas,
    eligibleCount: s.eligible_count,
    eligibility: s.eligibility,
    itemCount: s.item_count,
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
  areas: string[];
  period: string;
  seed: string;
  version: number;
  items: number;
  eligibility: Eligibility | null;
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
    const scope = this.populationScope(by, plan.spec);
    const { teams, areas } = scope;
    const seed = input.seed ?? randomBytes(16).toString('hex');
    const id = await this.dataSource.transaction(async (m) => {
      const drawnAt = new Date();
      const query = { period: input.period, spec: plan.spec, teams, areas, asOf: drawnAt };
      const result = drawSample({ population: await readPopulation(m, query), spec: plan.spec, seed });
      const eligibility = await this.eligibility(m, query, scope.label, result.items.length);
      // Two scheduled draws of one plan and month may race: the second waits for the first to commit, inserts nothing, and answers the first's sample.
      const [sample] = (await m.query(
        `INSERT INTO dip_samples (plan_id, plan_version, period, seed, teams, algorithm_version, eligible_count, population_fingerprint, drawn_at, drawn_by,
           status, scheduled, allocation, areas, eligibility, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $13, $14, 1)
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
          areas,
          JSON.stringify(eligibility),
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
            ...(eligibility.reason ? { empty: eligibility.reason } : {}),
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
    return this.redrawDraft({ actor }, id, input);
  }

  /** The redraw itself, by a user or the schedule; `details` are added to its audit event (why the schedule redrew). */
  private async redrawDraft(
    by: Drawer,
    id: string,
    input: { version: number; seed?: string },
    details: Record<string, unknown> = {},
  ): Promise<SampleView> {
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
      const query = { period: row.period.slice(0, 7), spec, teams: row.teams, areas: row.areas, asOf: drawnAt };
      const result = drawSample({ population: await readPopulation(m, query), spec, seed });
      const eligibility = await this.eligibility(m, query, scopeLabel(row.teams, row.areas), result.items.length);
      await m.query(`DELETE FROM dip_sample_items WHERE sample_id = $1`, [id]);
      await this.insertItems(m, id, result.items);
      await m.query(
        `UPDATE dip_samples SET seed = $2, algorithm_version = $3, eligible_count = $4, population_fingerprint = $5, drawn_at = $6, drawn_by = $7,
           allocation = $8, eligibility = $9, version = version + 1 WHERE id = $1`,
        [
          id,
          seed,
          result.algorithmVersion,
          result.eligibleCount,
          result.fingerprint,
          drawnAt,
          'actor' in by ? by.actor.id : null,
          JSON.stringify(result.allocation),
          JSON.stringify(eligibility),
        ],
      );
      await this.audit.record(
        auditActor(by),
        {
          action: 'dip_sample.redrawn',
          target: { type: 'dip_sample', id },
          details: { previousSeed: row.seed, seed, items: result.items.length, ...details },
        },
        m,
      );
    });
    return this.read(id);
  }

  /**
   * Issues a draft: from now on it cannot change. Every selected record's BWV clips get a hold request, each item a
   * review assigned to a supervisor of the record's team (never the officer themself) due in the plan's days, and
   * the supervisors a notification. An item nobody can review is not issued to nobody: the issue is refused (422)
   * naming the items, unless `assignTo` names an active supervisor to take them. A sample with no items is never
   * issued (409, saying why it is empty); nor, when its plan excludes records already sampled, one holding a record
   * that another sample issued since this one was drawn (409 naming the items: redraw it). The system issuing a
   * sample already issued is a no-op (the schedule may retry); a user doing so gets a conflict.
   */
  async issue(by: Drawer, id: string, version: number, options: { assignTo?: string } = {}): Promise<SampleView> {
    if ('actor' in by) await this.assertVisible(by.actor, id);
    await this.dataSource.transaction(async (m) => {
      // Issues of one month take turns, so the overlap check below cannot pass for two drafts sharing a record: each
      // locks only its own sample's row, and under READ COMMITTED neither would see the other's issue until it commits.
      // A record belongs to one month (its period), so only samples of the same month can share one: a lock per month
      // is the finest key that covers every overlap (samples have teams and areas, not a force). Taken before the
      // sample's row lock, and released at commit.
      await m.query(
        `SELECT pg_advisory_xact_lock(hashtext('dip_samples.issue:' || to_char(period, 'YYYY-MM'))) FROM dip_samples WHERE id = $1`,
        [id],
      );
      const row = await this.lock(m, id);
      if (row.status === 'issued' && !('actor' in by)) return;
      this.checkVersion(id, row, version);
      if (row.status !== 'draft') throw new DomainError('CONFLICT', 'The sample is already issued');
      if (row.items === 0)
        throw new DomainError(
          'CONFLICT',
          `The sample has no items, so there is nothing to issue${row.eligibility?.reason ? `: ${row.eligibility.reason}` : ''}. Redraw it once there are records to sample.`,
          { extensions: { eligibility: row.eligibility } },
        );
      const spec = await this.plans.specAt(m, row.plan_id, row.plan_version);
      if (spec.exclusions.alreadySampled) await this.refuseAlreadySampled(m, id);
      const planned = await planAssignments(m, id);
      if (options.assignTo !== undefined) await this.assignLeftovers(m, planned, options.assignTo);
      const nobody = planned.filter((p) => !p.user);
      if (nobody.length) {
        throw new DomainError(
          'UNPROCESSABLE',
          `${nobody.length} item(s) have nobody to review them: give assignTo (an active supervisor) to issue, or make a supervisor responsible for the records' teams`,
          {
            errors: nobody.map((n) => ({
              field: `items.${n.position}`,
              message: `${n.recordKind} ${n.recordId}: ${n.why ?? 'nobody can review it'}`,
            })),
            extensions: {
              unassignedItems: nobody.map((n) => ({
                itemId: n.item,
                position: n.position,
                recordKind: n.recordKind,
                recordId: n.recordId,
                team: n.team,
                reason: n.why ?? null,
              })),
            },
          },
        );
      }
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
      const assigned = await writeReviews(m, planned, spec.reviewDueDays);
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
            ...(options.assignTo ? { assignTo: options.assignTo } : {}),
          },
        },
        m,
      );
    });
    return this.read(id);
  }

  /**
   * Refuses (409) a draft holding records another sample issued since it was drawn: the draw left out only samples
   * issued before it. Runs under the month's issue lock, so every issue it could miss is still uncommitted and waiting.
   */
  private async refuseAlreadySampled(m: EntityManager, id: string): Promise<void> {
    const taken = (await m.query(
      `SELECT DISTINCT ON (i.position) i.id, i.position, i.case_kind, i.case_id, o.sample_id, p.name AS plan_name
       FROM dip_sample_items i JOIN dip_sample_items o ON o.case_kind = i.case_kind AND o.case_id = i.case_id AND o.sample_id <> i.sample_id
       JOIN dip_samples s ON s.id = o.sample_id AND s.status = 'issued' JOIN sampling_plans p ON p.id = s.plan_id
       WHERE i.sample_id = $1 ORDER BY i.position, s.issued_at, s.id`,
      [id],
    )) as { id: string; position: number; case_kind: string; case_id: string; sample_id: string; plan_name: string }[];
    if (!taken.length) return;
    throw new DomainError(
      'CONFLICT',
      `${taken.length} item(s) are already in an issued sample, and the plan excludes records already sampled: redraw the sample (it will leave them out), then issue it`,
      {
        errors: taken.map((t) => ({
          field: `items.${t.position}`,
          message: `${t.case_kind} ${t.case_id}: already in the issued sample ${t.sample_id} (plan "${t.plan_name}")`,
        })),
        extensions: {
          alreadySampled: taken.map((t) => ({
            itemId: t.id,
            position: t.position,
            recordKind: t.case_kind,
            recordId: t.case_id,
            sampleId: t.sample_id,
          })),
        },
      },
    );
  }

  /** Gives `assignTo` every planned item nobody else can take, unless it is the record's own officer. */
  private async assignLeftovers(m: EntityManager, planned: PlannedAssignment[], assignTo: string): Promise<void> {
    const assignee = await activeSupervisor(m, assignTo);
    if (!assignee)
      throw DomainError.validation([{ field: 'assignTo', message: 'must be an active user with the supervisor role' }]);
    for (const p of planned) {
      if (p.user) continue;
      if (p.officerUser === assignee) p.why = 'the supervisor given in assignTo is the officer of this record';
      else p.user = assignee;
    }
  }

  /**
   * The monthly schedule's work for one plan and one ended month, safe to run any number of times: nothing when the
   * plan's schedule is off or the month already has a sample from this plan (any status, drawn by hand or not);
   * otherwise a draw, then the issue. A draft holding records another sample issued meanwhile (a waiting draft, or a
   * sample issued between the draw and the issue) is redrawn, audited with a fresh recorded seed so it stays
   * verifiable, and then issued. A draw with no items stays a draft and whoever switched the schedule on is told why;
   * so are they when items have nobody to review them (the draft waits, and the next run tries again). Each
   * notification is sent once.
   */
  async runSchedule(planId: string, period: string): Promise<SampleView | null> {
    const plan = await this.plans.get(planId);
    if (!plan.schedule.enabled) return null;
    const [existing] = (await this.dataSource.query(
      `SELECT id, scheduled, status FROM dip_samples WHERE plan_id = $1 AND period = $2::date ORDER BY scheduled, drawn_at LIMIT 1`,
      [planId, `${period}-01`],
    )) as { id: string; scheduled: boolean; status: string }[];
    // A sample drawn by hand (looked for first), or one the schedule already issued, is the month's: the schedule
    // leaves it alone, and never issues its own waiting draft beside a hand-drawn one (they may share records).
    if (existing && (!existing.scheduled || existing.status !== 'draft')) return null;
    let sample = existing
      ? await this.read(existing.id)
      : await this.draw({ system: true }, { period, planId }, { scheduled: true });
    const recipients = await this.scheduleOwners(plan.schedule.changedBy?.id ?? null);
    for (let redraws = 0; ; redraws++) {
      if (sample.status !== 'draft') return sample;
      if (sample.itemCount === 0) {
        await this.notifications.notifyOnce(
          this.dataSource,
          recipients,
          'sample_empty',
          `Nothing drawn for ${period} from plan "${plan.name}": ${sample.eligibility?.reason ?? 'no eligible records'}`,
          { sampleId: sample.id },
        );
        return sample;
      }
      try {
        return await this.issue({ system: true }, sample.id, sample.version);
      } catch (error) {
        const taken = error instanceof DomainError ? error.extensions.alreadySampled : undefined;
        // A few tries: each redraw leaves out what was issued before it, so only a new issue racing it can overlap.
        if (!Array.isArray(taken) || redraws >= 3) {
          if (error instanceof DomainError && error.code === 'UNPROCESSABLE')
            return this.needsAssignee(plan, period, sample, recipients, error);
          throw error;
        }
        // Another worker redrawing (or issuing) the same draft meanwhile: go on from what it left.
        sample = await this.redrawDraft(
          { system: true },
          sample.id,
          { version: sample.version },
          { scheduled: true, alreadySampled: taken.length },
        ).catch((e: unknown) => {
          if (e instanceof DomainError && e.code === 'VERSION_CONFLICT') return this.read(sample.id);
          throw e;
        });
      }
    }
  }

  /** Tells the schedule's owners, once, that its draft waits for someone to name an assignee. */
  private async needsAssignee(
    plan: { name: string },
    period: string,
    sample: SampleView,
    recipients: string[],
    error: DomainError,
  ): Promise<SampleView> {
    await this.notifications.notifyOnce(
      this.dataSource,
      recipients,
      'sample_needs_assignee',
      `The ${period} sample of plan "${plan.name}" is not issued: ${error.errors.length} item(s) have nobody to review them. Issue it naming a supervisor (assignTo).`,
      { sampleId: sample.id },
    );
    return this.read(sample.id);
  }

  /** Who hears about the schedule's drafts: whoever switched it on, or else every professional standards user. */
  private async scheduleOwners(switchedBy: string | null): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM users WHERE disabled_at IS NULL AND (id = $1::uuid
         OR ($1::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = $1::uuid AND u.disabled_at IS NULL))
            AND 'professional_standards' = ANY(roles))`,
      [switchedBy],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async get(actor: Actor, id: string): Promise<SampleView> {
    await this.assertVisible(actor, id);
    const sample = await this.read(id);
    await this.audit.record(actor, { action: 'dip_sample.viewed', target: { type: 'dip_sample', id } });
    if (await this.seesWhole(actor, id)) return sample;
    // A supervisor from outside the sample's teams sees only the items assigned to them.
    return { ...sample, items: sample.items.filter((i) => i.review?.assignedTo?.id === actor.id) };
  }

  /** A page of the samples the actor can see (without items), newest month first, and how many there are in all. */
  async list(
    actor: Actor,
    filter: { period?: string; status?: string; limit?: number; offset?: number },
  ): Promise<Page<Omit<SampleView, 'items'>>> {
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
    const visible = this.visibilityFilter(actor, 's', p);
    if (visible) where.push(visible);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { limit, offset } = pageOf(filter);
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM dip_samples s ${whereSql}`,
      params,
    )) as { total: number }[];
    const rows = (await this.dataSource.query(
      `${SAMPLE_SELECT} ${whereSql} ORDER BY s.period DESC, s.drawn_at DESC, s.id LIMIT ${p(limit)} OFFSET ${p(offset)}`,
      params,
    )) as SampleRow[];
    return { items: rows.map(toSampleHeader), total, limit, offset };
  }

  /**
   * Recomputes the sample from what it recorded (period, teams, plan version, seed, and the instant it was drawn)
   * and says whether the population and the items are the same, naming each difference. A sample drawn by another
   * algorithm version this system cannot run is not recomputed: the only difference reported is the version. Earlier
   * versions it still runs (ALGORITHM_VERSIONS) are recomputed with the version the sample recorded.
   */
  async verify(id: string, actor?: Actor): Promise<VerifyResult> {
    if (actor) await this.assertVisible(actor, id);
    const row = await this.readRow(id);
    const sample = toSampleHeader(row);
    const verdict: VerifyResult = !isAlgorithmVersion(sample.algorithmVersion)
      ? {
          verified: false,
          sampleId: id,
          algorithmVersion: sample.algorithmVersion,
          eligibleCount: { stored: sample.eligibleCount, now: null },
          populationFingerprint: { stored: sample.populationFingerprint, now: null },
          missingItems: [],
          unexpectedItems: [],
          differences: [
            `drawn with algorithm ${sample.algorithmVersion}; this system runs ${ALGORITHM_VERSIONS.join(' and ')} only, so the draw cannot be recomputed`,
          ],
        }
      : await this.recompute(row, sample.algorithmVersion);
    await this.audit.record(actor ?? { id: null, username: 'cli', roles: [] }, {
      action: 'dip_sample.verified',
      target: { type: 'dip_sample', id },
      details: { verified: verdict.verified, differences: verdict.differences },
    });
    return verdict;
  }

  private async recompute(row: SampleRow, algorithmVersion: AlgorithmVersion): Promise<VerifyResult> {
    const spec = await this.plans.specAt(this.dataSource, row.plan_id, row.plan_version);
    const population = await readPopulation(this.dataSource, {
      period: row.period,
      spec,
      teams: row.teams,
      areas: row.areas,
      asOf: row.drawn_at,
    });
    const result = drawSample({ population, spec, seed: row.seed, algorithmVersion });
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
   * Month-level estimates from the completed reviews: of the random part alone (the records no targeted rule selected),
   * and month-wide (every eligible record, the targeted items brought in); the targeted part's counts by rule. Computed
   * over every item, so only those who see the sample whole may ask: police-wide roles and supervisors of its teams
   * (a supervisor who only reviews some of its items is refused, 403).
   */
  async estimates(actor: Actor, id: string): Promise<SampleEstimates> {
    if (!isUuid(id)) throw DomainError.notFound('Dip sample', id);
    const [sample] = (await this.dataSource.query(
      `SELECT to_char(s.period, 'YYYY-MM') AS period, s.allocation, ${isPoliceWide(actor) ? 'true' : visibleSql('s', '$2', '$3', '$4')} AS visible,
         ${isPoliceWide(actor) ? 'true' : wholeSql('s', '$2', '$3')} AS whole FROM dip_samples s WHERE s.id = $1`,
      isPoliceWide(actor) ? [id] : [id, actor.teams, actor.areas, actor.id],
    )) as { period: string; allocation: { stratum: string; population: number }[]; visible: boolean; whole: boolean }[];
    if (!sample?.visible) throw DomainError.notFound('Dip sample', id);
    if (!sample.whole) {
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
    const allocation = sample.allocation ?? [];
    const withReviews = items.map((i) => ({
      reason: i.reason,
      stratum: i.stratum,
      stratumSize: i.stratum_size,
      review: i.form,
    }));
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
      random: {
        ...estimateIndicators(
          withReviews,
          INDICATORS,
          (all) => randomPartStrata(allocation, all),
          `the records of ${sample.period} that no targeted rule selected`,
        ),
        method: RANDOM_PART_METHOD,
        items: random.length,
        reviewed: random.filter((i) => i.form).length,
      },
      monthWide: {
        ...estimateIndicators(
          withReviews,
          INDICATORS,
          (all) => monthWideStrata(allocation, all),
          `every eligible record of ${sample.period}`,
        ),
        method: MONTH_WIDE_METHOD,
        items: items.length,
        reviewed: items.filter((i) => i.form).length,
      },
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
            `SELECT 1 FROM dip_samples s WHERE s.id = $1 AND ${visibleSql('s', '$2', '$3', '$4')}`,
            [id, actor.teams, actor.areas, actor.id],
          )
    ) as unknown[];
    if (!row) throw DomainError.notFound('Dip sample', id);
  }

  /** Whether the actor sees the sample whole (every item, estimates): police-wide, or its teams or areas are theirs. */
  async seesWhole(actor: Actor, id: string): Promise<boolean> {
    if (isPoliceWide(actor)) return true;
    const [row] = (await this.dataSource.query(
      `SELECT ${wholeSql('s', '$2', '$3')} AS whole FROM dip_samples s WHERE s.id = $1`,
      [id, actor.teams, actor.areas],
    )) as { whole: boolean }[];
    return row?.whole === true;
  }

  /**
   * SQL over dip_samples aliased `alias` keeping the samples the actor may see (null: every one), its parameters
   * made by `p`. The one visibility rule, for lists of reviews in other services too.
   */
  visibilityFilter(actor: Actor, alias: string, p: (value: unknown) => string): string | null {
    return isPoliceWide(actor) ? null : visibleSql(alias, p(actor.teams), p(actor.areas), p(actor.id));
  }

  /**
   * The teams and areas whose records make the population: the plan's teams (which a supervisor must lead), or, for
   * a plan over every team, a supervisor's own teams and areas (what they can see).
   */
  private populationScope(by: Drawer, spec: PlanSpec): PopulationScope {
    const planTeams = [...spec.teams].sort();
    if (!('actor' in by) || isPoliceWide(by.actor) || planTeams.length) {
      if ('actor' in by && !isPoliceWide(by.actor)) {
        const foreign = planTeams.filter((t) => !by.actor.teams.includes(t));
        if (foreign.length)
          throw DomainError.validation([
            { field: 'planId', message: `the plan covers teams that are not yours (${foreign.join(', ')})` },
          ]);
      }
      return { teams: planTeams, areas: [], label: scopeLabel(planTeams, [], 'the plan’s') };
    }
    const { actor } = by;
    if (!actor.teams.length && !actor.areas.length)
      throw DomainError.validation([
        { field: 'planId', message: 'you have no team or area, so a plan over every team is not yours to draw' },
      ]);
    const teams = [...actor.teams].sort();
    const areas = [...actor.areas].sort();
    return { teams, areas, label: scopeLabel(teams, areas, 'your') };
  }

  /** The population counted step by step, with the reason in words when the draw has no items. */
  private async eligibility(
    m: EntityManager,
    query: Parameters<typeof countPopulation>[1],
    label: string,
    items: number,
  ): Promise<Eligibility> {
    const counts = await countPopulation(m, query);
    return {
      ...counts,
      reason: explain(counts, { period: query.period, kinds: query.spec.kinds, scope: label, items }),
    };
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
      `SELECT status, plan_id, plan_version, teams, areas, to_char(period, 'YYYY-MM-DD') AS period, seed, version, eligibility,
         (SELECT count(*)::int FROM dip_sample_items i WHERE i.sample_id = s.id) AS items
       FROM dip_samples s WHERE id = $1 FOR UPDATE`,
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
