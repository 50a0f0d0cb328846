import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReadSource } from '@scrutiny/database';
import { Permission, type Actor } from '@scrutiny/auth';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { DomainError, type FieldError, isUuid, MONTH, parseQuarter, quarterName, quarterStart } from '@scrutiny/core';
import {
  AGE_BANDS,
  areaAndDescendantsSql,
  areaForces,
  CHARACTERISTIC_GROUPS,
  ETHNIC_GROUPS,
  ETHNIC_GROUP_LABEL,
  findArea,
  inAreaSql,
  LEGISLATION,
  OFFICER_DEFINED,
  PopulationsService,
  UOF_TACTICS,
  type Characteristic,
  type EthnicGroup,
  type PopulationBase,
} from '@scrutiny/records';
import { DISPROPORTIONALITY_FINDING_STATUSES, type DisproportionalityFindingStatus } from './statistics.entities';
import { periodBuckets, type TrendInterval, TREND_INTERVALS } from './periods';
import { disclose, type RatesView } from './disclosure';
import {
  coverage,
  coverageShortfall,
  COVERAGE_THRESHOLD,
  describeInterval,
  funnelLimits,
  isFlagged,
  isSuppressed,
  notStatedBounds,
  proportionRatio,
  ratePer1000,
  rateRatio,
  wilson,
  Z95,
  type Coverage,
  type Interval,
  type IntervalDescription,
} from './calculators';

export const STAT_KINDS = ['stop-search', 'strip-search', 'vehicle-stop', 'use-of-force'] as const;
export type StatKind = (typeof STAT_KINDS)[number];

/** The protected characteristics figures can be broken down by (disability: use of force, from the perceived disability). */
export const STAT_BY = ['ethnicity', 'sex', 'age', 'disability'] as const satisfies readonly Characteristic[];

/**
 * Use-of-force reports record age in the Home Office bands (not police.uk's), as the API writes them; their
 * populations are the census's single years summed into the same bands (PopulationsService, bands: use_of_force).
 */
export const UOF_AGE_GROUPS = AGE_BANDS.use_of_force;

/** Every group code a comparator may name, whatever the breakdown (the route checks it against `by` and `kind`). */
export const STAT_GROUPS = [
  ...new Set<string>([...Object.values(CHARACTERISTIC_GROUPS).flat(), ...UOF_AGE_GROUPS]),
] as readonly string[];

export interface DisproportionalityQuery {
  from?: string;
  to?: string;
  /** Force (police.uk id or ONS code), district or local authority code. */
  area?: string;
  kind?: string;
  /** The protected characteristic: ethnicity (default), sex, age, or (use of force) disability. */
  by?: string;
  basis?: string;
  power?: string;
  /** Use of force: one tactic's uses instead of the reports. */
  tactic?: string;
  comparator?: string;
  /** Census year of the population base; absent: the census nearest the period. */
  census?: string | number;
}

interface Resolved {
  from: string;
  to: string;
  area: { code: string; name: string; level: string };
  kind: StatKind;
  by: Characteristic;
  /** Ethnicity only: whose account of it (self-defined or the officer's); null for the other characteristics. */
  basis: 'self' | 'officer' | null;
  power: string | null;
  tactic: string | null;
  comparator: string;
  /** The census asked for; null: the one nearest the period (the population statement says which). */
  census: number | null;
}

export interface GroupFigures {
  group: string;
  /** null when withheld, or when it cannot be known (no records of the force placed below force level). */
  count: number | null;
  /** null when there is no population for this group on this base (`reason` says why); never 0 for unknown. */
  population: number | null;
  ratePer1000: number | null;
  rateRatio: number | null;
  ci95: Interval | null;
  method: 'log' | 'exact' | null;
  /** How the ratio's interval was computed (exact below 20 in either count, log-normal above). */
  interval: IntervalDescription | null;
  significant: boolean;
  suppressed: boolean;
  flagged: boolean;
  /** Strip searches: how many of the group's searches recorded whether clothing was removed. */
  coverage: Coverage | null;
  /** Why the rate or ratio is null, when it is for a reason other than withholding a small count. */
  reason: string | null;
}

/** Which population the figures are set against (PopulationsService), in words a panel can quote. */
export interface PopulationStatement {
  characteristic: Characteristic;
  available: boolean;
  /** The area's name and code. */
  area: string;
  areaCode: string;
  census: number;
  /** Kept for earlier clients: the same as census. */
  censusYear: number;
  /** requested: the census asked for; nearest: the one nearest the period. */
  chosen: 'requested' | 'nearest';
  source: string | null;
  reason: string | null;
  note: string | null;
}

/** What each group's records are compared with: officer-perceived groups against self-identified census groups. */
export interface Comparison {
  basis: 'self' | 'officer' | null;
  note: string;
  groups: { group: string; comparedWith: string }[];
}

/** For a district or local authority: how many of its force's records could be placed in an area at all. */
export interface Placement {
  force: { code: string; name: string } | null;
  /** The force's records in the period (same kind, power and tactic). null when withheld. */
  forceRecords: number | null;
  /** Of those, placed in a district or local authority. */
  placed: number | null;
  /** Of those, known only at force level: they cannot be counted in any area below it. */
  unplaced: number | null;
  /** Set when nothing of the force is placed, so no sub-force figure can be given. */
  reason: string | null;
}

export interface DisproportionalityResult {
  query: Resolved;
  comparator: string;
  groups: GroupFigures[];
  notStated: {
    count: number | null;
    suppressed: boolean;
    rateRatioBounds: Partial<Record<string, Interval | null>>;
  };
  /** Recorded groups with no population to set them against (e.g. sex recorded as other), with their counts. */
  unbenchmarked: { group: string; count: number | null; suppressed: boolean }[];
  total: number | null;
  populationSource: PopulationStatement;
  comparison: Comparison;
  /** Strip searches: across all the records, how many recorded whether clothing was removed (null counts: withheld). */
  coverage: {
    field: string;
    recorded: number | null;
    total: number | null;
    proportion: number | null;
    /** The share recorded below which no rate is given (COVERAGE_THRESHOLD). */
    threshold: number;
  } | null;
  placement: Placement | null;
}

/** One outcome measure of a group: a proportion of the searches that recorded the field, never of those that did not. */
export interface OutcomeMeasure {
  /** Recorded yes (for outcomes: the recorded outcome was of this kind). */
  count: number | null;
  /** Recorded yes or no: the rate's denominator. */
  recorded: number | null;
  notRecorded: number | null;
  coverage: number | null;
  rate: number | null;
  ci95: Interval | null;
  ratioToComparator: number | null;
  ratioCi95: Interval | null;
  significant: boolean;
  reason: string | null;
}

const KIND_OF: Record<StatKind, string> = {
  'stop-search': 'stop_search',
  'strip-search': 'stop_search',
  'vehicle-stop': 'vehicle_stop',
  'use-of-force': 'use_of_force',
};

/** A rollup cell summed over the query: every measure it holds. */
interface Cell {
  n: number;
  linkedYes: number;
  linkedNo: number;
  linkedUnrecorded: number;
  stripYes: number;
  stripNo: number;
  stripUnrecorded: number;
  outcomeUnrecorded: number;
  positive: number;
  arrests: number;
}

const EMPTY: Cell = {
  n: 0,
  linkedYes: 0,
  linkedNo: 0,
  linkedUnrecorded: 0,
  stripYes: 0,
  stripNo: 0,
  stripUnrecorded: 0,
  outcomeUnrecorded: 0,
  positive: 0,
  arrests: 0,
};

const GROUP_LABEL: Record<string, string> = {
  ...ETHNIC_GROUP_LABEL,
  female: 'Female',
  male: 'Male',
  disabled: 'Disabled',
  not_disabled: 'Not disabled',
};
const labelOfGroup = (g: string) =>
  GROUP_LABEL[g] ??
  (g.startsWith('under-') ? `Under ${g.slice(6)}` : g.replace('over-', 'Over ').replace('-and-over', ' and over'));

/** The groups a breakdown lists (each with a population), in order. */
export function groupsFor(kind: StatKind, by: Characteristic, basis: 'self' | 'officer' | null): readonly string[] {
  if (by === 'ethnicity')
    // Officers record no Mixed on stop searches and vehicle stops; use-of-force forms record the perceived five groups.
    return basis === 'officer' && kind !== 'use-of-force' ? OFFICER_DEFINED : ETHNIC_GROUPS;
  if (by === 'age' && kind === 'use-of-force') return UOF_AGE_GROUPS;
  return CHARACTERISTIC_GROUPS[by];
}

const DEFAULT_COMPARATOR: Record<Characteristic, string> = {
  ethnicity: 'white',
  sex: 'male',
  age: 'over-34',
  disability: 'not_disabled',
};
const defaultComparator = (kind: StatKind, by: Characteristic) =>
  by === 'age' && kind === 'use-of-force' ? '35-49' : DEFAULT_COMPARATOR[by];

/** Reason given for every figure of a district or authority when none of its force's records is placed below the force. */
export const NOTHING_PLACED = 'no records of this force are placed below force level';

/** Those without `stats:unsuppressed` (external panel members, analysts) see figures only with small counts withheld (domain §6, §7). */
export function suppressionApplies(actor: Pick<Actor, 'permissions'>): boolean {
  return !actor.permissions.has(Permission.STATS_UNSUPPRESSED);
}

/** The columns a finding is read with (toFinding maps them). */
const FINDING_COLUMNS = `id, title, query, snapshot, narrative, force_explanation, actions, status, to_char(quarter, 'YYYY-MM-DD') AS quarter_start, created_at, updated_at, version`;

/** A recorded finding as the API returns it. */
export interface DisproportionalityFindingView {
  id: string;
  title: string;
  quarter: string;
  query: Record<string, unknown>;
  /**
   * The figures frozen when it was recorded: the true ones (`disclosure.applied` false or absent), or, recorded by
   * someone without `stats:unsuppressed`, the ones they were shown (`disclosure.applied` true).
   */
  snapshot: DisproportionalityResult | RatesView;
  narrative: string;
  forceExplanation: string | null;
  actions: string[];
  status: DisproportionalityFindingStatus;
  createdAt: string;
  updatedAt: string;
  version: number;
}

function toFinding(r: Record<string, unknown>): DisproportionalityFindingView {
  return {
    id: r.id as string,
    title: r.title as string,
    quarter: quarterName(r.quarter_start as string),
    query: r.query as Record<string, unknown>,
    snapshot: r.snapshot as DisproportionalityResult | RatesView,
    narrative: r.narrative as string,
    forceExplanation: r.force_explanation as string | null,
    actions: r.actions as string[],
    status: r.status as DisproportionalityFindingStatus,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
    version: r.version as number,
  };
}

/** Who reads findings: a signed-in actor (figures as their permissions allow) or the system (no permissions). */
type FindingReader = AuditActor & Partial<Pick<Actor, 'permissions'>>;

/** At most this many findings are listed (newest first). */
export const FINDINGS_LIST_LIMIT = 200;

/**
 * Disproportionality from the rollup (domain §6) by any protected characteristic the records carry: rates per 1,000
 * of the area's census population (PopulationsService: one grouping for numerator and denominator, the census stated),
 * ratios to the comparator with 95% intervals (the method stated), not-stated bounds, outcome rates with their
 * coverage, trends and officer/team funnels. Always the true figures: what those outside the force see instead is
 * disclosure.ts's to decide (DisclosedStatisticsService).
 */
@Injectable()
export class DisproportionalityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly populations: PopulationsService,
    /** Aggregates may lag (a replica's); findings, which users write and read back, stay on the primary. */
    private readonly reads: ReadSource,
  ) {}

  /**
   * The true figures, whoever asks: what a caller without `stats:unsuppressed` sees instead is decided in one place,
   * disclosure.ts (DisclosedStatisticsService applies it for the routes).
   */
  async rates(q: DisproportionalityQuery): Promise<DisproportionalityResult> {
    const query = await this.resolve(q);
    const [counts, base, placement] = await Promise.all([
      this.counts(query),
      this.population(query),
      this.placement(query),
    ]);
    const strip = query.kind === 'strip-search';
    const listed = groupsFor(query.kind, query.by, query.basis);
    const cell = (g: string) => counts.get(g) ?? EMPTY;
    const measure = (g: string) => (strip ? cell(g).stripYes : cell(g).n);
    const coverageOf = (g: string) => coverage(cell(g).stripYes + cell(g).stripNo, cell(g).n);
    const field = 'removal of more than outer clothing';
    const populationOf = (g: string) => (base.available ? (base.groups[g] ?? null) : null);
    /** Why a group has no rate, whoever asks (withholding aside). */
    const reasonFor = (g: string): string | null => {
      if (placement?.reason) return placement.reason;
      if (!base.available) return base.reason;
      if (!populationOf(g)) return `no population for this group in the Census ${base.census} base`;
      return strip ? coverageShortfall(coverageOf(g), field) : null;
    };
    const unknown = placement?.reason != null; // nothing placed: every count below the force is unknown, not 0
    const comparatorReason = reasonFor(query.comparator);
    const comparatorCount = measure(query.comparator);
    const comparatorPop = populationOf(query.comparator) ?? 0;
    const notStated = measure('not_stated');
    const groups = listed.map((group): GroupFigures => {
      const count = measure(group);
      const pop = populationOf(group);
      const reason = reasonFor(group);
      const rr =
        group === query.comparator || reason || comparatorReason
          ? null
          : rateRatio(count, pop!, comparatorCount, comparatorPop);
      const ratioReason =
        group === query.comparator || reason
          ? reason
          : comparatorReason
            ? `the comparator (${labelOfGroup(query.comparator)}) has no rate: ${comparatorReason}`
            : rr?.ratio === null
              ? `no ${labelOfGroup(query.comparator)} records to compare with`
              : null;
      const withInterval = rr?.ci95;
      return {
        group,
        count: unknown ? null : count,
        population: pop,
        ratePer1000: reason ? null : ratePer1000(count, pop!),
        rateRatio: reason ? null : group === query.comparator ? 1 : (rr?.ratio ?? null),
        ci95: withInterval ? rr!.ci95 : null,
        method: withInterval ? rr!.method : null,
        interval: withInterval ? describeInterval(rr!.method) : null,
        significant: withInterval ? rr!.significant : false,
        suppressed: isSuppressed(count),
        flagged: isFlagged(count),
        coverage: strip && !unknown ? coverageOf(group) : null,
        reason: ratioReason,
      };
    });
    const seen = [...counts.keys()];
    const others = seen.filter((g) => g !== 'not_stated' && !listed.includes(g)).sort();
    const all = [...listed, ...others, 'not_stated'];
    const total = all.reduce((t, g) => t + measure(g), 0);
    const overall = coverage(
      all.reduce((t, g) => t + cell(g).stripYes + cell(g).stripNo, 0),
      all.reduce((t, g) => t + cell(g).n, 0),
    );
    return {
      query,
      comparator: labelOfGroup(query.comparator),
      groups,
      notStated: {
        count: unknown ? null : notStated,
        suppressed: isSuppressed(notStated),
        rateRatioBounds:
          unknown || comparatorReason
            ? {}
            : Object.fromEntries(
                listed
                  .filter((g) => g !== query.comparator)
                  .map((g) => [
                    g,
                    reasonFor(g)
                      ? null
                      : notStatedBounds(measure(g), populationOf(g)!, comparatorCount, comparatorPop, notStated),
                  ]),
              ),
      },
      unbenchmarked: others.map((g) => ({
        group: g,
        count: unknown ? null : measure(g),
        suppressed: isSuppressed(measure(g)),
      })),
      total: unknown ? null : total,
      populationSource: this.statement(query, base),
      comparison: comparisonOf(query, base),
      coverage: strip
        ? unknown
          ? { recorded: null, total: null, proportion: null, field, threshold: COVERAGE_THRESHOLD }
          : { ...overall, field, threshold: COVERAGE_THRESHOLD }
        : null,
      placement,
    };
  }

  /**
   * Outcomes of stop searches by group: find rate (outcome linked to the object), positive-outcome rate (any recorded
   * outcome other than no further action), arrest rate and strip-search rate, each a proportion of the searches that
   * recorded the field, with its coverage, a Wilson interval and a ratio to the comparator (Katz log interval). A
   * blank is unknown: a rate whose field is recorded in too few searches is null with the reason, never 0.
   */
  async outcomes(q: DisproportionalityQuery) {
    // The rollup counts outcomes over all stop searches only: refuse what it cannot answer rather than answer something else.
    const errors: FieldError[] =
      q.kind !== undefined && q.kind !== 'stop-search'
        ? [{ field: 'kind', message: 'outcome rates are for stop searches only (kind=stop-search)' }]
        : [];
    const query = await this.resolve({ ...q, kind: 'stop-search' }, errors);
    const [counts, placement] = await Promise.all([this.counts(query), this.placement(query)]);
    const unknown = placement?.reason ?? null;
    const listed = groupsFor(query.kind, query.by, query.basis);
    const others = [...counts.keys()].filter((g) => g !== 'not_stated' && !listed.includes(g)).sort();
    const cell = (g: string) => counts.get(g) ?? EMPTY;
    type Parts = { count: number; recorded: number };
    const MEASURES: Record<
      'find' | 'positiveOutcome' | 'arrest' | 'stripSearch',
      { field: string; parts: (c: Cell) => Parts }
    > = {
      find: {
        field: 'whether the outcome was linked to the object of the search',
        parts: (c) => ({ count: c.linkedYes, recorded: c.linkedYes + c.linkedNo }),
      },
      positiveOutcome: {
        field: 'the outcome',
        parts: (c) => ({ count: c.positive, recorded: c.n - c.outcomeUnrecorded }),
      },
      arrest: { field: 'the outcome', parts: (c) => ({ count: c.arrests, recorded: c.n - c.outcomeUnrecorded }) },
      stripSearch: {
        field: 'removal of more than outer clothing',
        parts: (c) => ({ count: c.stripYes, recorded: c.stripYes + c.stripNo }),
      },
    };
    const figure = (group: string, key: keyof typeof MEASURES): OutcomeMeasure => {
      const { field, parts } = MEASURES[key];
      const c = cell(group);
      const p = parts(c);
      const cmp = parts(cell(query.comparator));
      const reason =
        unknown ?? (c.n === 0 ? 'no searches of this group' : coverageShortfall(coverage(p.recorded, c.n), field));
      const cmpReason =
        cell(query.comparator).n === 0
          ? 'no searches'
          : coverageShortfall(coverage(cmp.recorded, cell(query.comparator).n), field);
      const ratio =
        group === query.comparator || reason || cmpReason
          ? null
          : proportionRatio(p.count, p.recorded, cmp.count, cmp.recorded);
      return {
        count: unknown ? null : p.count,
        recorded: unknown ? null : p.recorded,
        notRecorded: unknown ? null : c.n - p.recorded,
        coverage: unknown || !c.n ? null : p.recorded / c.n,
        rate: reason ? null : p.count / p.recorded,
        ci95: reason ? null : wilson(p.count, p.recorded),
        ratioToComparator: reason ? null : group === query.comparator ? 1 : (ratio?.ratio ?? null),
        ratioCi95: ratio?.ci95 ?? null,
        significant: ratio?.significant ?? false,
        reason:
          reason ??
          (group !== query.comparator && cmpReason
            ? `the comparator (${labelOfGroup(query.comparator)}) has no rate: ${cmpReason}`
            : group !== query.comparator && !ratio?.ratio
              ? 'no ratio: a Katz interval needs at least one recorded yes in both groups'
              : null),
      };
    };
    return {
      query,
      comparator: labelOfGroup(query.comparator),
      intervals: { rate: describeInterval('wilson_score'), ratio: describeInterval('katz_log') },
      coverageThreshold: COVERAGE_THRESHOLD,
      placement,
      groups: [...listed, ...others, 'not_stated'].map((group) => {
        const n = cell(group).n;
        return {
          group,
          searches: unknown ? null : n,
          find: figure(group, 'find'),
          positiveOutcome: figure(group, 'positiveOutcome'),
          arrest: figure(group, 'arrest'),
          stripSearch: figure(group, 'stripSearch'),
          suppressed: isSuppressed(n),
          flagged: isFlagged(n),
        };
      }),
    };
  }

  /** Rates per group by month, quarter or year across the range. */
  async trends(q: DisproportionalityQuery & { interval?: string }) {
    const interval = (q.interval ?? 'month') as TrendInterval;
    const errors: FieldError[] = (TREND_INTERVALS as readonly string[]).includes(interval)
      ? []
      : [{ field: 'interval', message: `must be ${TREND_INTERVALS.join(', ')}` }];
    const query = await this.resolve(q, errors);
    const [base, placement] = await Promise.all([this.population(query), this.placement(query)]);
    const strip = query.kind === 'strip-search';
    const rows = (await (
      await this.reads.dataSource()
    ).query(
      `SELECT to_char(date_trunc('${interval}', r.period), 'YYYY-MM') AS bucket, r.group_code, sum(r.n)::int AS n,
         sum(r.strip_yes)::int AS strip_yes, sum(r.strip_no)::int AS strip_no
       FROM disproportionality_rollup r WHERE ${this.where(query)}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      this.params(query),
    )) as { bucket: string; group_code: string; n: number; strip_yes: number; strip_no: number }[];
    const unknown = placement?.reason ?? null;
    const listed = groupsFor(query.kind, query.by, query.basis);
    const others = [...new Set(rows.map((r) => r.group_code))]
      .filter((g) => g !== 'not_stated' && !listed.includes(g))
      .sort();
    const all = [...listed, ...others, 'not_stated'];
    // Every period of the range, those without records included (all zeros).
    const buckets = periodBuckets(query.from, query.to, interval);
    const byKey = new Map(rows.map((r) => [`${r.bucket}|${r.group_code}`, r]));
    const rowOf = (bucket: string, group: string) => byKey.get(`${bucket}|${group}`);
    const countOf = (bucket: string, group: string) => {
      const r = rowOf(bucket, group);
      return (strip ? r?.strip_yes : r?.n) ?? 0;
    };
    const field = 'removal of more than outer clothing';
    return {
      query,
      interval,
      populationSource: this.statement(query, base),
      comparison: comparisonOf(query, base),
      placement,
      series: buckets.map((bucket) => ({
        period: bucket,
        groups: all.map((group) => {
          const n = countOf(bucket, group);
          const pop = listed.includes(group) && base.available ? (base.groups[group] ?? null) : null;
          const r = rowOf(bucket, group);
          const cov = strip ? coverage((r?.strip_yes ?? 0) + (r?.strip_no ?? 0), r?.n ?? 0) : null;
          const reason =
            unknown ??
            (!listed.includes(group)
              ? 'no population for this group'
              : !base.available
                ? base.reason
                : !pop
                  ? `no population for this group in the Census ${base.census} base`
                  : cov && coverageShortfall(cov, field));
          return {
            group,
            count: unknown ? null : n,
            population: pop,
            ratePer1000: reason ? null : ratePer1000(n, pop!),
            suppressed: isSuppressed(n),
            ...(strip ? { coverage: unknown ? null : cov } : {}),
            reason: reason || null,
          };
        }),
      })),
    };
  }

  /**
   * Funnel plot: each officer's (or team's) share of searches of one group against the force-wide share, with 95%
   * and 99.8% limits for their number of searches. Officer level is for professional standards only.
   */
  async funnel(actor: Actor, q: DisproportionalityQuery & { level?: string; group?: string }) {
    const level = q.level ?? 'team';
    if (level !== 'team' && level !== 'officer')
      throw DomainError.validation([{ field: 'level', message: 'must be team or officer' }]);
    if (level === 'officer' && !actor.permissions.has(Permission.STATS_OFFICER_LEVEL))
      throw new DomainError('FORBIDDEN', 'Officer-level figures are for professional standards');
    // The route requires stats:unsuppressed; this covers callers other than the API.
    if (suppressionApplies(actor))
      throw new DomainError(
        'FORBIDDEN',
        'Team and officer figures stay inside the force; area-level figures are available',
      );
    const errors: FieldError[] = [];
    const group = (q.group ?? 'black') as EthnicGroup;
    if (!(ETHNIC_GROUPS as readonly string[]).includes(group))
      errors.push({ field: 'group', message: `must be one of ${ETHNIC_GROUPS.join(', ')}` });
    // The funnel reads the stop searches themselves: it honours basis, power and strip-search, and refuses what it cannot.
    if (q.kind !== undefined && q.kind !== 'stop-search' && q.kind !== 'strip-search')
      errors.push({ field: 'kind', message: 'the funnel covers stop searches only: stop-search or strip-search' });
    if (q.comparator !== undefined)
      errors.push({
        field: 'comparator',
        message: 'does not apply to the funnel: each unit is compared with the share of `group` across all units',
      });
    if (q.by !== undefined && q.by !== 'ethnicity')
      errors.push({ field: 'by', message: 'the funnel compares shares of an ethnic group: by=ethnicity only' });
    if (q.basis === 'officer' && group === 'mixed')
      errors.push({ field: 'group', message: 'officers record no Mixed: use basis=self for the Mixed group' });
    const { comparator: _comparator, ...query } = await this.resolve(
      {
        ...q,
        by: 'ethnicity',
        comparator: undefined,
        kind: q.kind === 'strip-search' ? 'strip-search' : 'stop-search',
      },
      errors,
    );
    const unit = level === 'team' ? `coalesce(s.team_code, '(no team)')` : `coalesce(o.reference, '(no officer)')`;
    const groupSql =
      query.basis === 'self'
        ? `ethnic_group_of(s.self_defined_ethnicity)`
        : `coalesce(s.officer_defined_ethnicity, 'not_stated')`;
    const areaSql = inAreaSql(query.area, '$3', { force: 's.force_code', area: 's.area_code' });
    const rows = (await (
      await this.reads.dataSource()
    ).query(
      `SELECT ${unit} AS unit, count(*)::int AS n, (count(*) FILTER (WHERE ${groupSql} = $4))::int AS x
       FROM stop_searches s LEFT JOIN officers o ON o.id = s.officer_id
       WHERE s.period BETWEEN $1::date AND $2::date AND ${areaSql} AND ${groupSql} <> 'not_stated'
         AND ($5::text IS NULL OR s.legislation = $5)${query.kind === 'strip-search' ? ' AND s.clothing_removed' : ''}
       GROUP BY 1 ORDER BY 1`,
      [`${query.from}-01`, `${query.to}-01`, query.area.code, group, query.power],
    )) as { unit: string; n: number; x: number }[];
    const total = rows.reduce((t, r) => t + r.n, 0);
    const p0 = total ? rows.reduce((t, r) => t + r.x, 0) / total : 0;
    await this.audit.record(actor, { action: 'statistics.funnel_viewed', details: { level, group, query } });
    return {
      query,
      level,
      group,
      benchmark: p0,
      units: rows.map((r) => {
        const p = r.n ? r.x / r.n : 0;
        const l95 = funnelLimits(p0, r.n, Z95);
        const l998 = funnelLimits(p0, r.n, 3.090232306167813);
        return {
          unit: r.unit,
          searches: r.n,
          ofGroup: r.x,
          share: p,
          limits95: l95,
          limits998: l998,
          outside95: p < l95.lower || p > l95.upper,
          outside998: p < l998.lower || p > l998.upper,
        };
      }),
    };
  }

  // ---- recorded findings ----

  /** Records a finding from a query: the figures are computed now and frozen with it. */
  async createFinding(
    actor: Actor,
    input: {
      title: string;
      query: DisproportionalityQuery;
      narrative: string;
      forceExplanation?: string | null;
      actions?: string[];
    },
  ): Promise<DisproportionalityFindingView> {
    const errors: FieldError[] = [];
    if (!input.title?.trim()) errors.push({ field: 'title', message: 'is required' });
    if (!input.narrative?.trim()) errors.push({ field: 'narrative', message: 'say what the figures show' });
    if (errors.length) throw DomainError.validation(errors);
    // Frozen as the recorder saw them: an analyst's finding must not keep true counts they could read back.
    const figures = await this.rates(input.query);
    const snapshot = suppressionApplies(actor) ? disclose('rates', figures, false) : figures;
    return this.dataSource.transaction(async (m) => {
      const [row] = (await m.query(
        `INSERT INTO disproportionality_findings (title, query, snapshot, narrative, force_explanation, actions, status, quarter, created_by, version)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, 1) RETURNING ${FINDING_COLUMNS}`,
        [
          input.title.trim(),
          JSON.stringify(snapshot.query),
          JSON.stringify(snapshot),
          input.narrative.trim(),
          input.forceExplanation ?? null,
          JSON.stringify(input.actions ?? []),
          quarterStart(quarterName(snapshot.query.to)),
          actor.id,
        ],
      )) as Record<string, unknown>[];
      await this.audit.record(
        actor,
        {
          action: 'disproportionality_finding.recorded',
          target: { type: 'disproportionality_finding', id: row.id as string },
          details: { title: input.title },
        },
        m,
      );
      return toFinding(row);
    });
  }

  /**
   * A finding as `actor` may see it: one holding true counts is passed through the disclosure rule for those without
   * `stats:unsuppressed` (an analyst reads findings professional standards recorded); one already disclosed is as is.
   */
  private findingFor(actor: FindingReader, f: DisproportionalityFindingView) {
    const disclosed = (f.snapshot as Partial<RatesView>).disclosure?.applied === true;
    // The system (jobs, tests) has no permissions and reads what was recorded.
    if (disclosed || !actor.permissions || !suppressionApplies({ permissions: actor.permissions })) return f;
    return { ...f, snapshot: disclose('rates', f.snapshot as DisproportionalityResult, false) };
  }

  async updateFinding(
    actor: Actor,
    id: string,
    input: {
      version: number;
      narrative?: string;
      forceExplanation?: string | null;
      actions?: string[];
      status?: string;
    },
  ): Promise<DisproportionalityFindingView> {
    if (
      input.status !== undefined &&
      !(DISPROPORTIONALITY_FINDING_STATUSES as readonly string[]).includes(input.status)
    ) {
      throw DomainError.validation([
        { field: 'status', message: `must be ${DISPROPORTIONALITY_FINDING_STATUSES.join(', ')}` },
      ]);
    }
    if (!isUuid(id)) throw DomainError.notFound('Disproportionality finding', id);
    return this.dataSource.transaction(async (m) => {
      const [before] = (await m.query(
        `SELECT version, status, force_explanation FROM disproportionality_findings WHERE id = $1 FOR UPDATE`,
        [id],
      )) as { version: number; status: string; force_explanation: string | null }[];
      if (!before) throw DomainError.notFound('Disproportionality finding', id);
      const conflict = () =>
        new DomainError(
          'VERSION_CONFLICT',
          `Finding ${id} was changed by someone else (version ${before.version}, you sent ${input.version}); reload and try again`,
          { extensions: { currentVersion: before.version } },
        );
      if (before.version !== input.version) throw conflict();
      const [[row]] = (await m.query(
        `UPDATE disproportionality_findings SET narrative = coalesce($3, narrative), force_explanation = CASE WHEN $4 THEN $5 ELSE force_explanation END,
           actions = coalesce($6::jsonb, actions), status = coalesce($7, status), updated_at = now(), version = version + 1 WHERE id = $1 AND version = $2
         RETURNING ${FINDING_COLUMNS}`,
        [
          id,
          input.version,
          input.narrative ?? null,
          input.forceExplanation !== undefined,
          input.forceExplanation ?? null,
          input.actions ? JSON.stringify(input.actions) : null,
          input.status ?? null,
        ],
      )) as [Record<string, unknown>[], number];
      if (!row) throw conflict();
      await this.audit.record(
        actor,
        {
          action: 'disproportionality_finding.updated',
          target: { type: 'disproportionality_finding', id },
          before: { status: before.status, forceExplanation: before.force_explanation },
          after: input,
        },
        m,
      );
      return toFinding(row);
    });
  }

  /**
   * Newest first, at most FINDINGS_LIST_LIMIT; `total` counts every match, so a cut list says so. `force` (ONS code):
   * findings about that force or any area within it.
   */
  async listFindings(
    actor: FindingReader,
    filter: { status?: string; quarter?: string; force?: string },
  ): Promise<{ items: DisproportionalityFindingView[]; total: number }> {
    const found = await this.findingsMatching(filter);
    await this.audit.record(actor, {
      action: 'disproportionality_findings.listed',
      details: {
        filter: { status: filter.status ?? null, quarter: filter.quarter ?? null, force: filter.force ?? null },
        ids: found.items.map((f) => f.id),
      },
    });
    return { ...found, items: found.items.map((f) => this.findingFor(actor, f)) };
  }

  /** The findings matching a filter, unaudited: for a caller that audits its own read (the quarterly review). */
  async findingsMatching(filter: {
    status?: string;
    quarter?: string;
    force?: string;
  }): Promise<{ items: DisproportionalityFindingView[]; total: number }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.quarter) {
      where.push(`quarter = $${params.push(parseQuarter(filter.quarter).start)}::date`);
    }
    if (filter.force) {
      where.push(`query->'area'->>'code' IN ${areaAndDescendantsSql(`$${params.push(filter.force)}`)}`);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${FINDING_COLUMNS}, count(*) OVER ()::int AS total_count FROM disproportionality_findings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ${FINDINGS_LIST_LIMIT}`,
      params,
    )) as Record<string, unknown>[];
    return { items: rows.map(toFinding), total: (rows[0]?.total_count as number | undefined) ?? 0 };
  }

  async getFinding(actor: FindingReader, id: string): Promise<DisproportionalityFindingView> {
    const [r] = (
      isUuid(id)
        ? await this.dataSource.query(`SELECT ${FINDING_COLUMNS} FROM disproportionality_findings WHERE id = $1`, [id])
        : []
    ) as Record<string, unknown>[];
    if (!r) throw DomainError.notFound('Disproportionality finding', id);
    await this.audit.record(actor, {
      action: 'disproportionality_finding.viewed',
      target: { type: 'disproportionality_finding', id },
    });
    return this.findingFor(actor, toFinding(r));
  }

  // ---- internals ----

  /** Validates and resolves a query; `errors` are the caller's own, reported with these. */
  private async resolve(q: DisproportionalityQuery, errors: FieldError[] = []): Promise<Resolved> {
    for (const f of ['from', 'to'] as const)
      if (!q[f] || !MONTH.test(q[f]!)) errors.push({ field: f, message: 'must be a month, YYYY-MM' });
    if (q.from && q.to && q.from > q.to) errors.push({ field: 'to', message: 'must not be before from' });
    const kind = (q.kind ?? 'stop-search') as StatKind;
    const kindKnown = (STAT_KINDS as readonly string[]).includes(kind);
    if (!kindKnown) errors.push({ field: 'kind', message: `must be one of ${STAT_KINDS.join(', ')}` });
    const by = (q.by ?? 'ethnicity') as Characteristic;
    const byKnown = (STAT_BY as readonly string[]).includes(by);
    if (!byKnown) errors.push({ field: 'by', message: `must be one of ${STAT_BY.join(', ')}` });
    else if (by === 'disability' && kindKnown && kind !== 'use-of-force')
      errors.push({
        field: 'by',
        message:
          'disability is recorded on use-of-force reports only (the officer’s perception): use kind=use-of-force',
      });
    let basis: 'self' | 'officer' | null = null;
    if (by === 'ethnicity') {
      basis = (q.basis ?? (kind === 'use-of-force' ? 'officer' : 'self')) as 'self' | 'officer';
      if (basis !== 'self' && basis !== 'officer') errors.push({ field: 'basis', message: 'must be self or officer' });
      else if (basis === 'self' && kind === 'use-of-force')
        errors.push({
          field: 'basis',
          message: 'use-of-force reports record only the officer’s perception: use basis=officer',
        });
    } else if (q.basis !== undefined && byKnown)
      errors.push({
        field: 'basis',
        message: `applies to ethnicity only (self-defined or officer-defined); ${by} is recorded once`,
      });
    if (q.power && !(LEGISLATION as readonly string[]).includes(q.power))
      errors.push({ field: 'power', message: 'is not a known power (legislation code)' });
    if (q.power && kind !== 'stop-search' && kind !== 'strip-search')
      errors.push({ field: 'power', message: 'applies to stop searches only' });
    if (q.tactic && kind !== 'use-of-force') errors.push({ field: 'tactic', message: 'applies to use of force only' });
    else if (q.tactic && !(UOF_TACTICS as readonly string[]).includes(q.tactic))
      errors.push({ field: 'tactic', message: 'is not a known tactic' });
    const groups = kindKnown && byKnown ? groupsFor(kind, by, basis) : [];
    const comparator = q.comparator ?? (kindKnown && byKnown ? defaultComparator(kind, by) : '');
    if (kindKnown && byKnown && !groups.includes(comparator))
      errors.push({
        field: 'comparator',
        message:
          by === 'ethnicity' && basis === 'officer' && comparator === 'mixed'
            ? 'officers record no Mixed: on the officer-defined basis compare with asian, black, other or white'
            : `must be one of ${groups.join(', ')} for ${by === 'ethnicity' ? `${basis}-defined ethnicity` : by}`,
      });
    const census = q.census === undefined || q.census === '' ? null : Number(q.census);
    if (census !== null && !(Number.isInteger(census) && census >= 1801 && census <= 2100))
      errors.push({ field: 'census', message: 'must be a census year, e.g. 2011 or 2021' });
    if (!q.area)
      errors.push({
        field: 'area',
        message: 'is required: a force (police.uk id or ONS code), district or local authority',
      });
    const area = q.area ? await findArea(this.dataSource, q.area) : undefined;
    if (q.area && !area) errors.push({ field: 'area', message: `"${q.area}" is not a known area` });
    if (errors.length) throw DomainError.validation(errors);
    return {
      from: q.from!,
      to: q.to!,
      area: { code: area!.code, name: area!.name, level: area!.level },
      kind,
      by,
      basis,
      power: q.power ?? null,
      tactic: q.tactic ?? null,
      comparator,
      census,
    };
  }

  /** The rollup rows a query covers; placeholders $1–$8 are this.params(query). */
  private where(query: Resolved, area: 'query' | 'force' = 'query'): string {
    const p = (i: number) => `$${1 + i}`;
    return [
      `r.kind = ${p(0)}`,
      `r.characteristic = ${p(1)}`,
      `r.basis = ${p(2)}`,
      `r.tactic = ${p(3)}`,
      `r.period BETWEEN ${p(4)}::date AND ${p(5)}::date`,
      area === 'force'
        ? `r.force_code = ${p(6)}`
        : inAreaSql(query.area, p(6), { force: 'r.force_code', area: 'r.area_code' }),
      `(${p(7)}::text IS NULL OR r.power = ${p(7)})`,
    ].join(' AND ');
  }

  private params(query: Resolved, areaCode = query.area.code): unknown[] {
    return [
      KIND_OF[query.kind],
      query.by,
      query.basis ?? '',
      query.tactic ?? '',
      `${query.from}-01`,
      `${query.to}-01`,
      areaCode,
      query.power,
    ];
  }

  /** Every measure of the rollup summed per group over the query. */
  private async counts(query: Resolved): Promise<Map<string, Cell>> {
    const rows = (await (
      await this.reads.dataSource()
    ).query(
      `SELECT r.group_code, sum(r.n)::int AS n, sum(r.linked_yes)::int AS linked_yes, sum(r.linked_no)::int AS linked_no,
         sum(r.linked_unrecorded)::int AS linked_unrecorded, sum(r.strip_yes)::int AS strip_yes, sum(r.strip_no)::int AS strip_no,
         sum(r.strip_unrecorded)::int AS strip_unrecorded, sum(r.outcome_unrecorded)::int AS outcome_unrecorded,
         sum(r.positive)::int AS positive, sum(r.arrests)::int AS arrests
       FROM disproportionality_rollup r WHERE ${this.where(query)} GROUP BY 1`,
      this.params(query),
    )) as Record<string, number | string>[];
    return new Map(
      rows.map((r) => [
        r.group_code as string,
        {
          n: r.n as number,
          linkedYes: r.linked_yes as number,
          linkedNo: r.linked_no as number,
          linkedUnrecorded: r.linked_unrecorded as number,
          stripYes: r.strip_yes as number,
          stripNo: r.strip_no as number,
          stripUnrecorded: r.strip_unrecorded as number,
          outcomeUnrecorded: r.outcome_unrecorded as number,
          positive: r.positive as number,
          arrests: r.arrests as number,
        },
      ]),
    );
  }

  /** The area's population for the breakdown, from PopulationsService (the census asked for, or the nearest). */
  private population(query: Resolved): Promise<PopulationBase> {
    return this.populations.populationFor({
      area: query.area.code,
      characteristic: query.by,
      ...(query.by === 'age' ? { bands: query.kind === 'use-of-force' ? 'use_of_force' : 'police_uk' } : {}),
      ...(query.census !== null ? { census: query.census } : {}),
      period: { from: query.from, to: query.to },
    });
  }

  private statement(query: Resolved, base: PopulationBase): PopulationStatement {
    return {
      characteristic: query.by,
      available: base.available,
      area: base.available ? base.areaName : query.area.name,
      areaCode: base.area,
      census: base.census,
      censusYear: base.census,
      chosen: base.chosen,
      source: base.available ? base.source : null,
      reason: base.available ? null : base.reason,
      note: (base.available && base.note) || null,
    };
  }

  /**
   * For a district or local authority: its force's records in the period (same kind, power, tactic) and how many of
   * them are placed below the force at all. Records known only at force level cannot be counted in any area; when
   * none is placed, every figure for the area is unknown (not 0). Null for a force.
   */
  private async placement(query: Resolved): Promise<Placement | null> {
    if (query.area.level === 'force') return null;
    const forceCode = (await areaForces(this.dataSource, [query.area.code])).get(query.area.code) ?? null;
    const force = forceCode ? await findArea(this.dataSource, forceCode) : undefined;
    if (!force) return { force: null, forceRecords: null, placed: null, unplaced: null, reason: null };
    // One characteristic's rows count each record once.
    const [row] = (await (
      await this.reads.dataSource()
    ).query(
      `SELECT coalesce(sum(r.n), 0)::int AS n, coalesce(sum(r.n) FILTER (WHERE r.area_code = ''), 0)::int AS unplaced
       FROM disproportionality_rollup r WHERE ${this.where(query, 'force')}`,
      this.params(query, force.code),
    )) as { n: number; unplaced: number }[];
    return {
      force: { code: force.code, name: force.name },
      forceRecords: row.n,
      placed: row.n - row.unplaced,
      unplaced: row.unplaced,
      reason: row.n > 0 && row.unplaced === row.n ? NOTHING_PLACED : null,
    };
  }
}

/** What each listed group is compared with, in words: the census groups, and on the officer basis, whose account. */
function comparisonOf(query: Resolved, base: PopulationBase): Comparison {
  const census = `Census ${base.census}`;
  const groups = groupsFor(query.kind, query.by, query.basis);
  if (query.by !== 'ethnicity')
    return {
      basis: null,
      note:
        query.by === 'disability'
          ? `The officer’s perception of disability on the use-of-force form (none perceived: not disabled; any perceived: disabled) is set against the ${census} Equality Act disability question (self-reported).`
          : `${query.by === 'sex' ? 'Sex' : 'Age'} as recorded on the record, against the ${census} residents of that ${query.by === 'sex' ? 'sex' : 'age'}. Blank is not stated${query.by === 'sex' ? '; sex recorded as other has no census group and is listed apart (unbenchmarked)' : ''}.`,
      groups: groups.map((g) => ({ group: g, comparedWith: `${census} ${labelOfGroup(g)}` })),
    };
  if (query.basis === 'self')
    return {
      basis: 'self',
      note: `Self-defined ethnicity against ${census} self-identified ethnic group, both collapsed to the five ONS high-level groups by the same table.`,
      groups: groups.map((g) => ({ group: g, comparedWith: `${census} ${labelOfGroup(g)} (self-identified)` })),
    };
  return {
    basis: 'officer',
    note:
      query.kind === 'use-of-force'
        ? `The officer’s perception of the person’s ethnicity is set against how residents identified themselves in the ${census}: perception is not self-identification, and people may be perceived as a group they would not choose.`
        : `Officer-defined ethnicity (the officer’s perception, four groups: officers record no Mixed) is set against how residents identified themselves in the ${census}: perception is not self-identification. Each officer group is compared with the census group of the same name; the census Mixed population is in no officer group’s denominator, while people who identify as Mixed are searched and perceived as one of the four, so officer-basis rates run high against the census group they are set against.`,
    groups: groups.map((g) => ({ group: g, comparedWith: `${census} ${labelOfGroup(g)} (self-identified)` })),
  };
}
