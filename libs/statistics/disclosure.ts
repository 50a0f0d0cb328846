/**
 * Disclosure control for figures that leave the force (domain §6, §7): what an analyst or an external panel member
 * (anyone without `stats:unsuppressed`) is shown instead of the true counts. Pure: true counts in, shown figures out.
 *
 * The rule, rounded_base_5_suppressed_under_10:
 * - a count under 10 is withheld (null, `suppressed: true`, with the reason);
 * - any other count is shown rounded down to a multiple of 5, so a shown 45 stands for 45 to 49 (its band). The same
 *   true count always gives the same shown count, so asking again, or another way, tells nothing more.
 * - every other figure (rate, ratio, interval, bound, significance, flag) is computed from the bands alone, never
 *   from the true counts: a rate of the true count, at any precision, gives the count back (rate × the published
 *   population), and an interval or a yes/no decision on the true count narrows its band. Rates and ratios use the
 *   middle of each band; an interval is the widest that any counts inside the bands give, so it never claims more
 *   certainty than the true one. A figure that depends on a withheld count is withheld with it.
 *
 * Why rounded down rather than to the nearest 5: a withheld count is known to be under 10, so two withheld parts of
 * a shown total are known to sum to at most 18. Nearest-5 shows 18 as 20 (band 18 to 22), which gives both parts
 * away as 9 and 9; with bands starting at multiples of 5 no pair or triple of queries (a set, a part of it and the
 * rest) pins a withheld count to one value (test/e2e/disclosure-differencing.e2e-spec.ts checks it). The thresholds
 * 10 and 20 (flagged) are multiples of 5 too, so whether a count is withheld or flagged, and so whether an interval
 * is exact or log-normal, is the same for every count in a band.
 *
 * What it does not promise: with many queries combined (a total beside four shown parts and one withheld, say) the
 * bands can in rare corners still meet at one value, as with any fixed rounding; each extra part widens what the
 * attacker must assume, so such a corner needs every part at the edge of its band at once.
 */
import type {
  DisproportionalityResult,
  DisproportionalityService,
  GroupFigures,
  Placement,
} from './disproportionality.service';
import {
  coverageShortfall,
  COVERAGE_THRESHOLD,
  describeInterval,
  FLAG_BELOW,
  notStatedBounds,
  proportionRatio,
  ratePer1000,
  rateRatio,
  SUPPRESS_BELOW,
  wilson,
  type Interval,
} from './calculators';

export const DISCLOSURE_RULE = 'rounded_base_5_suppressed_under_10' as const;
export const ROUNDING_BASE = 5;

/** Said in every statistics response: which rule was applied to the figures in it. */
export interface DisclosureStatement {
  rule: typeof DISCLOSURE_RULE;
  /** false for those with `stats:unsuppressed`, who see true counts. */
  applied: boolean;
}

export function disclosureStatement(applied: boolean): DisclosureStatement {
  return { rule: DISCLOSURE_RULE, applied };
}

/** Why a figure is withheld, as responses say it. */
export const WITHHELD = {
  count: 'count under 10: withheld outside the force',
  dependsOn: (what: string) => `depends on a count under 10 (${what}): withheld outside the force`,
} as const;

/** The true counts a shown count stands for (inclusive). */
export interface Band {
  lower: number;
  upper: number;
}

/** What is shown for a true count: null under 10, else the count rounded down to a multiple of 5. */
export function shownCount(n: number): number | null {
  return n < SUPPRESS_BELOW ? null : ROUNDING_BASE * Math.floor(n / ROUNDING_BASE);
}

/** A shown count's band: a withheld count is 0 to 9. */
export function bandOfShown(shown: number | null): Band {
  return shown === null ? { lower: 0, upper: SUPPRESS_BELOW - 1 } : { lower: shown, upper: shown + ROUNDING_BASE - 1 };
}

export function bandOf(n: number): Band {
  return bandOfShown(shownCount(n));
}

export function isWithheld(n: number): boolean {
  return shownCount(n) === null;
}

/** Under 20 (too few for a reliable rate): the same for every count of a band, since 20 is a multiple of 5. */
export function isFlaggedShown(n: number): boolean {
  return bandOf(n).upper < FLAG_BELOW;
}

function middle(b: Band): number {
  return (b.lower + b.upper) / 2;
}

function valuesOf(b: Band): number[] {
  const out: number[] = [];
  for (let v = b.lower; v <= b.upper; v++) out.push(v);
  return out;
}

/** Display precision for figures derived from bands: 3 significant figures (intervals rounded outwards). */
const SIGNIFICANT = 3;
function roundSig(x: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const scale = 10 ** (SIGNIFICANT - 1 - Math.floor(Math.log10(Math.abs(x))));
  const f = mode === 'down' ? Math.floor : mode === 'up' ? Math.ceil : Math.round;
  // The tiny nudge keeps an exact value (0.5 already at 3 figures) from moving outwards through float error.
  const scaled = x * scale;
  const nudged = mode === 'down' ? scaled + 1e-9 : mode === 'up' ? scaled - 1e-9 : scaled;
  return f(nudged) / scale;
}

function roundInterval(i: Interval): Interval {
  return { lower: roundSig(i.lower, 'down'), upper: roundSig(i.upper, 'up') };
}

/** The widest interval `f` gives over every combination of counts in the bands (null combinations are skipped). */
function envelope(bands: Band[], f: (values: number[]) => Interval | null): Interval | null {
  let lower = Infinity;
  let upper = -Infinity;
  const values = bands.map(valuesOf);
  const pick: number[] = [];
  const walk = (i: number) => {
    if (i === values.length) {
      const iv = f(pick);
      if (iv) {
        lower = Math.min(lower, iv.lower);
        upper = Math.max(upper, iv.upper);
      }
      return;
    }
    for (const v of values[i]) {
      pick[i] = v;
      walk(i + 1);
    }
  };
  walk(0);
  return lower === Infinity ? null : { lower, upper };
}

/** A rate per 1,000 from a count's band (null when the count is withheld or there is no population). */
export function shownRate(n: number, population: number): number | null {
  if (isWithheld(n)) return null;
  const r = ratePer1000(middle(bandOf(n)), population);
  return r === null ? null : roundSig(r);
}

export interface ShownRateRatio {
  ratio: number | null;
  ci95: Interval | null;
  method: 'log' | 'exact';
  significant: boolean;
}

/** A group's rate ratio to the comparator from the two bands; null when either count is withheld. */
export function shownRateRatio(sg: number, pg: number, sc: number, pc: number): ShownRateRatio | null {
  if (isWithheld(sg) || isWithheld(sc)) return null;
  const g = bandOf(sg);
  const c = bandOf(sc);
  const point = rateRatio(middle(g), pg, middle(c), pc);
  const ci = envelope([g, c], ([a, b]) => rateRatio(a, pg, b, pc).ci95);
  return {
    ratio: point.ratio === null ? null : roundSig(point.ratio),
    ci95: ci && roundInterval(ci),
    method: point.method,
    significant: ci !== null && (ci.lower > 1 || ci.upper < 1),
  };
}

/** A proportion x / n (a find rate, a positive-outcome rate) with the widest Wilson interval the bands allow. */
export function shownProportion(x: number, n: number): { rate: number | null; ci95: Interval | null } | null {
  if (isWithheld(x) || isWithheld(n)) return null;
  const bx = bandOf(x);
  const bn = bandOf(n);
  const ci = envelope([bx, bn], ([a, b]) => (a <= b ? wilson(a, b) : null));
  return { rate: roundSig(Math.min(1, middle(bx) / middle(bn))), ci95: ci && roundInterval(ci) };
}

/** The ratio of two proportions (Katz), widest interval over the four bands. */
export function shownProportionRatio(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { ratio: number | null; ci95: Interval | null; significant: boolean } | null {
  if ([x1, n1, x2, n2].some(isWithheld)) return null;
  const bands = [x1, n1, x2, n2].map(bandOf);
  const [m1, k1, m2, k2] = bands.map(middle);
  const point = proportionRatio(Math.min(m1, k1), k1, Math.min(m2, k2), k2);
  const ci = envelope(bands, ([a, b, c, d]) => (a <= b && c <= d ? proportionRatio(a, b, c, d).ci95 : null));
  return {
    ratio: point.ratio === null ? null : roundSig(point.ratio),
    ci95: ci && roundInterval(ci),
    significant: ci !== null && (ci.lower > 1 || ci.upper < 1),
  };
}

/** The not-stated bounds on a group's ratio, widened to every count the three bands allow; null if any is withheld. */
export function shownNotStatedBounds(
  sg: number,
  pg: number,
  sc: number,
  pc: number,
  notStated: number,
): Interval | null {
  if ([sg, sc, notStated].some(isWithheld)) return null;
  const ci = envelope([sg, sc, notStated].map(bandOf), ([a, b, c]) => notStatedBounds(a, pg, b, pc, c));
  return ci && roundInterval(ci);
}

/** A share (coverage: recorded / total) from the bands' middles. */
export function shownShare(part: number, whole: number): number | null {
  if (isWithheld(part) || isWithheld(whole)) return null;
  return roundSig(Math.min(1, middle(bandOf(part)) / middle(bandOf(whole))));
}

// ---- the one mapper over the statistics results ----

/** Why a coverage-based rate is not given, decided on the shown bands (the true share would narrow them). */
function shownCoverageShortfall(recorded: number, total: number, field: string): string | null {
  if (isWithheld(total)) return null; // the figures built on it are withheld anyway
  if (isWithheld(recorded)) return `${field} is recorded in fewer than 10 of these records: withheld outside the force`;
  return shownShare(recorded, total)! < COVERAGE_THRESHOLD
    ? `${field} is recorded in under ${100 * COVERAGE_THRESHOLD}% of these records, too few for a rate`
    : null;
}

/** A count as shown, keeping null (not known, e.g. nothing of the force placed in the area) as null. */
function shownOrNull(n: number | null): number | null {
  return n === null ? null : shownCount(n);
}

function shownPlacement(p: Placement | null): Placement | null {
  return (
    p && {
      ...p,
      forceRecords: shownOrNull(p.forceRecords),
      placed: shownOrNull(p.placed),
      unplaced: shownOrNull(p.unplaced),
    }
  );
}

const STRIP_FIELD = 'removal of more than outer clothing';

type Disclosed<T> = T & { disclosure: DisclosureStatement };

/** A coverage as shown: its counts through the rule (null: withheld), its share from their bands. */
export interface ShownCoverage {
  recorded: number | null;
  total: number | null;
  proportion: number | null;
}

function shownCoverage(c: { recorded: number; total: number } | null | undefined): ShownCoverage | null {
  return c
    ? { recorded: shownCount(c.recorded), total: shownCount(c.total), proportion: shownShare(c.recorded, c.total) }
    : null;
}

export type RatesGroupView = Omit<GroupFigures, 'coverage'> & { coverage: ShownCoverage | null };
export type RatesView = Omit<Disclosed<DisproportionalityResult>, 'groups'> & { groups: RatesGroupView[] };

/** Rates per 1,000, ratios and not-stated bounds as an analyst or external panel member sees them. */
function discloseRates(r: DisproportionalityResult): RatesView {
  const strip = r.query.kind === 'strip-search';
  const baseReason = r.placement?.reason ?? (r.populationSource.available ? null : r.populationSource.reason);
  /** Why a group has no rate, whoever asks: the population or placement (the service's reason, not a count's). */
  const structural = (g: GroupFigures) => baseReason ?? (g.population ? null : (g.reason ?? 'no population'));
  const own = (g: GroupFigures): string | null =>
    structural(g) ??
    (g.count !== null && isWithheld(g.count)
      ? WITHHELD.count
      : strip && g.coverage
        ? shownCoverageShortfall(g.coverage.recorded, g.coverage.total, STRIP_FIELD)
        : null);
  const cmp = r.groups.find((g) => g.group === r.query.comparator) ?? null;
  const cmpReason = cmp ? own(cmp) : 'the comparator is not listed';
  const groups = r.groups.map((g): RatesGroupView => {
    const base = {
      group: g.group,
      count: shownOrNull(g.count),
      population: g.population,
      suppressed: g.count !== null && isWithheld(g.count),
      flagged: g.count !== null && isFlaggedShown(g.count),
      coverage: shownCoverage(g.coverage),
    };
    const none = { ratePer1000: null, rateRatio: null, ci95: null, method: null, interval: null, significant: false };
    const reason = own(g);
    if (reason || g.count === null) return { ...base, ...none, reason: reason ?? g.reason };
    const rate = shownRate(g.count, g.population!);
    if (g.group === r.query.comparator) return { ...base, ...none, ratePer1000: rate, rateRatio: 1, reason: null };
    if (cmpReason || !cmp || cmp.count === null)
      return {
        ...base,
        ...none,
        ratePer1000: rate,
        reason:
          cmpReason === WITHHELD.count
            ? WITHHELD.dependsOn(`the comparator, ${r.comparator}`)
            : `the comparator (${r.comparator}) has no rate: ${cmpReason ?? 'not known'}`,
      };
    const rr = shownRateRatio(g.count, g.population!, cmp.count, cmp.population!);
    return {
      ...base,
      ratePer1000: rate,
      rateRatio: rr?.ratio ?? null,
      ci95: rr?.ci95 ?? null,
      method: rr?.ci95 ? rr.method : null,
      interval: rr?.ci95 ? describeInterval(rr.method) : null,
      significant: rr?.significant ?? false,
      reason: rr?.ratio == null ? `no ${r.comparator} records to compare with` : null,
    };
  });
  const ns = r.notStated.count;
  const bounds =
    ns === null || isWithheld(ns) || !cmp || cmp.count === null || cmpReason
      ? {}
      : Object.fromEntries(
          r.groups
            .filter((g) => g.group !== r.query.comparator)
            .map((g) => [
              g.group,
              own(g) || g.count === null
                ? null
                : shownNotStatedBounds(g.count, g.population!, cmp.count!, cmp.population!, ns),
            ]),
        );
  return {
    ...r,
    groups,
    notStated: { count: shownOrNull(ns), suppressed: ns !== null && isWithheld(ns), rateRatioBounds: bounds },
    unbenchmarked: r.unbenchmarked.map((u) => ({
      group: u.group,
      count: shownOrNull(u.count),
      suppressed: u.count !== null && isWithheld(u.count),
    })),
    total: shownOrNull(r.total),
    coverage: r.coverage && {
      ...r.coverage,
      recorded: shownOrNull(r.coverage.recorded),
      total: shownOrNull(r.coverage.total),
      proportion:
        r.coverage.recorded === null || r.coverage.total === null
          ? null
          : shownShare(r.coverage.recorded, r.coverage.total),
    },
    placement: shownPlacement(r.placement),
    disclosure: disclosureStatement(true),
  };
}

type OutcomesResult = Awaited<ReturnType<DisproportionalityService['outcomes']>>;
type OutcomeGroup = OutcomesResult['groups'][number];
type OutcomeKey = 'find' | 'positiveOutcome' | 'arrest' | 'stripSearch';
const OUTCOME_FIELD: Record<OutcomeKey, string> = {
  find: 'whether the outcome was linked to the object of the search',
  positiveOutcome: 'the outcome',
  arrest: 'the outcome',
  stripSearch: STRIP_FIELD,
};

export type OutcomesView = Disclosed<OutcomesResult>;

/** Outcome rates (find, positive outcome, arrest, strip search) as an analyst or external panel member sees them. */
function discloseOutcomes(r: OutcomesResult): OutcomesView {
  const unknown = r.placement?.reason ?? null;
  const cmp = r.groups.find((g) => g.group === r.query.comparator) ?? null;
  /** Why a measure has no rate, decided on what is shown. */
  const reasonOf = (g: OutcomeGroup, key: OutcomeKey): string | null => {
    const m = g[key];
    if (unknown || g.searches === null || m.count === null || m.recorded === null) return unknown ?? m.reason;
    if (isWithheld(g.searches)) return WITHHELD.count;
    return (
      shownCoverageShortfall(m.recorded, g.searches, OUTCOME_FIELD[key]) ??
      (isWithheld(m.count) ? WITHHELD.dependsOn(`the ${key === 'find' ? 'finds' : 'count'}`) : null)
    );
  };
  const measure = (g: OutcomeGroup, key: OutcomeKey): OutcomeGroup[OutcomeKey] => {
    const m = g[key];
    const reason = reasonOf(g, key);
    const counts = {
      count: shownOrNull(m.count),
      recorded: shownOrNull(m.recorded),
      notRecorded: shownOrNull(m.notRecorded),
      coverage: g.searches === null || m.recorded === null ? null : shownShare(m.recorded, g.searches),
    };
    const none = { rate: null, ci95: null, ratioToComparator: null, ratioCi95: null, significant: false };
    if (reason) return { ...counts, ...none, reason };
    const p = shownProportion(m.count!, m.recorded!);
    if (g.group === r.query.comparator)
      return { ...counts, ...none, rate: p?.rate ?? null, ci95: p?.ci95 ?? null, ratioToComparator: 1, reason: null };
    const cmpReason = cmp ? reasonOf(cmp, key) : 'the comparator is not listed';
    if (cmpReason)
      return {
        ...counts,
        ...none,
        rate: p?.rate ?? null,
        ci95: p?.ci95 ?? null,
        reason: `the comparator (${r.comparator}) has no rate: ${cmpReason}`,
      };
    const c = cmp![key];
    const ratio = shownProportionRatio(m.count!, m.recorded!, c.count!, c.recorded!);
    return {
      ...counts,
      rate: p?.rate ?? null,
      ci95: p?.ci95 ?? null,
      ratioToComparator: ratio?.ratio ?? null,
      ratioCi95: ratio?.ci95 ?? null,
      significant: ratio?.significant ?? false,
      reason: ratio?.ratio == null ? 'no ratio: a Katz interval needs at least one recorded yes in both groups' : null,
    };
  };
  return {
    ...r,
    placement: shownPlacement(r.placement),
    groups: r.groups.map((g) => ({
      group: g.group,
      searches: shownOrNull(g.searches),
      find: measure(g, 'find'),
      positiveOutcome: measure(g, 'positiveOutcome'),
      arrest: measure(g, 'arrest'),
      stripSearch: measure(g, 'stripSearch'),
      suppressed: g.searches !== null && isWithheld(g.searches),
      flagged: g.searches !== null && isFlaggedShown(g.searches),
    })),
    disclosure: disclosureStatement(true),
  };
}

type TrendsResult = Awaited<ReturnType<DisproportionalityService['trends']>>;
type TrendGroup = TrendsResult['series'][number]['groups'][number];

export type TrendGroupView = Omit<TrendGroup, 'coverage'> & { coverage?: ShownCoverage | null };
export type TrendsView = Omit<Disclosed<TrendsResult>, 'series'> & {
  series: { period: string; groups: TrendGroupView[] }[];
};

/**
 * Trends as an analyst or external panel member sees them: every period's count through the same rule, each on its
 * own (a period's band says nothing the range's band and the other periods' bands do not).
 */
function discloseTrends(r: TrendsResult): TrendsView {
  const strip = r.query.kind === 'strip-search';
  const group = (g: TrendGroup): TrendGroupView => {
    const cov = 'coverage' in g ? g.coverage : null;
    // The service's reason, unless it is the coverage one: that is decided again on the shown bands.
    const structural = g.reason && !(cov && g.reason === coverageShortfall(cov, STRIP_FIELD)) ? g.reason : null;
    const reason =
      structural ??
      (g.count !== null && isWithheld(g.count)
        ? WITHHELD.count
        : strip && cov
          ? shownCoverageShortfall(cov.recorded, cov.total, STRIP_FIELD)
          : null);
    return {
      group: g.group,
      count: shownOrNull(g.count),
      population: g.population,
      ratePer1000: reason || g.count === null || g.ratePer1000 === null ? null : shownRate(g.count, g.population!),
      suppressed: g.count !== null && isWithheld(g.count),
      ...(strip ? { coverage: shownCoverage(cov) } : {}),
      reason,
    };
  };
  return {
    ...r,
    placement: shownPlacement(r.placement),
    series: r.series.map((s) => ({ ...s, groups: s.groups.map(group) })),
    disclosure: disclosureStatement(true),
  };
}

/** The statistics results a caller can be given, by route. */
export interface StatisticsResults {
  rates: DisproportionalityResult;
  outcomes: OutcomesResult;
  trends: TrendsResult;
}
export interface StatisticsViews {
  rates: RatesView;
  outcomes: OutcomesView;
  trends: TrendsView;
}

const MAPPERS: { [K in keyof StatisticsResults]: (r: StatisticsResults[K]) => StatisticsViews[K] } = {
  rates: discloseRates,
  outcomes: discloseOutcomes,
  trends: discloseTrends,
};

/**
 * The one place a statistics result becomes what its caller sees: the true figures, stated as such, for those with
 * `stats:unsuppressed`; for anyone else every count through the rule and every other figure from the bands.
 */
export function disclose<K extends keyof StatisticsResults>(
  kind: K,
  result: StatisticsResults[K],
  unsuppressed: boolean,
): StatisticsViews[K] {
  if (unsuppressed) return { ...result, disclosure: disclosureStatement(false) } as unknown as StatisticsViews[K];
  return MAPPERS[kind](result);
}
