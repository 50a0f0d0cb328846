import { seededStream } from '@scrutiny/core';
import type { CriterionScale, MeasurementLevel } from './criteria-scales';

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): agreement among any number
 * of raters, tolerating missing ratings, with the difference metric that fits the data's level of measurement.
 * `units[u][r]` is rater r's value for unit (case) u; null is no rating. Units with fewer than two values are not
 * pairable and are ignored.
 */

/** Fewer cases rated by two or more members than this, and no alpha is given (one case says nothing about chance). */
export const MIN_PAIRABLE_CASES = 2;
/** Bootstrap resamples for the 95% interval. */
export const BOOTSTRAP_RESAMPLES = 1000;

type Units = readonly (readonly (string | null)[])[];

/** Per pairable unit, how many of its values fall in each category: the unit's row of counts. */
interface Coded {
  categories: string[];
  counts: number[][];
}

function code(units: Units, categories?: readonly string[]): Coded {
  const cats = categories
    ? [...categories]
    : [...new Set(units.flatMap((u) => u.filter((v): v is string => v !== null)))].sort();
  const index = new Map(cats.map((c, i) => [c, i]));
  const counts: number[][] = [];
  for (const unit of units) {
    const row = new Array<number>(cats.length).fill(0);
    let m = 0;
    for (const v of unit) {
      const i = v === null ? undefined : index.get(v);
      if (i === undefined) continue;
      row[i]++;
      m++;
    }
    if (m >= 2) counts.push(row);
  }
  return { categories: cats, counts };
}

/** Squared difference between categories c and k, given the marginal frequencies (the ordinal metric needs them). */
function metric(level: MeasurementLevel, numbers: readonly number[], marginals: readonly number[]) {
  return (c: number, k: number): number => {
    if (c === k) return 0;
    if (level === 'nominal') return 1;
    if (level === 'interval') return (numbers[c] - numbers[k]) ** 2;
    // Ordinal: the number of values ranked from c to k inclusive, less half of those at either end.
    const [lo, hi] = c < k ? [c, k] : [k, c];
    let between = 0;
    for (let g = lo; g <= hi; g++) between += marginals[g];
    return (between - (marginals[c] + marginals[k]) / 2) ** 2;
  };
}

/** Each pairable unit's part of the coincidence matrix: its m(m-1) ordered pairs of values, each weighted 1/(m-1). */
function coincidences(counts: readonly number[][]): number[][][] {
  return counts.map((row) => {
    const m = row.reduce((a, b) => a + b, 0);
    return row.map((nc, c) => row.map((nd, d) => (nc * (nd - (c === d ? 1 : 0))) / (m - 1)));
  });
}

/**
 * Alpha from the units' coincidences (each unit counted `weights[u]` times, as a bootstrap resample does).
 * Null with nothing pairable; 1 when every pairable value is the same (no disagreement observed or expected).
 */
function alphaOf(
  units: readonly number[][][],
  weights: readonly number[] | null,
  level: MeasurementLevel,
  numbers: readonly number[],
): number | null {
  const k = numbers.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  units.forEach((matrix, u) => {
    const w = weights ? weights[u] : 1;
    if (!w) return;
    for (let c = 0; c < k; c++) for (let d = 0; d < k; d++) o[c][d] += w * matrix[c][d];
  });
  const marginals = o.map((r) => r.reduce((a, b) => a + b, 0));
  const n = marginals.reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  const delta = metric(level, numbers, marginals);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      if (c === d) continue;
      const dd = delta(c, d);
      observed += o[c][d] * dd;
      expected += marginals[c] * marginals[d] * dd;
    }
  }
  if (expected === 0) return 1;
  return 1 - ((n - 1) * observed) / expected;
}

/** The numbers an interval scale's values stand for (their position when not numeric). */
function numbersOf(level: MeasurementLevel, categories: readonly string[]): number[] {
  return categories.map((c, i) => (level === 'interval' && Number.isFinite(Number(c)) ? Number(c) : i));
}

/**
 * Krippendorff's alpha at `level`. For ordinal and interval data `order` lists the values from one end of the scale to
 * the other (values outside it count as missing); nominal data may omit it.
 */
export function krippendorffAlpha(units: Units, level: MeasurementLevel, order?: readonly string[]): number | null {
  if (level !== 'nominal' && !order) throw new Error(`an ${level} alpha needs the order of the scale`);
  const { categories, counts } = code(units, order);
  return alphaOf(coincidences(counts), null, level, numbersOf(level, categories));
}

export interface AgreementResult {
  level: MeasurementLevel;
  /** Null when too few ratings can be paired (see `reason`). 1 when every paired rating is the same. */
  alpha: number | null;
  /** Bootstrap 95% interval (percentiles of alpha over resampled cases), or null with `alpha`. */
  ci95: { lower: number; upper: number } | null;
  /** Cases with two or more ratings on the scale. */
  pairableCases: number;
  /** Ratings on the scale in those cases. */
  pairableValues: number;
  /** Why alpha is null; null when it is given. */
  reason: string | null;
}

function percentile(sorted: readonly number[], p: number): number {
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/**
 * Agreement on one criterion: the scale's missing answers dropped, Krippendorff's alpha at the scale's level, and a
 * 95% interval from `resamples` bootstrap resamples of the pairable cases (with replacement, seeded by `seed`).
 * Refuses (alpha null, with the reason) when fewer than MIN_PAIRABLE_CASES cases have two or more ratings.
 */
export function measureAgreement(
  units: Units,
  scale: CriterionScale,
  options: { seed: string; resamples?: number },
): AgreementResult {
  const missing = new Set(scale.missing);
  const cleaned = units.map((u) => u.map((v) => (v === null || missing.has(v) ? null : v)));
  // Nominal answers need no order: any answer that is not "missing" is a category, even one the table does not list.
  const { categories, counts } =
    scale.level === 'nominal'
      ? code(cleaned, [
          ...scale.values,
          ...[...new Set(cleaned.flat())].filter((v): v is string => v !== null && !scale.values.includes(v)).sort(),
        ])
      : code(cleaned, scale.values);
  const pairableCases = counts.length;
  const pairableValues = counts.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0);
  const base = { level: scale.level, pairableCases, pairableValues };
  if (pairableCases < MIN_PAIRABLE_CASES) {
    return {
      ...base,
      alpha: null,
      ci95: null,
      reason: `too few ratings to pair: ${pairableCases} case(s) rated on this scale by two or more members, at least ${MIN_PAIRABLE_CASES} needed`,
    };
  }
  const numbers = numbersOf(scale.level, categories);
  const matrices = coincidences(counts);
  const alpha = alphaOf(matrices, null, scale.level, numbers)!;
  // Seeded, so the interval is the same for the same ratings.
  const random = seededStream(options.seed);
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const alphas: number[] = [];
  const weights = new Array<number>(pairableCases);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < pairableCases; i++) weights[Math.floor(random() * pairableCases)]++;
    alphas.push(alphaOf(matrices, weights, scale.level, numbers)!);
  }
  alphas.sort((a, b) => a - b);
  return {
    ...base,
    alpha,
    ci95: { lower: percentile(alphas, 0.025), upper: percentile(alphas, 0.975) },
    reason: null,
  };
}
