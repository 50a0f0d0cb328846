/**
 * Krippendorff's alpha for nominal data: agreement among any number of raters, tolerating missing ratings.
 * `units[u][r]` is rater r's value for unit u (null: not rated). Units rated by fewer than two raters are not
 * pairable and are ignored. 1 is perfect agreement, 0 what chance alone gives; null when nothing is pairable or
 * every value is the same (no variation to agree about).
 */
export function krippendorffAlphaNominal(units: readonly (readonly (string | null)[])[]): number | null {
  // Coincidence matrix o[c][k], from each unit's pairs of values by different raters.
  const o = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number) => {
    const row = o.get(c) ?? new Map<string, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    o.set(c, row);
  };
  for (const unit of units) {
    const values = unit.filter((v): v is string => v !== null);
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i], values[j], 1 / (m - 1));
  }
  const nc = new Map<string, number>();
  let n = 0;
  for (const [c, row] of o) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    nc.set(c, total);
    n += total;
  }
  if (n <= 1) return null;
  let observed = 0;
  for (const [c, row] of o) for (const [k, w] of row) if (c !== k) observed += w;
  let expected = 0;
  for (const [c, a] of nc) for (const [k, b] of nc) if (c !== k) expected += a * b;
  expected /= n - 1;
  if (expected === 0) return null;
  return 1 - observed / expected;
}
