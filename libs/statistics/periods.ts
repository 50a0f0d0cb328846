export const TREND_INTERVALS = ['month', 'quarter', 'year'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

const MONTHS_IN: Record<TrendInterval, number> = { month: 1, quarter: 3, year: 12 };

/**
 * Every period from the one containing month `from` to the one containing `to` (both YYYY-MM), each named by its
 * first month as PostgreSQL's to_char(date_trunc(interval, …), 'YYYY-MM') names it: 2024-04 for 2024-Q2, 2024-01 for 2024.
 */
export function periodBuckets(from: string, to: string, interval: TrendInterval): string[] {
  const step = MONTHS_IN[interval];
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
  const last = index(to);
  const buckets: string[] = [];
  for (let i = index(from) - (index(from) % step); i <= last; i += step) {
    buckets.push(`${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`);
  }
  return buckets;
}
