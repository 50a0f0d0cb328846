export interface Change {
  /** current − base */
  change: number;
  /** Relative change in percent; null when the base is 0 (no meaningful percentage). */
  changePct: number | null;
}

/** The change from a base count to the current one. */
export function changeFrom(current: number, base: number): Change {
  return { change: current - base, changePct: base === 0 ? null : Math.round(((current - base) / base) * 1000) / 10 };
}

export interface ThemeTrend extends Record<string, unknown> {
  theme: string;
  count: number;
  previousQuarter: number;
  sameQuarterLastYear: number;
  vsPreviousQuarter: Change;
  vsLastYear: Change;
}

/**
 * Counts per theme this quarter beside the previous quarter and the same quarter last year, for every theme seen in
 * any of the three, most frequent first (ties by code).
 */
export function themeTrends(
  current: Map<string, number>,
  previous: Map<string, number>,
  lastYear: Map<string, number>,
): ThemeTrend[] {
  const themes = [...new Set([...current.keys(), ...previous.keys(), ...lastYear.keys()])];
  return themes
    .map((theme) => {
      const count = current.get(theme) ?? 0;
      const p = previous.get(theme) ?? 0;
      const y = lastYear.get(theme) ?? 0;
      return {
        theme,
        count,
        previousQuarter: p,
        sameQuarterLastYear: y,
        vsPreviousQuarter: changeFrom(count, p),
        vsLastYear: changeFrom(count, y),
      };
    })
    .sort((a, b) => b.count - a.count || (a.theme < b.theme ? -1 : 1));
}
