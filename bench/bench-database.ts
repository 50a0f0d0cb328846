import { Client } from 'pg';

/**
 * Runs a benchmark against a database of its own on the PostgreSQL server at DATABASE_URL (created first, dropped
 * after, whatever happens), so a benchmark never touches anyone's data. Exits 64 without DATABASE_URL. With `keep`,
 * the database is named for the benchmark alone (scrutiny_bench_<name>_kept), made only if missing and never
 * dropped, so a benchmark that takes long to load can be run again on what it loaded.
 */
export async function withBenchDatabase(
  name: string,
  fn: (url: string) => Promise<void>,
  options: { keep?: boolean } = {},
): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error('Set DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database).');
    process.exit(64);
  }
  const dbName = options.keep ? `scrutiny_bench_${name}_kept` : `scrutiny_bench_${name}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [dbName])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  try {
    await fn(url.toString());
  } finally {
    if (!options.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

/** Runs a benchmark's main, printing any failure and exiting 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/** The p-th percentile (0–100) of some measurements, nearest-rank: the value at ⌊p/100 · n⌋ of the sorted list. */
export function percentile(xs: readonly number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
}
