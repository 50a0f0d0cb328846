import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { embeddedOptions, migrate, postgresOptions } from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import { databaseUrlWithName, PGLITE_SNAPSHOT_ENV, TEMPLATE_DB_ENV, TEST_DB_PREFIX } from './test-env';

/**
 * Migrates once, then every test file clones the result: a PostgreSQL template database (CREATE DATABASE …
 * TEMPLATE, milliseconds) when DATABASE_URL is set, otherwise a PGlite data-directory snapshot.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `${TEST_DB_PREFIX}tpl_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${template}"`);
    } finally {
      await admin.end();
    }
    const ds = await new DataSource(postgresOptions(databaseUrlWithName(url, template), 2, SCHEMA)).initialize();
    try {
      await migrate(ds, { lock: true, seeds: SCHEMA.seeds });
    } finally {
      await ds.destroy();
    }
    process.env[TEMPLATE_DB_ENV] = template;
    return;
  }
  const pglite = new PGlite();
  const ds = await new DataSource(embeddedOptions(pglite, SCHEMA)).initialize();
  try {
    await migrate(ds, { lock: false, seeds: SCHEMA.seeds });
  } finally {
    await ds.destroy();
  }
  const snapshot = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-test-')), 'migrated.tar');
  fs.writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
  process.env[PGLITE_SNAPSHOT_ENV] = file;
}
