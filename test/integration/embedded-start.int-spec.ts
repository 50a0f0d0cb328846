import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import {
  EMBEDDED_ARCHIVE_FILE,
  EMBEDDED_MANIFEST_FILE,
  embeddedOptions,
  findEmbeddedArchive,
  migrate,
  migrationNames,
  openEmbeddedEngine,
  pendingMigrations,
  pgliteVersion,
} from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import { PGLITE_SNAPSHOT_ENV } from '../setup/test-env';

/** What `npm run build` ships (scripts/build-embedded-archive.mjs): a migrated, reference-seeded data directory. */
async function buildArchive(dir: string): Promise<void> {
  const snapshot = process.env[PGLITE_SNAPSHOT_ENV]; // the global setup's migrated database, in embedded mode
  let tar: Buffer;
  if (snapshot) tar = fs.readFileSync(snapshot);
  else {
    const pglite = new PGlite();
    const ds = await new DataSource(embeddedOptions(pglite, SCHEMA)).initialize();
    await migrate(ds, { lock: false, seeds: SCHEMA.seeds });
    await ds.destroy();
    tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    await pglite.close();
  }
  fs.writeFileSync(path.join(dir, EMBEDDED_ARCHIVE_FILE), gzipSync(tar));
  const manifest = { pglite: pgliteVersion(), migrations: migrationNames(SCHEMA) };
  fs.writeFileSync(path.join(dir, EMBEDDED_MANIFEST_FILE), JSON.stringify(manifest));
}

describe('first start of the embedded database', () => {
  let dir: string;
  let archiveDir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-first-start-'));
    archiveDir = path.join(dir, 'embedded');
    fs.mkdirSync(archiveDir);
    await buildArchive(archiveDir);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function open(dataDir: string) {
    const engine = await openEmbeddedEngine(dataDir, { archive: findEmbeddedArchive(SCHEMA, archiveDir) });
    const ds = await new DataSource(embeddedOptions(engine.pglite, SCHEMA)).initialize();
    return {
      ds,
      close: async () => {
        await ds.destroy();
        await engine.pglite.close();
        engine.release();
      },
    };
  }

  it("copies the build's archive into a new DATA_DIR: migrated and holding the reference data before any migration runs", async () => {
    const dataDir = path.join(dir, 'data');
    const first = await open(dataDir);
    try {
      expect(await pendingMigrations(first.ds)).toBe(false);
      const [{ n }] = await first.ds.query(`SELECT count(*)::int AS n FROM census_populations WHERE category = 'W1'`);
      expect(n).toBe(331 + 348);
      expect(await first.ds.query(`SELECT username FROM users`)).toEqual([]);
      expect(await migrate(first.ds, { lock: false, seeds: SCHEMA.seeds })).toEqual([]);
      await first.ds.query(
        `INSERT INTO maintenance_heartbeats (job_id, processed_by, enqueued_at) VALUES ('kept-across-restart', 'test', now())`,
      );
    } finally {
      await first.close();
    }
    // A restart opens the directory as it is: the archive is only for a directory holding no database.
    const second = await open(dataDir);
    try {
      expect(await second.ds.query(`SELECT job_id FROM maintenance_heartbeats`)).toEqual([
        { job_id: 'kept-across-restart' },
      ]);
    } finally {
      await second.close();
    }
  }, 120_000);
});
