import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { PGLITE_SNAPSHOT_ENV, TEMPLATE_DB_ENV } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_DB_ENV];
  if (template && process.env.DATABASE_URL) {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  const snapshot = process.env[PGLITE_SNAPSHOT_ENV];
  if (snapshot) fs.rmSync(path.dirname(snapshot), { recursive: true, force: true });
}
