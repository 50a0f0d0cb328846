import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { createLogger, loadConfig } from '@scrutiny/core';
import { ImportsService } from '@scrutiny/records';
import { BackgroundModule } from '../apps/worker/background.module';

/** The services over a bench database (migrated on open, no job processing), silent, for loading and measuring. */
export async function openBackground(url: string): Promise<INestApplicationContext> {
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    HEARTBEAT_INTERVAL_MS: '0',
  });
  const app = await NestFactory.createApplicationContext(
    BackgroundModule.forRoot(config, createLogger('silent'), { processJobs: false, migrateOnOpen: true }),
    { logger: false },
  );
  await app.init();
  return app;
}

/** A real stop search's characteristics: what bench_seed keeps of each row, and what a generated record copies. */
const SEED_COLUMNS = [
  'search_type',
  'legislation',
  'object_of_search',
  'outcome',
  'outcome_linked_to_object',
  'clothing_removed',
  'gender',
  'age_range',
  'self_defined_ethnicity',
  'officer_defined_ethnicity',
];

/** SEED_COLUMNS as a column list, each prefixed with `alias.` if given (to select them from bench_seed). */
export const seedColumns = (alias?: string): string =>
  SEED_COLUMNS.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');

/**
 * The real distributions generated records are drawn from: every police.uk CSV found (POLICE_UK_DIR,
 * ../shared/data/police-uk, or the repo's fixture) imported through the importer, each into the force its name gives
 * (YYYY-MM-<force>-stop-and-search.csv: the importer refuses a file named for another force), and their rows kept as
 * bench_seed (k = 1 … seeds). The imported stop searches stay: each bench clears what it does not want.
 */
export async function seedDistributions(
  app: INestApplicationContext,
): Promise<{ dir: string; files: number; seeds: number }> {
  const ds = app.get(DataSource);
  const dir = [
    process.env.POLICE_UK_DIR ?? '',
    path.resolve('../shared/data/police-uk'),
    path.resolve('test/fixtures/police-uk'),
  ].find((d) => d && fs.existsSync(d))!;
  const files = (function walk(d: string): string[] {
    return fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.csv') ? [path.join(d, e.name)] : [],
      );
  })(dir);
  for (const f of files) {
    const force = /^\d{4}-\d{2}-(.+)-stop-and-search\.csv$/.exec(path.basename(f))?.[1];
    if (force) await app.get(ImportsService).importFile(f, 'police-uk', force, SYSTEM_ACTOR);
  }
  await ds.query(`CREATE TABLE bench_seed AS SELECT row_number() OVER () AS k, ${seedColumns()} FROM stop_searches`);
  const [{ seeds }] = (await ds.query(`SELECT count(*)::int AS seeds FROM bench_seed`)) as { seeds: number }[];
  return { dir, files: files.length, seeds };
}
