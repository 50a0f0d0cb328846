import type { DataSource, EntityManager } from 'typeorm';

/** A keyset-paged list over a large table counts its matches only this far (issue 17: millions of rows). */
export const COUNT_CAP = 10_000;

/** How many rows `select` returns, counting no further than `cap`: `capped` when at least that many match. */
export async function countUpTo(
  db: DataSource | EntityManager,
  select: string,
  params: unknown[],
  cap = COUNT_CAP,
): Promise<{ total: number; capped: boolean }> {
  const [row] = (await db.query(`SELECT count(*)::int AS n FROM (${select} LIMIT ${cap + 1}) t`, params)) as {
    n: number;
  }[];
  return row.n > cap ? { total: cap, capped: true } : { total: row.n, capped: false };
}
