/**
 * npm run bench:import [-- --rows 1000000 --source <dir of police.uk CSVs>]
 *
 * Builds a police.uk CSV of N rows from real files (dates spread chronologically over five years), then in
 * one run on the PostgreSQL at DATABASE_URL measures:
 *   floor  – a bare COPY of the file into an unlogged text staging table, then one INSERT … SELECT into a plain
 *            typed table (no validation, no mapping, no de-duplication, no indexes);
 *   import – the real import (parse, validate, map, hash, COPY to staging, de-duplicating insert into
 *            stop_searches with its indexes), on a freshly migrated database;
 * and prints rows per second and peak RSS for each.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { migrate, postgresOptions } from '@scrutiny/database';
import { importPoliceUkCsv, POLICE_UK_COLUMNS } from '@scrutiny/records';
import { SCHEMA } from '@scrutiny/schema';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, source: { type: 'string' } } });
const ROWS = Number(values.rows);
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error('Set DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database).');
  process.exit(64);
}

function findSource(): string {
  const candidates = [
    values.source,
    path.resolve('../shared/data/police-uk'),
    path.resolve('test/fixtures/police-uk'),
  ].filter(Boolean) as string[];
  const dir = candidates.find((d) => fs.existsSync(d));
  if (!dir) throw new Error('no source directory of police.uk CSVs found');
  return dir;
}

function csvFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? csvFiles(path.join(dir, e.name)) : e.name.endsWith('.csv') ? [path.join(dir, e.name)] : [],
    );
}

function buildFile(rows: number, sourceDir: string): string {
  const seed: string[][] = [];
  for (const file of csvFiles(sourceDir))
    seed.push(...(parse(fs.readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][]).slice(1));
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-bench-')), 'bench-stop-and-search.csv');
  const fd = fs.openSync(out, 'w');
  const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  let buffer = `${POLICE_UK_COLUMNS.join(',')}\n`;
  // Chronological, as data.police.uk monthly files are, spread evenly over five years.
  const start = Date.UTC(2019, 0, 1);
  const step = (5 * 365 * 86_400_000) / rows;
  for (let i = 0; i < rows; i++) {
    const row = [...seed[i % seed.length]];
    row[1] = new Date(start + Math.floor((i * step) / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
    buffer += `${row.map(quote).join(',')}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return out;
}

/** Peak resident set size while `fn` runs, sampled every 20 ms. */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const result = await fn();
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1048576,
    };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const source = findSource();
  console.log(`building ${ROWS.toLocaleString('en-GB')} rows from ${source} …`);
  const file = buildFile(ROWS, source);
  (globalThis as { gc?: () => void }).gc?.();
  const sizeMb = fs.statSync(file).size / 1048576;
  const dbName = `scrutiny_bench_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${dbName}`;
  try {
    // Floor: bare COPY into an unlogged text table, one INSERT … SELECT into a plain typed table.
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(
      `CREATE UNLOGGED TABLE floor_staging (${POLICE_UK_COLUMNS.map((_, i) => `c${i} text`).join(', ')})`,
    );
    await client.query(`CREATE TABLE floor_typed (search_type text, occurred_at timestamptz, part_of_operation boolean, operation text, latitude float8, longitude float8,
      gender text, age_range text, self_defined text, officer_defined text, legislation text, object text, outcome text, linked boolean, removal boolean)`);
    const floor = await measured(async () => {
      await pipeline(
        fs.createReadStream(file),
        client.query(copyFrom(`COPY floor_staging FROM STDIN WITH (FORMAT csv, HEADER true)`)),
      );
      await client.query(`INSERT INTO floor_typed SELECT c0, c1::timestamptz, nullif(c2,'')::boolean, c3, nullif(c4,'')::float8, nullif(c5,'')::float8,
        c6, c7, c8, c9, c10, c11, c12, nullif(c13,'')::boolean, nullif(c14,'')::boolean FROM floor_staging`);
    });
    await client.end();

    const ds = await new DataSource(postgresOptions(url.toString(), 4, SCHEMA)).initialize();
    await migrate(ds, { lock: false, seeds: SCHEMA.seeds });
    const importId = randomUUID();
    await ds.query(
      `INSERT INTO imports (id, format, force_code, filename, status) VALUES ($1, 'police-uk', 'E23000001', 'bench.csv', 'running')`,
      [importId],
    );
    const full = await measured(() =>
      importPoliceUkCsv(ds, {
        importId,
        forceCode: 'E23000001',
        sourceMonth: null,
        engine: 'postgres',
        input: () => fs.createReadStream(file),
      }),
    );
    await ds.destroy();

    const floorRate = ROWS / floor.seconds;
    const importRate = full.result.rowsRead / full.seconds;
    console.log(
      `\nfile: ${ROWS.toLocaleString('en-GB')} rows, ${sizeMb.toFixed(0)} MB; PostgreSQL at ${url.host}; node ${process.version}; ${os.cpus().length} cores`,
    );
    console.log('| run | seconds | rows/s | peak RSS (MB) |');
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `| floor: COPY + INSERT … SELECT | ${floor.seconds.toFixed(1)} | ${Math.round(floorRate).toLocaleString('en-GB')} | ${floor.peakRssMb.toFixed(0)} |`,
    );
    console.log(
      `| import (validate, map, dedup) | ${full.seconds.toFixed(1)} | ${Math.round(importRate).toLocaleString('en-GB')} | ${full.peakRssMb.toFixed(0)} |`,
    );
    console.log(`\nimport: ${JSON.stringify(full.result)}`);
    console.log(
      `import speed = ${((importRate / floorRate) * 100).toFixed(0)}% of the floor (target ≥ 50%); peak RSS ${full.peakRssMb.toFixed(0)} MB (target < 300 MB)`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
