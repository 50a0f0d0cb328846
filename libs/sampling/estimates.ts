import { clopperPearson } from '@scrutiny/statistics';

/** One stratum of the population an estimate speaks for, and what its sampled items say. */
export interface StratumSample {
  stratum: string;
  /** N_h: the stratum's records. */
  population: number;
  /**
   * One entry per sampled item of the stratum: whether the indicator holds, or null while its review is not completed.
   * Empty when no item was drawn from the stratum.
   */
  values: readonly (boolean | null)[];
}

/** A stratum the estimate cannot speak for: nothing was drawn from it, or none of its items has a completed review. */
export interface UncoveredStratum {
  stratum: string;
  records: number;
  reason: 'no_item_drawn' | 'no_completed_review';
}

/** Which population an estimate speaks for, in words and numbers, and the part of it that it does not cover. */
export interface PopulationCoverage {
  description: string;
  records: number;
  strata: number;
  /** Records in strata with at least one completed review: the population the estimates actually speak for. */
  coveredRecords: number;
  notCovered: UncoveredStratum[];
}

export interface ProportionEstimate {
  /** The estimated share of the covered population for which the indicator holds; null with no reviews. */
  estimate: number | null;
  /** 95% confidence interval; null with no reviews. */
  ci95: [number, number] | null;
  /**
   * 'korn_graubard': Clopper–Pearson on the effective sample size; 'census': every record of the covered strata was
   * reviewed, so there is no sampling error; null with no reviews.
   */
  method: 'korn_graubard' | 'census' | null;
  reviewed: number;
  /** n_eff = p(1 − p) ÷ Var(p), at most the number reviewed; null with no reviews or for a census. */
  effectiveSampleSize: number | null;
  /** Var(p) ÷ (p(1 − p) ÷ reviewed): the variance against a simple random sample of the same size; null when undefined. */
  designEffect: number | null;
  /** Records in the strata that have at least one completed review (the estimate speaks for these). */
  populationCovered: number;
  populationTotal: number;
}

/** Below this distance from 0 or 1 an estimate is taken as 0 or 1 (a weighted sum of shares is not exact). */
const EPSILON = 1e-12;

/**
 * The stratified (Hájek) estimate of a proportion from a stratified simple random sample, and a 95% interval that
 * holds at small samples and extreme proportions.
 *
 * Estimate: each covered stratum's reviewed share weighted by its population, p = Σ W_h p_h with W_h = N_h ÷ N over
 * the covered strata. Unreviewed items are taken as missing at random within their stratum; a stratum with no
 * completed review is not covered, and says so through `populationCovered` (see {@link describeCoverage}).
 *
 * Variance: Σ W_h² (1 − m_h/N_h) s_h² / m_h. A stratum with a single review has no variance of its own: it borrows
 * the whole sample's p(1 − p)·m/(m − 1), as if collapsed with the others (total variance is at least the variance
 * within strata, so this errs wide).
 *
 * Interval (Korn & Graubard 1998): the Clopper–Pearson interval for x = p·n_eff "successes" in n_eff trials, where
 * n_eff = p(1 − p) ÷ Var(p) is the effective sample size, truncated at the number reviewed (a design never counts
 * for more reviews than were done). When p is 0 or 1, or the variance estimate is 0 while some records went
 * unreviewed, n_eff is the number reviewed: the interval then still has the exact one-sided bound (for x = 0 the
 * upper bound is 1 − 0.025^(1/n)), never zero width. Only a census of the covered strata has zero width.
 */
export function estimateProportion(strata: readonly StratumSample[]): ProportionEstimate {
  const populationTotal = strata.reduce((t, s) => t + s.population, 0);
  const covered = strata
    .map((s) => {
      let reviewed = 0;
      let yes = 0;
      for (const v of s.values) {
        if (v === null) continue;
        reviewed++;
        if (v) yes++;
      }
      return { size: s.population, reviewed, yes };
    })
    .filter((s) => s.reviewed > 0);
  const populationCovered = covered.reduce((t, s) => t + s.size, 0);
  const reviewed = covered.reduce((t, s) => t + s.reviewed, 0);
  if (!reviewed || !populationCovered)
    return {
      estimate: null,
      ci95: null,
      method: null,
      reviewed: 0,
      effectiveSampleSize: null,
      designEffect: null,
      populationCovered: 0,
      populationTotal,
    };

  let estimate = 0;
  for (const s of covered) estimate += (s.size / populationCovered) * (s.yes / s.reviewed);
  if (estimate < EPSILON) estimate = 0;
  if (estimate > 1 - EPSILON) estimate = 1;
  const pooled = reviewed > 1 ? (estimate * (1 - estimate) * reviewed) / (reviewed - 1) : 0.25;
  let variance = 0;
  let census = true;
  for (const s of covered) {
    const w = s.size / populationCovered;
    const p = s.yes / s.reviewed;
    const s2 = s.reviewed > 1 ? (p * (1 - p) * s.reviewed) / (s.reviewed - 1) : pooled;
    const fpc = Math.max(0, 1 - s.reviewed / s.size);
    if (fpc > 0) census = false;
    variance += w * w * fpc * (s2 / s.reviewed);
  }
  const base = { estimate, reviewed, populationCovered, populationTotal };
  if (census)
    return {
      ...base,
      ci95: [estimate, estimate],
      method: 'census',
      effectiveSampleSize: null,
      designEffect: null,
    };

  const pq = estimate * (1 - estimate);
  const effectiveSampleSize = pq > 0 && variance > 0 ? Math.min(reviewed, pq / variance) : reviewed;
  const ci = clopperPearson(estimate * effectiveSampleSize, effectiveSampleSize);
  return {
    ...base,
    ci95: [Math.min(ci.lower, estimate), Math.max(ci.upper, estimate)],
    method: 'korn_graubard',
    effectiveSampleSize,
    designEffect: pq > 0 ? variance / (pq / reviewed) : null,
  };
}

/**
 * The population a set of strata makes, and the strata an estimate from them cannot speak for: those nothing was
 * drawn from and those whose items have no completed review. `description` says what the population is (e.g. "the
 * records of 2018-03 that no targeted rule selected"); the result's description adds the counts and what is left out.
 */
export function describeCoverage(strata: readonly StratumSample[], description: string): PopulationCoverage {
  const records = strata.reduce((t, s) => t + s.population, 0);
  const notCovered: UncoveredStratum[] = strata
    .filter((s) => s.population > 0 && !s.values.some((v) => v !== null))
    .map((s) => ({
      stratum: s.stratum,
      records: s.population,
      reason: s.values.length === 0 ? ('no_item_drawn' as const) : ('no_completed_review' as const),
    }));
  const uncoveredRecords = notCovered.reduce((t, s) => t + s.records, 0);
  const coveredRecords = records - uncoveredRecords;
  const nonEmpty = strata.filter((s) => s.population > 0).length;
  const whole = `${description}: ${records} record${records === 1 ? '' : 's'} in ${nonEmpty} strat${nonEmpty === 1 ? 'um' : 'a'}`;
  const undrawn = notCovered.filter((s) => s.reason === 'no_item_drawn');
  const unreviewed = notCovered.filter((s) => s.reason === 'no_completed_review');
  const parts = [
    undrawn.length ? `${countOf(undrawn)} with no item drawn` : '',
    unreviewed.length ? `${countOf(unreviewed)} with no completed review` : '',
  ].filter(Boolean);
  return {
    description: notCovered.length
      ? `${whole}, less ${parts.join(' and ')}: the estimates speak for the other ${coveredRecords} records only`
      : whole,
    records,
    strata: nonEmpty,
    coveredRecords,
    notCovered,
  };
}

function countOf(strata: readonly UncoveredStratum[]): string {
  const records = strata.reduce((t, s) => t + s.records, 0);
  return `${strata.length} strat${strata.length === 1 ? 'um' : 'a'} (${records} record${records === 1 ? '' : 's'})`;
}

/** A sample item as the estimates see it: why it was drawn, from which stratum, and the indicator's value. */
export interface EstimationItem {
  /** 'random', or the targeted rule that selected the record. */
  reason: string;
  stratum: string;
  /** The stratum's size recorded on the item (for the random part, N_h). */
  stratumSize: number;
  value: boolean | null;
}

/**
 * The random part's strata: every stratum of the draw's allocation (those allocated no item too, so they show as not
 * covered) with the values of its random items. The population is the month's records that no targeted rule selected.
 */
export function randomPartStrata(
  allocation: readonly { stratum: string; population: number }[],
  items: readonly EstimationItem[],
): StratumSample[] {
  const strata = new Map<string, { stratum: string; population: number; values: (boolean | null)[] }>(
    allocation.map((a) => [a.stratum, { stratum: a.stratum, population: a.population, values: [] }]),
  );
  for (const item of items) {
    if (item.reason !== 'random') continue;
    const s = strata.get(item.stratum);
    if (s) s.values.push(item.value);
    else strata.set(item.stratum, { stratum: item.stratum, population: item.stratumSize, values: [item.value] });
  }
  return [...strata.values()];
}

/**
 * The whole month's strata: the random part's, plus one stratum per targeted rule tier holding exactly the records
 * that tier selected. The draw takes the targeted part first and the random part from what is left, so given the
 * targeted selection each targeted item was included with probability 1 and stands for itself alone; a random item
 * stands for 1 ÷ (its recorded inclusion probability) records of its stratum. Where a rule's `max` left some of its
 * records out (a recorded inclusion probability below 1), those records stayed in the random part's strata and are
 * represented there: weighting the targeted item by 1 ÷ that probability instead would count them twice.
 */
export function monthWideStrata(
  allocation: readonly { stratum: string; population: number }[],
  items: readonly EstimationItem[],
): StratumSample[] {
  const targeted = new Map<string, (boolean | null)[]>();
  for (const item of items) {
    if (item.reason === 'random') continue;
    const values = targeted.get(item.stratum);
    if (values) values.push(item.value);
    else targeted.set(item.stratum, [item.value]);
  }
  return [
    ...[...targeted].map(([stratum, values]) => ({ stratum, population: values.length, values })),
    ...randomPartStrata(allocation, items),
  ];
}

/** How the random-part estimate is made, in words (the API gives it beside the estimate). */
export const RANDOM_PART_METHOD =
  'Random items only: each stratum’s reviewed share weighted by the stratum’s records (stratified Hájek estimator: ' +
  'each item stands for 1 ÷ its inclusion probability records of its stratum); 95% interval by Korn–Graubard ' +
  '(Clopper–Pearson on the effective sample size, at most the number reviewed)';

/** How the month-wide estimate is made, in words. */
export const MONTH_WIDE_METHOD =
  'Random and targeted items: the draw selects the targeted part first and samples the rest at random, so given ' +
  'that selection each targeted item stands for itself (inclusion probability 1) and each random item for 1 ÷ its ' +
  'inclusion probability records of its stratum (records a capped rule left out are in those strata); 95% interval ' +
  'by Korn–Graubard (Clopper–Pearson on the effective sample size, at most the number reviewed)';

/**
 * Every indicator estimated over one population (`strataOf` makes its strata from the items: see
 * {@link randomPartStrata} and {@link monthWideStrata}), and that population's coverage. An item without a completed
 * review counts as missing, whatever the indicator.
 */
export function estimateIndicators<R>(
  items: readonly (Omit<EstimationItem, 'value'> & { review: R | null })[],
  indicators: Readonly<Record<string, (review: R) => boolean>>,
  strataOf: (items: EstimationItem[]) => StratumSample[],
  description: string,
): { population: PopulationCoverage; indicators: Record<string, ProportionEstimate> } {
  const valued = (value: (review: R) => boolean) =>
    strataOf(items.map(({ review, ...item }) => ({ ...item, value: review === null ? null : value(review) })));
  return {
    population: describeCoverage(
      valued(() => false),
      description,
    ),
    indicators: Object.fromEntries(
      Object.entries(indicators).map(([name, test]) => [name, estimateProportion(valued(test))]),
    ),
  };
}
