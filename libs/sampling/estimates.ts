/** One sampled item of the random part, and whether the indicator holds for it (null: not reviewed yet). */
export interface EstimationUnit {
  stratum: string;
  /** N_h: the stratum's population (n_h ÷ inclusion probability). */
  stratumSize: number;
  value: boolean | null;
}

export interface ProportionEstimate {
  /** Estimated share of the month's (non-targeted) records for which the indicator holds; null with no reviews. */
  estimate: number | null;
  /** 95% confidence interval (normal approximation, clipped to [0, 1]). */
  ci95: [number, number] | null;
  reviewed: number;
  /** Records in the strata that have at least one review (the estimate speaks for these). */
  populationCovered: number;
  populationTotal: number;
}

const Z95 = 1.959963984540054;

/**
 * The stratified (Horvitz–Thompson / Hájek) estimate of a proportion from a stratified simple random sample: each
 * stratum's reviewed share weighted by its population, with the finite-population-corrected variance
 * Σ W_h² (1 − m_h/N_h) s_h² / m_h. Unreviewed items are treated as missing at random within their stratum; a stratum
 * with one review contributes the most conservative variance (s² = 1/4); strata with none are left out and
 * reported through `populationCovered`.
 */
export function estimateProportion(units: readonly EstimationUnit[]): ProportionEstimate {
  const strata = new Map<string, { size: number; reviewed: number; yes: number }>();
  for (const u of units) {
    const s = strata.get(u.stratum) ?? { size: u.stratumSize, reviewed: 0, yes: 0 };
    if (u.value !== null) {
      s.reviewed++;
      if (u.value) s.yes++;
    }
    strata.set(u.stratum, s);
  }
  const all = [...strata.values()];
  const populationTotal = all.reduce((t, s) => t + s.size, 0);
  const covered = all.filter((s) => s.reviewed > 0);
  const populationCovered = covered.reduce((t, s) => t + s.size, 0);
  const reviewed = covered.reduce((t, s) => t + s.reviewed, 0);
  if (!reviewed) return { estimate: null, ci95: null, reviewed: 0, populationCovered: 0, populationTotal };
  let estimate = 0;
  let variance = 0;
  for (const s of covered) {
    const w = s.size / populationCovered;
    const p = s.yes / s.reviewed;
    const s2 = s.reviewed > 1 ? (p * (1 - p) * s.reviewed) / (s.reviewed - 1) : 0.25;
    estimate += w * p;
    variance += w * w * (1 - s.reviewed / s.size) * (s2 / s.reviewed);
  }
  const half = Z95 * Math.sqrt(variance);
  return {
    estimate,
    ci95: [Math.max(0, estimate - half), Math.min(1, estimate + half)],
    reviewed,
    populationCovered,
    populationTotal,
  };
}
