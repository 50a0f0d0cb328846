import type { DataSource } from 'typeorm';

/** Races need two real connections: PostgreSQL only (embedded PGlite has one connection and runs everything in turn). */
export const itOnPostgres = process.env.DATABASE_URL ? it : it.skip;

/**
 * Runs `requests` while audit writes are held back, so every request does its reads and writes up to its audit
 * entry before any of them commits: the widest window for a race between requests that each audit their change.
 * Releases the hold once `waiting` database sessions are blocked on a lock, then returns the requests' results.
 */
export async function raceUpToAudit<T>(
  dataSource: DataSource,
  waiting: number,
  requests: () => Promise<T>,
): Promise<T> {
  const hold = dataSource.createQueryRunner();
  await hold.connect();
  try {
    await hold.startTransaction();
    await hold.query('LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE');
    const running = requests();
    for (let i = 0; i < 200; i++) {
      const [{ n }] = await dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (n >= waiting) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await hold.commitTransaction();
    return await running;
  } finally {
    if (hold.isTransactionActive) await hold.rollbackTransaction();
    await hold.release();
  }
}
