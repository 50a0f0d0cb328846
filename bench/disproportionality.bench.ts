/**
 * npm run bench:disproportionality [-- --sizes 1000000,5000000 --runs 30]
 *
 * Builds synthetic stop searches from the real distributions (the rows of every police.uk CSV found in
 * ../shared/data/police-uk, or the repo's fixture), spread over ten forces and five years, into a fresh PostgreSQL
 * database (DATABASE_URL names the server), and at each size measures the disproportionality API query for one force
 * and one year (through the service, which reads the rollup) beside a plain GROUP BY of the same records with a full
 * scan. Prints median and p95 latency. Target: at 5M records, at least 20× faster than the full scan, and a latency
 * that does not grow with the number of records.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { DisproportionalityService } from '@scrutiny/statistics';
import { percentile, runBench, withBenchDatabase } from './bench-database';
import { openBackground, seedColumns, seedDistributions } from './bench-seed';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000000,5000000' }, runs: { type: 'string', default: '30' } },
});
const SIZES = values.sizes!.split(',').map(Number);
const RUNS = Number(values.runs);
const FORCES = [
  'E23000001',
  'E23000034',
  'E23000005',
  'E23000003',
  'E23000004',
  'E23000006',
  'E23000007',
  'E23000008',
  'E23000009',
  'E23000010',
];
const BATCH = 500_000;

async function timedRuns(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return { median: percentile(ms, 50), p95: percentile(ms, 95) };
}

async function main(url: string): Promise<void> {
  const app = await openBackground(url);
  try {
    const ds = app.get(DataSource);
    const { dir, files, seeds } = await seedDistributions(app);
    await ds.query(`DELETE FROM stop_searches`);
    console.log(`seed distributions: ${seeds.toLocaleString('en-GB')} real rows from ${files} file(s) in ${dir}`);
    const stats = app.get(DisproportionalityService);
    const query = { from: '2021-01', to: '2021-12', area: FORCES[3], basis: 'self' };
    const results: string[] = [];
    let have = 0;
    for (const size of SIZES) {
      const started = performance.now();
      while (have < size) {
        const n = Math.min(BATCH, size - have);
        await ds.query(
          `INSERT INTO stop_searches (force_code, occurred_at, period, ${seedColumns()}, source, version)
           SELECT f.code, t.at, date_trunc('month', t.at AT TIME ZONE 'Europe/London')::date, ${seedColumns('s')}, 'manual', 1
           FROM generate_series($1::bigint, $2::bigint) g
           CROSS JOIN LATERAL (SELECT timestamptz '2019-01-01' + (g % 157680) * interval '1000 seconds' AS at) t
           JOIN bench_seed s ON s.k = 1 + (g * 7919) % $3
           JOIN (SELECT row_number() OVER () - 1 AS i, code FROM unnest($4::text[]) code) f ON f.i = g % 10`,
          [have + 1, have + n, seeds, FORCES],
        );
        have += n;
      }
      await ds.query('ANALYZE');
      const loadSeconds = (performance.now() - started) / 1000;
      const [{ matching }] = (await ds.query(
        `SELECT count(*)::int AS matching FROM stop_searches WHERE force_code = $1 AND period BETWEEN '2021-01-01' AND '2021-12-01'`,
        [query.area],
      )) as { matching: number }[];
      const api = await timedRuns(() => stats.rates(query));
      const scan = await timedRuns(() =>
        ds.transaction(async (m) => {
          await m.query('SET LOCAL enable_indexscan = off');
          await m.query('SET LOCAL enable_bitmapscan = off');
          return m.query(
            `SELECT ethnic_group_of(self_defined_ethnicity) AS g, count(*)::int FROM stop_searches WHERE force_code = $1 AND period BETWEEN '2021-01-01' AND '2021-12-01' GROUP BY 1`,
            [query.area],
          );
        }),
      );
      results.push(
        `| ${size.toLocaleString('en-GB')} | ${matching.toLocaleString('en-GB')} | ${api.median.toFixed(1)} / ${api.p95.toFixed(1)} | ${scan.median.toFixed(0)} / ${scan.p95.toFixed(0)} | ${(scan.median / api.median).toFixed(0)}× |`,
      );
      console.log(
        `loaded ${size.toLocaleString('en-GB')} records (${loadSeconds.toFixed(0)} s, rollup kept by the triggers)`,
      );
    }
    console.log(`\none force × one year (2021), self-defined basis; ${RUNS} runs each after a warm-up`);
    console.log(
      '| records | matching records | API query ms (median / p95) | full-scan GROUP BY ms (median / p95) | speed-up |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) console.log(r);
  } finally {
    await app.close();
  }
}

runBench(() => withBenchDatabase('disproportionality', main));
