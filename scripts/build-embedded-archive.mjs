#!/usr/bin/env node
// Part of `npm run build`, after swc: makes dist/embedded/pgdata.tar.gz, a PGlite data directory already migrated and
// holding the built-in reference data, which the API copies into a new DATA_DIR instead of running initdb, the
// migrations and the reference seeds at its first start (seconds, and hundreds of MB that PGlite never gives back).
//
// Making it costs those seconds once, so the result is cached under node_modules/.cache keyed by what it is made
// from: the PGlite version and the compiled migrations and reference-data code. A rebuild after any other change
// copies the cached archive. Demo data is not in it: it depends on DEMO_* settings and on the day it is installed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(path.join(dist, 'noop.js'));

// The compiled code the archive's contents come from. Other code only changes how the data is read, not what it is.
const INPUTS = [
  'migrations',
  'libs/schema',
  'libs/database/migrations.js',
  'libs/records/areas',
  'libs/records/census',
  'libs/records/reference',
  'libs/records/published',
];

function filesUnder(p) {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p)
    .sort()
    .flatMap((name) => filesUnder(path.join(p, name)));
}

const started = Date.now();
require('reflect-metadata');
const database = require('./libs/database');
const key = createHash('sha256');
key.update(`pglite ${database.pgliteVersion()}\n`);
for (const file of INPUTS.flatMap((p) => filesUnder(path.join(dist, p))).filter((f) => !f.endsWith('.map'))) {
  key.update(`${path.relative(dist, file)}\n`).update(fs.readFileSync(file));
}
const digest = key.digest('hex').slice(0, 24);

const cacheDir = path.join(root, 'node_modules', '.cache', 'scrutiny-embedded');
const cached = path.join(cacheDir, digest);
const out = database.EMBEDDED_ARCHIVE_DIR; // dist/embedded

// --no-cache: made from scratch and not cached (what a first build on a new machine costs; bench/start.bench.ts).
const useCache = !process.argv.includes('--no-cache');
const scratch = useCache ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-embedded-'));
const source = scratch ? path.join(scratch, 'archive') : cached;

async function makeArchive(dir) {
  const { PGlite } = require('@electric-sql/pglite');
  const { DataSource } = require('typeorm');
  const { SCHEMA } = require('./libs/schema');
  // In memory (no disk writes until the dump), keeping the write-ahead log to its two-segment minimum.
  const pglite = new PGlite({
    startParams: [...PGlite.defaultStartParams, '-c', 'min_wal_size=32MB', '-c', 'max_wal_size=32MB'],
  });
  const options = { ...database.embeddedOptions(pglite, SCHEMA), logging: false, maxQueryExecutionTime: undefined };
  const dataSource = await new DataSource(options).initialize();
  try {
    await database.migrate(dataSource, { lock: false, seeds: SCHEMA.seeds });
  } finally {
    await dataSource.destroy();
  }
  await pglite.query('CHECKPOINT');
  const tarball = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
  await pglite.close();
  const manifest = { pglite: database.pgliteVersion(), migrations: database.migrationNames(SCHEMA) };
  // Written under a name of this process's, then renamed, so that an interrupted build never leaves a manifest without
  // its archive, and two builds at once (one checkout, several terminals) do not write into each other's files.
  const partial = `${dir}.${process.pid}.partial`;
  fs.mkdirSync(partial, { recursive: true });
  fs.writeFileSync(path.join(partial, database.EMBEDDED_ARCHIVE_FILE), tarball);
  fs.writeFileSync(path.join(partial, database.EMBEDDED_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    fs.renameSync(partial, dir);
  } catch (error) {
    if (!fs.existsSync(path.join(dir, database.EMBEDDED_MANIFEST_FILE))) throw error;
    fs.rmSync(partial, { recursive: true, force: true }); // another build made the same archive first
  }
  console.log(
    `embedded database archive made in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${(tarball.length / 1e6).toFixed(1)} MB, ${manifest.migrations.length} migrations)`,
  );
}

if (!fs.existsSync(path.join(source, database.EMBEDDED_MANIFEST_FILE))) {
  fs.mkdirSync(path.dirname(source), { recursive: true });
  await makeArchive(source);
  // Entries of earlier builds: keep the last few (switching branches), not every one ever made.
  if (useCache) {
    const entries = fs
      .readdirSync(cacheDir)
      .filter((name) => !name.endsWith('.partial'))
      .map((name) => ({ name, time: fs.statSync(path.join(cacheDir, name)).mtimeMs }))
      .sort((a, b) => b.time - a.time);
    for (const { name } of entries.slice(3)) fs.rmSync(path.join(cacheDir, name), { recursive: true, force: true });
  }
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
for (const name of [database.EMBEDDED_ARCHIVE_FILE, database.EMBEDDED_MANIFEST_FILE]) {
  fs.copyFileSync(path.join(source, name), path.join(out, name));
}
if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
