import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import {
  lockDataDir,
  migrate,
  openDatabase,
  pendingMigrations,
  postgresOptions,
  schemaDrift,
} from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import { createTestDatabase, useTestDatabase, type TestDatabase } from '../setup/test-database';
import { PGlite } from '@electric-sql/pglite';
import { createLogger } from '@scrutiny/core';
import { createApiApp } from '../../apps/api/create-api-app';
import { testConfig } from '../setup/test-app';

describe('database schema', () => {
  const test = useTestDatabase();
  let ds: DataSource;
  let db: TestDatabase;
  beforeAll(() => {
    ds = test.ds();
    db = test.db();
  });

  it('has no drift: a freshly migrated database is exactly what the entities describe', async () => {
    expect(await schemaDrift(ds)).toEqual([]);
  });

  it('has no pending migrations, and migrating again applies nothing', async () => {
    expect(await pendingMigrations(ds)).toBe(false);
    expect(await migrate(ds, { lock: db.kind === 'postgres' })).toEqual([]);
  });

  it('would notice drift: a column the entities need but the database lacks', async () => {
    await ds.query('ALTER TABLE job_failures DROP COLUMN retried_as_job_id');
    try {
      expect((await schemaDrift(ds)).join('\n')).toContain('retried_as_job_id');
    } finally {
      await ds.query('ALTER TABLE job_failures ADD COLUMN retried_as_job_id text');
    }
    expect(await schemaDrift(ds)).toEqual([]);
  });
});

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('migrations on a server', () => {
  it('run once when several processes migrate the same empty database at the same time', async () => {
    const db = await createTestDatabase();
    const url = (db.config as { url: string }).url;
    const setup = await db.connect();
    // Start from nothing: drop what the template gave us.
    await setup.query('DROP SCHEMA public CASCADE');
    await setup.query('CREATE SCHEMA public');
    const sources = await Promise.all(
      [1, 2, 3].map(() => new DataSource(postgresOptions(url, 2, SCHEMA)).initialize()),
    );
    try {
      const applied = await Promise.all(sources.map((s) => migrate(s, { lock: true, seeds: SCHEMA.seeds })));
      expect(applied.flat()).toHaveLength(SCHEMA.migrations.length as number);
      expect(await schemaDrift(sources[0])).toEqual([]);
      const [{ n }] = await sources[0].query(`SELECT count(*)::int AS n FROM census_populations WHERE category = 'W1'`);
      expect(n).toBe(331 + 348); // seeded once: every authority of Census 2021 and of Census 2011, no duplicates
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
      await db.drop();
    }
  });
});

describe('embedded database on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-data-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates DATA_DIR, migrates on open, and keeps the data across a restart', async () => {
    const dataDir = path.join(dir, 'nested', 'data');
    const first = await openDatabase({ kind: 'embedded', dataDir }, SCHEMA);
    await migrate(first.dataSource, { lock: false });
    await first.dataSource.query(
      `INSERT INTO maintenance_heartbeats (job_id, processed_by, enqueued_at) VALUES ('kept-across-restart', 'test', now())`,
    );
    await first.close();

    const second = await openDatabase({ kind: 'embedded', dataDir }, SCHEMA);
    try {
      expect(await pendingMigrations(second.dataSource)).toBe(false);
      const rows = await second.dataSource.query(`SELECT job_id FROM maintenance_heartbeats`);
      expect(rows).toEqual([{ job_id: 'kept-across-restart' }]);
    } finally {
      await second.close();
    }
    // A full migration of a fresh PGlite directory on disk (with the built-in reference data) takes several seconds
    // alone and much longer when the machine is busy: the default 30 s left no margin.
  }, 120_000);

  it('refuses a second process on the same directory, and takes over a stale lock', () => {
    const release = lockDataDir(dir);
    fs.writeFileSync(path.join(dir, 'scrutiny.pid'), String(process.ppid)); // a live process that is not us
    expect(() => lockDataDir(dir)).toThrow(/in use by process/);
    fs.writeFileSync(path.join(dir, 'scrutiny.pid'), '2147483646'); // no such process
    const again = lockDataDir(dir);
    again();
    release();
    expect(fs.existsSync(path.join(dir, 'scrutiny.pid'))).toBe(false);
  });
});

describe('API start in embedded mode', () => {
  it('applies pending migrations itself on an empty database', async () => {
    const pglite = new PGlite();
    const config = { ...testConfig(), database: { kind: 'embedded' as const, dataDir: 'memory://' } };
    const app = await createApiApp(config, createLogger('silent'), { pglite });
    try {
      await app.init();
      expect(await pendingMigrations(app.get(DataSource))).toBe(false);
      expect(await schemaDrift(app.get(DataSource))).toEqual([]);
    } finally {
      await app.close();
      await pglite.close();
    }
    // A whole migration with the built-in reference data on PGlite: seconds alone, far longer on a busy machine.
  }, 120_000);
});
