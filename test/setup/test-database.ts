import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@scrutiny/core';
import { embeddedOptions, postgresOptions } from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import { databaseUrlWithName, PGLITE_SNAPSHOT_ENV, TEMPLATE_DB_ENV, TEST_DB_PREFIX } from './test-env';

/** A migrated database of this test file's own, cloned from the one the global setup prepared. */
export interface TestDatabase {
  config: DatabaseConfig;
  /** Set in embedded mode: the engine to hand to the app (the test owns and closes it). */
  pglite?: PGlite;
  kind: 'postgres' | 'embedded';
  /** A DataSource on the same database, for arranging rows and checking results. */
  connect(): Promise<DataSource>;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  const template = process.env[TEMPLATE_DB_ENV];
  if (url && template) {
    const name = `${TEST_DB_PREFIX}${randomBytes(6).toString('hex')}`;
    await cloneWithRetry(name, template);
    const dbUrl = databaseUrlWithName(url, name);
    const opened: DataSource[] = [];
    return {
      kind: 'postgres',
      config: { kind: 'postgres', url: dbUrl, poolSize: 5 },
      connect: async () => {
        const ds = await new DataSource(postgresOptions(dbUrl, 3, SCHEMA)).initialize();
        opened.push(ds);
        return ds;
      },
      drop: async () => {
        await Promise.all(opened.filter((d) => d.isInitialized).map((d) => d.destroy()));
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const snapshotFile = process.env[PGLITE_SNAPSHOT_ENV];
  if (!snapshotFile) throw new Error('The test global setup did not run (no template database or snapshot)');
  const pglite = new PGlite({ loadDataDir: new Blob([fs.readFileSync(snapshotFile)]) });
  await pglite.waitReady;
  let shared: DataSource | undefined;
  return {
    kind: 'embedded',
    pglite,
    config: { kind: 'embedded', dataDir: 'memory://' },
    // PGlite has one connection: a second DataSource on it would interleave transactions, so share one.
    connect: async () => (shared ??= await new DataSource(embeddedOptions(pglite, SCHEMA)).initialize()),
    drop: async () => {
      if (shared?.isInitialized) await shared.destroy();
      await pglite.close();
    },
  };
}

/** CREATE DATABASE … TEMPLATE fails if another session is copying the template at that instant; retry. */
async function cloneWithRetry(name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      if (attempt >= 10 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** A test database of this file's own for the `describe` it is called in, opened before and dropped after. */
export function useTestDatabase(): { db: () => TestDatabase; ds: () => DataSource } {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await db.connect();
  });
  afterAll(() => db.drop());
  return { db: () => db, ds: () => ds };
}
