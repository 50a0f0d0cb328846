/**
 * Pure calculators for disproportionality (domain §6). Inputs are counts and populations; nothing here reads a
 * database, so each formula is unit-tested against hand-worked and published figures.
 */

export const Z95 = 1.959963984540054;
/** Counts under this are suppressed wherever figures leave the force (external panels, analysts, publication). */
export const SUPPRESS_BELOW = 10;
/** Counts under this are flagged as unreliable (and the ratio's interval is exact rather than log-normal). */
export const FLAG_BELOW = 20;

export interface Interval {
  lower: number;
  upper: number;
}

/** Rate per 1,000 population; null without a population. */
export function ratePer1000(count: number, population: number): number | null {
  return population > 0 ? (1000 * count) / population : null;
}

/**
 * Math's functions held locally: under Jest's sandbox every global lookup goes through the sandbox's global object and
 * costs some 20 times as much, which the sampling estimates' coverage simulation (tens of thousands of quantiles) feels.
 */
const { abs, exp, log, max, sin, PI } = Math;

/** ln Γ(x) (Lanczos approximation), for the incomplete beta function. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return log(PI / sin(PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * log(2 * PI) + (x + 0.5) * log(t) - t + log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** ln B(a, b). */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** The regularized incomplete beta function I_x(a, b); `lnB` is ln B(a, b) when the caller has it already. */
function incompleteBeta(x: number, a: number, b: number, lnB = logBeta(a, b)): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = exp(a * log(x) + b * log(1 - x) - lnB);
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The p-quantile of Beta(a, b) (a and b need not be integers): Newton's method on I_x(a, b) = p inside a bracket
 * that shrinks with every step, falling back to bisection whenever a Newton step would leave it, so it converges
 * whatever the shape (I is monotone in x) and in a handful of steps where Newton behaves. Sampling estimates call
 * this thousands of times in their coverage test, so speed matters as well as exactness.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lnB = logBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  for (let i = 0; i < 200; i++) {
    const f = incompleteBeta(x, a, b, lnB) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = exp((a - 1) * log(x) + (b - 1) * log(1 - x) - lnB);
    let next = x - f / density;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (abs(next - x) <= 1e-15 * max(1, x) || hi - lo <= 1e-15) return next;
    x = next;
  }
  return x;
}

/**
 * Clopper–Pearson (exact) 95% interval for x successes in n trials. x and n need not be integers: the sampling
 * estimates (Korn–Graubard) pass an effective sample size and the matching effective count.
 */
export function clopperPearson(x: number, n: number, alpha = 0.05): Interval {
  if (n <= 0) return { lower: 0, upper: 1 };
  return {
    lower: x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1),
    upper: x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x),
  };
}

/** Wilson score 95% interval for a proportion x / n. */
export function wilson(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** Every interval this module gives is a 95% interval. */
export const INTERVAL_LEVEL = 0.95;

/**
 * How an interval was computed, as results state it: a rate ratio's is exact (Clopper–Pearson on the conditional
 * binomial, back-transformed) when either count is under FLAG_BELOW and log-normal otherwise; a proportion's is
 * Wilson's score interval; a ratio of two proportions Katz's log interval.
 */
export type IntervalMethod = 'exact_conditional_binomial' | 'log_normal' | 'wilson_score' | 'katz_log';

export interface IntervalDescription {
  method: IntervalMethod;
  level: number;
}

export function describeInterval(method: 'log' | 'exact' | IntervalMethod): IntervalDescription {
  const named = method === 'log' ? 'log_normal' : method === 'exact' ? 'exact_conditional_binomial' : method;
  return { method: named, level: INTERVAL_LEVEL };
}

/**
 * A rate built on a field that may be left blank is given only when at least this share of the records it covers
 * recorded the field. Below half, the records that did record it are a minority that need not resemble the rest
 * (a force or a team that records the field only sometimes records it selectively), so no rate is better than one
 * read as the group's; at or above it the rate is given with its coverage beside it.
 */
export const COVERAGE_THRESHOLD = 0.5;

export interface Coverage {
  /** Records in which the field was recorded (yes or no). */
  recorded: number;
  /** Records the rate covers. */
  total: number;
  /** recorded / total; null when there are no records. */
  proportion: number | null;
}

export function coverage(recorded: number, total: number): Coverage {
  return { recorded, total, proportion: total > 0 ? recorded / total : null };
}

/**
 * Why a rate on a field that may be blank cannot be given with this coverage, or null when it can. The reason names
 * no count (the coverage beside it does, where counts may be shown), so it can be given to anyone.
 */
export function coverageShortfall(c: Coverage, field: string): string | null {
  if (c.total === 0) return null;
  if (c.recorded === 0) return `${field} is not recorded in any of these records: unknown is not "no"`;
  if (c.proportion! < COVERAGE_THRESHOLD)
    return `${field} is recorded in under ${100 * COVERAGE_THRESHOLD}% of these records, too few for a rate`;
  return null;
}

interface RateRatio {
  ratio: number | null;
  ci95: Interval | null;
  /** 'log' (large counts) or 'exact' (Clopper–Pearson on the conditional binomial, for small counts). */
  method: 'log' | 'exact';
  /** The interval excludes 1. */
  significant: boolean;
}

/**
 * Rate ratio of a group against the comparator, populations fixed: RR = (S_g/P_g) / (S_c/P_c). The 95% interval is
 * exp(ln RR ± 1.96·√(1/S_g + 1/S_c)) when both counts are at least FLAG_BELOW; otherwise exact: S_g given
 * S_g + S_c is binomial with π = RR·P_g / (RR·P_g + P_c), so a Clopper–Pearson interval on π back-transforms to
 * RR = π/(1−π) · P_c/P_g.
 */
export function rateRatio(sg: number, pg: number, sc: number, pc: number): RateRatio {
  const method = sg < FLAG_BELOW || sc < FLAG_BELOW ? 'exact' : 'log';
  if (pg <= 0 || pc <= 0 || sc === 0) return { ratio: null, ci95: null, method, significant: false };
  const ratio = sg / pg / (sc / pc);
  let ci95: Interval;
  if (method === 'log') {
    const se = Math.sqrt(1 / sg + 1 / sc);
    ci95 = { lower: Math.exp(Math.log(ratio) - Z95 * se), upper: Math.exp(Math.log(ratio) + Z95 * se) };
  } else {
    const pi = clopperPearson(sg, sg + sc);
    const back = (p: number) => (p >= 1 ? Infinity : (p / (1 - p)) * (pc / pg));
    ci95 = { lower: back(pi.lower), upper: back(pi.upper) };
  }
  return { ratio, ci95, method, significant: ci95.lower > 1 || ci95.upper < 1 };
}

/** Ratio of two proportions (e.g. find rates) with the Katz log interval; null when either is zero. */
export function proportionRatio(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { ratio: number | null; ci95: Interval | null; significant: boolean } {
  if (!n1 || !n2 || !x1 || !x2) return { ratio: null, ci95: null, significant: false };
  const ratio = x1 / n1 / (x2 / n2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  const ci95 = { lower: Math.exp(Math.log(ratio) - Z95 * se), upper: Math.exp(Math.log(ratio) + Z95 * se) };
  return { ratio, ci95, significant: ci95.lower > 1 || ci95.upper < 1 };
}

/** Funnel-plot control limits around a benchmark proportion p0 for a unit with n cases: p0 ± z·√(p0(1−p0)/n). */
export function funnelLimits(p0: number, n: number, z = Z95): Interval {
  const half = n > 0 ? z * Math.sqrt((p0 * (1 - p0)) / n) : Infinity;
  return { lower: Math.max(0, p0 - half), upper: Math.min(1, p0 + half) };
}

/**
 * What the records whose ethnicity is not stated could change: the group's rate ratio if every one of them belonged
 * to the comparator (lowest) or to the group (highest).
 */
export function notStatedBounds(sg: number, pg: number, sc: number, pc: number, notStated: number): Interval | null {
  if (pg <= 0 || pc <= 0 || sc + notStated === 0 || sc === 0) return null;
  return { lower: sg / pg / ((sc + notStated) / pc), upper: (sg + notStated) / pg / (sc / pc) };
}

export function isSuppressed(count: number): boolean {
  return count < SUPPRESS_BELOW;
}

export function isFlagged(count: number): boolean {
  return count < FLAG_BELOW;
}
