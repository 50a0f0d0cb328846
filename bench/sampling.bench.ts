/**
 * npm run bench:sampling [-- --source <dir of Metropolitan police.uk CSVs> --period 2018-03 --runs 3]
 *
 * Imports real Metropolitan Police stop-and-search months into a fresh PostgreSQL database (DATABASE_URL names
 * the server; the benchmark creates and drops its own database), gives 80% of the records a BWV clip, then draws
 * and verifies a dip sample of one month with the default plan (every targeted rule on, stratified random part),
 * printing the seconds each takes. Target: under 2 s each for a month of about 11,000 records.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ImportsService } from '@scrutiny/records';
import { DipSamplesService } from '@scrutiny/sampling';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { runBench, withBenchDatabase } from './bench-database';
import { openBackground } from './bench-seed';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    period: { type: 'string', default: '2018-03' },
    runs: { type: 'string', default: '3' },
  },
});
const source = values.source ?? path.resolve('../shared/data/police-uk/metropolitan');
if (!fs.existsSync(source)) {
  console.error(`No Metropolitan police.uk CSVs at ${source}: give --source <dir>.`);
  process.exit(64);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, (performance.now() - started) / 1000];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(url: string): Promise<void> {
  const app = await openBackground(url);
  try {
    const files = fs
      .readdirSync(source)
      .filter((f) => f.endsWith('.csv'))
      .sort();
    for (const f of files) {
      const r = await app
        .get(ImportsService)
        .importFile(path.join(source, f), 'police-uk', 'metropolitan', SYSTEM_ACTOR);
      console.log(`imported ${f}: ${r.rowsImported} rows`);
    }
    const ds = app.get(DataSource);
    await ds.query(`
      WITH clips AS (
        INSERT INTO bwv_clips (reference, force_code, recorded_at, retention_expires_at, status, version)
        SELECT 'BENCH-' || s.id, s.force_code, s.occurred_at, s.occurred_at + interval '31 days', 'available', 1 FROM stop_searches s WHERE random() < 0.8
        RETURNING id, reference)
      INSERT INTO bwv_clip_links (clip_id, case_kind, case_id) SELECT id, 'stop_search', substring(reference from 7)::uuid FROM clips`);
    await ds.query('ANALYZE');
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM stop_searches WHERE period = $1::date`, [
      `${values.period}-01`,
    ])) as { n: number }[];
    const samples = app.get(DipSamplesService);
    const draws: number[] = [];
    const verifies: number[] = [];
    let last = { items: 0, targeted: 0, verified: false };
    for (let run = 0; run < Number(values.runs); run++) {
      const [sample, drawSeconds] = await timed(() =>
        samples.draw({ system: true }, { period: values.period!, seed: `bench-${run}` }),
      );
      const [verdict, verifySeconds] = await timed(() => samples.verify(sample.id));
      draws.push(drawSeconds);
      verifies.push(verifySeconds);
      last = {
        items: sample.items.length,
        targeted: sample.items.filter((i) => i.reason !== 'random').length,
        verified: verdict.verified,
      };
    }
    console.log(
      `\nMetropolitan ${values.period}: ${n.toLocaleString('en-GB')} records in the month; default plan; ${last.items} items (${last.targeted} targeted); verified: ${last.verified}`,
    );
    console.log('| step | median seconds | runs |');
    console.log('| --- | ---: | --- |');
    console.log(
      `| draw (read population, select, store) | ${median(draws).toFixed(2)} | ${draws.map((s) => s.toFixed(2)).join(', ')} |`,
    );
    console.log(
      `| verify (re-read population, recompute, compare) | ${median(verifies).toFixed(2)} | ${verifies.map((s) => s.toFixed(2)).join(', ')} |`,
    );
    console.log(`target: under 2 s each: ${median(draws) < 2 && median(verifies) < 2 ? 'met' : 'NOT met'}`);
  } finally {
    await app.close();
  }
}

runBench(() => withBenchDatabase('sampling', main));
