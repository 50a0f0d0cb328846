/** A quarter as written in routes and reports: 2024-Q2. */
export const QUARTER = /^(\d{4})-Q([1-4])$/;

/** First day of a quarter (YYYY-MM-DD), and the quarter `offset` quarters away (negative: earlier). */
export function quarterStart(quarter: string, offset = 0): string {
  const m = QUARTER.exec(quarter);
  if (!m) throw new Error(`not a quarter: ${quarter}`);
  const index = Number(m[1]) * 4 + (Number(m[2]) - 1) + offset;
  const year = Math.floor(index / 4);
  return `${year}-${String((index % 4) * 3 + 1).padStart(2, '0')}-01`;
}

/** The quarter a date (YYYY-MM-DD, or a quarter's first day) falls in: 2024-Q2. */
export function quarterName(start: string): string {
  return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
}

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
export function themeTrends(current: Map<string, number>, previous: Map<string, number>, lastYear: Map<string, number>): ThemeTrend[] {
  const themes = [...new Set([...current.keys(), ...previous.keys(), ...lastYear.keys()])];
  return themes
    .map((theme) => {
      const count = current.get(theme) ?? 0;
      const p = previous.get(theme) ?? 0;
      const y = lastYear.get(theme) ?? 0;
      return { theme, count, previousQuarter: p, sameQuarterLastYear: y, vsPreviousQuarter: changeFrom(count, p), vsLastYear: changeFrom(count, y) };
    })
    .sort((a, b) => b.count - a.count || (a.theme < b.theme ? -1 : 1));
}
