/**
 * npm run bench:import [-- --rows 1000000 --template-rows 200000 --source <dir of police.uk CSVs>]
 *
 * Builds files from the real Metropolitan Police rows (../shared/data/police-uk/metropolitan, else the test
 * fixtures' Met rows) and imports them as the Met, so the wrong-force check rejects nothing it should not and the
 * run measures importing, not refusing. In one run, each import beside its floor on the same engine:
 *   police.uk  – N rows (the Met rows cycled, dates spread chronologically over five years; rows that were identical
 *                in the source, people searched together, stay identical): the floor is a bare COPY of the file into
 *                an unlogged text table, then one INSERT … SELECT into a plain typed table (no validation, mapping,
 *                de-duplication or indexes); the import parses, validates, maps, places, hashes, de-duplicates and
 *                keeps the rollup, on a freshly migrated database;
 *   template   – the force's own export (format=stop-searches) of the same rows with references, officers, teams,
 *                grounds and clips, and its floor (the same file, COPY + INSERT … SELECT);
 *   embedded   – the Met's own monthly files as one file (~68,000 rows), imported into a fresh in-memory PGlite
 *                beside PGlite's floor (COPY from the file, INSERT … SELECT).
 * Prints rows per second, the ratio to the floor and peak RSS for each.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parse } from 'csv-parse/sync';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import { embeddedOptions, migrate, postgresOptions } from '@scrutiny/database';
import { importPoliceUkCsv, mapPoliceUkRow, POLICE_UK_COLUMNS } from '@scrutiny/records';
import { SCHEMA } from '@scrutiny/schema';
import { importStopSearchesCsv } from '../libs/records/imports/stop-searches-import';
import { STOP_SEARCH_TEMPLATE_COLUMNS } from '../libs/records/imports/stop-search-template';
import { runBench, withBenchDatabase } from './bench-database';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'template-rows': { type: 'string', default: '200000' },
    source: { type: 'string' },
    /** Comma-separated runs to do (police-uk, template, embedded); all by default. */
    only: { type: 'string', default: 'police-uk,template,embedded' },
  },
});
const ONLY = new Set(values.only.split(','));
const ROWS = Number(values.rows);
const TEMPLATE_ROWS = Number(values['template-rows']);
const MET = 'E23000001';

function csvFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? csvFiles(path.join(dir, e.name)) : e.name.endsWith('.csv') ? [path.join(dir, e.name)] : [],
    )
    .sort();
}

/** The Met's monthly files: the force every file here is imported as. */
function metFiles(): { source: string; files: string[] } {
  const candidates = [values.source, path.resolve('../shared/data/police-uk'), path.resolve('test/fixtures/police-uk')];
  for (const dir of candidates.filter((d): d is string => !!d && fs.existsSync(d))) {
    const files = csvFiles(dir).filter((f) => /metropolitan/.test(path.basename(f)));
    if (files.length) return { source: dir, files };
  }
  throw new Error('no Metropolitan Police police.uk CSVs found (pass --source <dir>)');
}

const quote = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

/** Writes a CSV (header and rows from `row(i)`) in 1 MiB pieces. */
function writeCsv(file: string, header: readonly string[], rows: number, row: (i: number) => string[]): void {
  const fd = fs.openSync(file, 'w');
  let buffer = `${header.join(',')}\n`;
  for (let i = 0; i < rows; i++) {
    buffer += `${row(i).map(quote).join(',')}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
}

/**
 * The seed rows in file order, and for each the instant it gets in an N-row file: chronological over five years
 * (as data.police.uk monthly files are), one instant per group of rows that shared their time in the source.
 */
function timeline(seed: string[][], rows: number): (i: number) => string {
  const start = Date.UTC(2019, 0, 1);
  const step = (5 * 365 * 86_400_000) / rows;
  return (i) => {
    let first = i;
    while (
      first > 0 &&
      first % seed.length !== 0 &&
      seed[first % seed.length][1] === seed[(first - 1) % seed.length][1]
    )
      first--;
    return new Date(start + Math.floor((first * step) / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
  };
}

function buildPoliceUk(file: string, seed: string[][], rows: number): void {
  const at = timeline(seed, rows);
  writeCsv(file, POLICE_UK_COLUMNS, rows, (i) => {
    const row = [...seed[i % seed.length]];
    row[1] = at(i);
    return row;
  });
}

/** The same searches as the force's own export: references, officers in teams, grounds, clips. */
function buildTemplate(file: string, seed: string[][], rows: number): void {
  const at = timeline(seed, rows);
  const yesNo = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');
  const mapped = seed.map((cells) => {
    const m = mapPoliceUkRow(cells);
    return 'record' in m ? m.record : null;
  });
  let written = 0;
  writeCsv(file, STOP_SEARCH_TEMPLATE_COLUMNS, rows, (i) => {
    let r = mapped[i % seed.length];
    for (let k = 1; !r; k++) r = mapped[(i + k) % seed.length];
    const n = written++;
    const value: Record<string, string> = {
      reference: `MPS-${String(n).padStart(8, '0')}`,
      occurred_at: at(i),
      latitude: r.latitude === null ? '' : String(r.latitude),
      longitude: r.longitude === null ? '' : String(r.longitude),
      officer_reference: `PC-${n % 2000}`,
      team_code: `MET-T${n % 40}`,
      search_type: r.searchType,
      legislation: r.legislation ?? '',
      object_of_search: r.objectOfSearch ?? '',
      grounds: `Seen passing a package, "smelt of cannabis" (search ${n})`,
      outcome: r.outcome ?? '',
      outcome_linked_to_object: yesNo(r.outcomeLinkedToObject),
      clothing_removed: yesNo(r.clothingRemoved),
      part_of_operation: yesNo(r.partOfOperation),
      operation_name: r.operationName ?? '',
      gender: r.gender ?? '',
      age_range: r.ageRange ?? '',
      self_defined_ethnicity: r.selfDefinedEthnicity ?? '',
      officer_defined_ethnicity: r.officerDefinedEthnicity ?? '',
      subject_reference: n % 4 === 0 ? `SUBJ-${n % 50_000}` : '',
      bwv_activated_before_encounter: ['yes', 'no', ''][n % 3],
      bwv_clip_references: n % 3 === 0 ? `CLIP-${n}-A;CLIP-${n}-B` : '',
    };
    return STOP_SEARCH_TEMPLATE_COLUMNS.map((c) => value[c] ?? '');
  });
}

/** Peak resident set size while `fn` runs, sampled every 20 ms. */
/**
 * CPU seconds used so far by the PostgreSQL server's processes on this machine (backends, WAL writer, checkpointer),
 * from /proc; null where the server is not local or /proc is not readable. Processes that end while measuring are
 * missed, so this is a lower bound; on a quiet machine it is the import's side of the work.
 */
function postgresCpuSeconds(): number | null {
  let ticks = 0;
  let found = false;
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
        const fields = stat.slice(close + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime and stime (fields 14 and 15 of stat)
        found = true;
      } catch {
        // gone, or not ours to read
      }
    }
  } catch {
    return null;
  }
  return found ? ticks / 100 : null; // USER_HZ is 100 on Linux
}

interface Measure<T> {
  result: T;
  seconds: number;
  peakRssMb: number;
  /** CPU seconds of this process (parsing, mapping, placing, hashing) and of the local PostgreSQL server. */
  nodeCpu: number;
  postgresCpu: number | null;
}

async function measured<T>(fn: () => Promise<T>): Promise<Measure<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu = process.cpuUsage();
  const pgCpu = postgresCpuSeconds();
  const started = performance.now();
  try {
    const result = await fn();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const pgAfter = postgresCpuSeconds();
    return {
      result,
      seconds,
      peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1048576,
      nodeCpu: (used.user + used.system) / 1e6,
      postgresCpu: pgCpu === null || pgAfter === null ? null : pgAfter - pgCpu,
    };
  } finally {
    clearInterval(timer);
  }
}

const FLOOR_POLICE_UK = {
  table: `(search_type text, occurred_at timestamptz, part_of_operation boolean, operation text, latitude float8, longitude float8,
      gender text, age_range text, self_defined text, officer_defined text, legislation text, object text, outcome text, linked boolean, removal boolean)`,
  select: `c0, c1::timestamptz, nullif(c2,'')::boolean, c3, nullif(c4,'')::float8, nullif(c5,'')::float8,
        c6, c7, c8, c9, c10, c11, c12, nullif(c13,'')::boolean, nullif(c14,'')::boolean`,
  width: POLICE_UK_COLUMNS.length,
};

/**
 * Not the floor, but what the target stands on: the same COPY, then the rows into a table made like stop_searches with
 * all its indexes (the list indexes every screen needs; no triggers, no de-duplication, ids in time order as the
 * import makes them, every row placed in one local authority). An import cannot be cheaper than its own INSERT.
 */
const INDEXED_POLICE_UK = {
  table: `(LIKE stop_searches INCLUDING DEFAULTS INCLUDING INDEXES)`,
  columns: `(id, force_code, occurred_at, period, search_type, part_of_operation, operation_name, latitude, longitude, gender,
      age_range, self_defined_ethnicity, officer_defined_ethnicity, legislation, object_of_search, outcome,
      outcome_linked_to_object, clothing_removed, area_code, source, dedup_key, version)`,
  select: `('00000000-0000-7000-8000-' || lpad(to_hex(row_number() OVER ()), 12, '0'))::uuid, '${MET}', c1::timestamptz,
        date_trunc('month', c1::timestamptz AT TIME ZONE 'Europe/London')::date, c0, nullif(c2,'')::boolean, c3,
        nullif(c4,'')::float8, nullif(c5,'')::float8, c6, c7, c8, c9, c10, c11, c12, nullif(c13,'')::boolean,
        nullif(c14,'')::boolean, 'E09000033', 'police-uk', md5(random()::text)::uuid, 1`,
  width: POLICE_UK_COLUMNS.length,
};

/** The template's floor: every column typed as the records table types it (booleans from yes/no). */
const FLOOR_TEMPLATE = (() => {
  const types: Record<string, string> = {
    occurred_at: 'timestamptz',
    latitude: 'float8',
    longitude: 'float8',
    outcome_linked_to_object: 'boolean',
    clothing_removed: 'boolean',
    part_of_operation: 'boolean',
    bwv_activated_before_encounter: 'boolean',
  };
  const columns = STOP_SEARCH_TEMPLATE_COLUMNS;
  return {
    table: `(${columns.map((c) => `${c} ${types[c] ?? 'text'}`).join(', ')})`,
    select: columns
      .map((c, i) =>
        types[c] === 'boolean'
          ? `CASE c${i} WHEN 'yes' THEN true WHEN 'no' THEN false END`
          : types[c]
            ? `nullif(c${i},'')::${types[c]}`
            : `c${i}`,
      )
      .join(', '),
    width: columns.length,
  };
})();

type Floor = { table: string; select: string; width: number; columns?: string };

/** Floor on PostgreSQL: bare COPY into an unlogged text table, one INSERT … SELECT into a plain typed table. */
async function pgFloor(url: string, file: string, floor: Floor) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS floor_staging, floor_typed`);
    await client.query(
      `CREATE UNLOGGED TABLE floor_staging (${Array.from({ length: floor.width }, (_, i) => `c${i} text`).join(', ')})`,
    );
    await client.query(`CREATE TABLE floor_typed ${floor.table}`);
    return await measured(async () => {
      await pipeline(
        fs.createReadStream(file),
        client.query(copyFrom(`COPY floor_staging FROM STDIN WITH (FORMAT csv, HEADER true)`)),
      );
      await client.query(`INSERT INTO floor_typed ${floor.columns ?? ''} SELECT ${floor.select} FROM floor_staging`);
    });
  } finally {
    await client.query(`DROP TABLE IF EXISTS floor_staging, floor_typed`);
    await client.end();
  }
}

async function newImport(ds: DataSource, format: string, filename: string): Promise<string> {
  const importId = randomUUID();
  await ds.query(`INSERT INTO imports (id, format, force_code, filename, status) VALUES ($1, $2, $3, $4, 'running')`, [
    importId,
    format,
    MET,
    filename,
  ]);
  return importId;
}

/** The three files, from the Met's rows (dropped once written, so they do not count in the imports' RSS). */
function buildFiles(policeUkFile: string, templateFile: string, metFile: string): number {
  const { source, files } = metFiles();
  const seed = files.flatMap((f) =>
    (parse(fs.readFileSync(f, 'utf8'), { relax_column_count: true }) as string[][]).slice(1),
  );
  console.error(
    `building ${ROWS.toLocaleString('en-GB')} police.uk rows, ${TEMPLATE_ROWS.toLocaleString('en-GB')} template rows and the Met's ${seed.length.toLocaleString('en-GB')} rows from ${source} …`,
  );
  buildPoliceUk(policeUkFile, seed, ROWS);
  buildTemplate(templateFile, seed, TEMPLATE_ROWS);
  writeCsv(metFile, POLICE_UK_COLUMNS, seed.length, (i) => seed[i]);
  return seed.length;
}

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return ((await client.query('SHOW server_version')) as { rows: { server_version: string }[] }).rows[0]
      .server_version;
  } finally {
    await client.end();
  }
}

/** Migrated, without the slow-query log (every batch of an import would be printed). */
const quiet = <T extends object>(options: T): T => ({ ...options, logging: false, maxQueryExecutionTime: undefined });

async function main(databaseUrl: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-bench-'));
  const policeUkFile = path.join(dir, 'bench-stop-and-search.csv');
  const templateFile = path.join(dir, 'bench-stop-searches.csv');
  const metFile = path.join(dir, 'bench-met-months.csv');
  // Built by a child process, so that what building holds does not count in this process's RSS.
  const built = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], {
    env: { ...process.env, BENCH_BUILD: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error('building the files failed');
  const metRows = Number(built.stdout.trim().split('\n').pop());

  const url = new URL(databaseUrl);
  const table: {
    run: string;
    rows: number;
    seconds: number;
    peakRssMb: number;
    nodeCpu: number;
    postgresCpu: number | null;
    floorRate?: number;
  }[] = [];
  const results: Record<string, unknown> = {};
  try {
    const ds = await new DataSource(quiet(postgresOptions(url.toString(), 4, SCHEMA))).initialize();
    await migrate(ds, { lock: false, seeds: SCHEMA.seeds });
    let importId: string;
    if (ONLY.has('police-uk')) {
      const floor = await pgFloor(url.toString(), policeUkFile, FLOOR_POLICE_UK);
      table.push({ run: 'police.uk floor: COPY + INSERT … SELECT', rows: ROWS, ...floor });
      const indexed = await pgFloor(url.toString(), policeUkFile, INDEXED_POLICE_UK);
      table.push({
        run: "the same, into stop_searches' indexes (no import logic)",
        rows: ROWS,
        ...indexed,
        floorRate: ROWS / floor.seconds,
      });
      importId = await newImport(ds, 'police-uk', 'bench.csv');
      const full = await measured(() =>
        importPoliceUkCsv(ds, {
          importId,
          forceCode: MET,
          sourceMonth: null,
          engine: 'postgres',
          input: () => fs.createReadStream(policeUkFile),
        }),
      );
      results['police.uk'] = full.result;
      table.push({
        run: 'police.uk import (parse, validate, map, place, dedup, rollup)',
        rows: full.result.rowsRead,
        seconds: full.seconds,
        peakRssMb: full.peakRssMb,
        nodeCpu: full.nodeCpu,
        postgresCpu: full.postgresCpu,
        floorRate: ROWS / floor.seconds,
      });
    }

    if (ONLY.has('template')) {
      const templateFloor = await pgFloor(url.toString(), templateFile, FLOOR_TEMPLATE);
      table.push({ run: 'template floor: COPY + INSERT … SELECT', rows: TEMPLATE_ROWS, ...templateFloor });
      importId = await newImport(ds, 'stop-searches', 'bench-stop-searches.csv');
      const template = await measured(() =>
        importStopSearchesCsv(ds, {
          importId,
          forceCode: MET,
          engine: 'postgres',
          bwvRetentionDays: 31,
          input: () => fs.createReadStream(templateFile),
        }),
      );
      results['stop-searches'] = template.result;
      table.push({
        run: 'force template import (format=stop-searches)',
        rows: template.result.rowsRead,
        seconds: template.seconds,
        peakRssMb: template.peakRssMb,
        nodeCpu: template.nodeCpu,
        postgresCpu: template.postgresCpu,
        floorRate: TEMPLATE_ROWS / templateFloor.seconds,
      });
    }
    await ds.destroy();

    // Embedded: a fresh in-memory PGlite, its floor first (COPY from the file as a blob), then the import.
    if (ONLY.has('embedded')) {
      // Started as the application starts it (openEmbeddedEngine): 32 MB of shared buffers, not PGlite's 128 MB,
      // which its WebAssembly heap touches and keeps.
      const pglite = new PGlite({ startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
      await pglite.waitReady;
      const eds = await new DataSource(quiet(embeddedOptions(pglite, SCHEMA))).initialize();
      await migrate(eds, { lock: false, seeds: SCHEMA.seeds });
      await pglite.exec(
        `CREATE UNLOGGED TABLE floor_staging (${POLICE_UK_COLUMNS.map((_, i) => `c${i} text`).join(', ')});
       CREATE TABLE floor_typed ${FLOOR_POLICE_UK.table}`,
      );
      const embeddedFloor = await measured(async () => {
        await pglite.query(`COPY floor_staging FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], {
          blob: new Blob([fs.readFileSync(metFile)]),
        });
        await pglite.query(`INSERT INTO floor_typed SELECT ${FLOOR_POLICE_UK.select} FROM floor_staging`);
      });
      await pglite.exec(`DROP TABLE floor_staging, floor_typed`);
      table.push({ run: 'embedded floor (PGlite): COPY + INSERT … SELECT', rows: metRows, ...embeddedFloor });
      importId = await newImport(eds, 'police-uk', 'bench-met-months.csv');
      const embedded = await measured(() =>
        importPoliceUkCsv(eds, {
          importId,
          forceCode: MET,
          sourceMonth: null,
          engine: 'embedded',
          input: () => fs.createReadStream(metFile),
        }),
      );
      results.embedded = embedded.result;
      table.push({
        run: 'embedded import (PGlite), police.uk',
        rows: embedded.result.rowsRead,
        seconds: embedded.seconds,
        peakRssMb: embedded.peakRssMb,
        nodeCpu: embedded.nodeCpu,
        postgresCpu: embedded.postgresCpu,
        floorRate: metRows / embeddedFloor.seconds,
      });
      await eds.destroy();
      await pglite.close();
    }

    console.log(
      `\nPostgreSQL at ${url.host} (${await serverVersion(url.toString())}); node ${process.version}; ${os.cpus().length} cores; files: ${[policeUkFile, templateFile, metFile].map((f) => `${(fs.statSync(f).size / 1048576).toFixed(0)} MB`).join(', ')}`,
    );
    console.log('| run | rows | seconds | rows/s | of the floor | peak RSS (MB) | Node CPU s | PostgreSQL CPU s |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of table) {
      const rate = r.rows / r.seconds;
      console.log(
        `| ${r.run} | ${r.rows.toLocaleString('en-GB')} | ${r.seconds.toFixed(1)} | ${Math.round(rate).toLocaleString('en-GB')} | ${r.floorRate ? `${((rate / r.floorRate) * 100).toFixed(0)}%` : ''} | ${r.peakRssMb.toFixed(0)} | ${r.nodeCpu.toFixed(1)} | ${r.postgresCpu === null ? '–' : r.postgresCpu.toFixed(1)} |`,
      );
    }
    console.log(`\ncounts: ${JSON.stringify(results)}`);
    const main = table.find((r) => r.run.startsWith('police.uk import'));
    if (main)
      console.log(
        `police.uk import = ${((main.rows / main.seconds / main.floorRate!) * 100).toFixed(0)}% of the floor (target ≥ 50%); peak RSS ${main.peakRssMb.toFixed(0)} MB (target < 300 MB)`,
      );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_BUILD) {
  const dir = process.env.BENCH_BUILD;
  const files = ['bench-stop-and-search.csv', 'bench-stop-searches.csv', 'bench-met-months.csv'].map((f) =>
    path.join(dir, f),
  );
  console.log(buildFiles(files[0], files[1], files[2]));
} else runBench(() => withBenchDatabase('import', main));
