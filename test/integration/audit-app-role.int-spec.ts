import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { createLogger } from '@scrutiny/core';
import { createApiApp } from '../../apps/api/create-api-app';
import { migrateCommand } from '../../apps/cli/commands/migrate.command';
import { setupCommand } from '../../apps/cli/commands/setup.command';
import { testConfig } from '../setup/test-app';
import { createTestDatabase, type TestDatabase } from '../setup/test-database';

const ADMIN_PASSWORD = 'a-long-admin-passphrase-for-tests';
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

/**
 * The application connects as a role that may only insert and read audit events; only the owner (migrations) may
 * do more, and even the owner's hand is caught by the signed checkpoints (audit-checkpoints.int-spec.ts).
 */
onPostgres('the restricted application role (services mode)', () => {
  const role = `scrutiny_test_app_${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let ownerUrl: string;
  let appUrl: string;
  let app: NestExpressApplication | undefined;
  const run = async (command: typeof setupCommand, args: string[], env: Record<string, string>) => {
    const lines: string[] = [];
    const code = await command.run(args, {
      config: testConfig(env),
      logger: createLogger('silent'),
      out: (l) => lines.push(l),
    });
    return { code, out: lines.join('\n') };
  };
  const asApp = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: appUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ownerUrl = (db.config as { url: string }).url;
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${role}"`).finally(() => admin.end());
  });

  it('setup --app-role creates the role, grants it, and prints the URL the application should use', async () => {
    const setup = await run(setupCommand, ['--app-role', role, '--username', 'chief', '--password', ADMIN_PASSWORD], {
      DATABASE_URL: ownerUrl,
    });
    expect(setup.code).toBe(0);
    expect(setup.out).toContain(`Created the application role ${role}`);
    const printed = /^ {2}DATABASE_URL=(\S+)$/m.exec(setup.out)?.[1];
    expect(printed).toBeDefined();
    appUrl = printed!;
    expect(decodeURIComponent(new URL(appUrl).username)).toBe(role);
    expect(setup.out).toMatch(/^ {2}MIGRATION_DATABASE_URL=postgres/m);
  });

  it('as that role, UPDATE, DELETE and TRUNCATE of audit events are refused by privilege, as is switching triggers off', async () => {
    await asApp(async (c) => {
      for (const sql of [
        `UPDATE audit_events SET action = 'x' WHERE seq = (SELECT min(seq) FROM audit_events)`,
        `UPDATE audit_events SET hash = repeat('0', 64) WHERE seq = (SELECT min(seq) FROM audit_events)`,
        `DELETE FROM audit_events`,
        `TRUNCATE audit_events`,
      ]) {
        await expect(c.query(sql)).rejects.toThrow(/permission denied for table audit_events/);
      }
      await expect(c.query(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`ALTER TABLE audit_events DISABLE TRIGGER ALL`)).rejects.toThrow(/must be (the )?owner/);
      await expect(c.query(`DELETE FROM schema_migrations`)).rejects.toThrow(/permission denied/);
    });
  });

  it('the application works as that role: signs in, writes and reads the audit trail', async () => {
    const config = testConfig({ DATABASE_URL: appUrl });
    app = await createApiApp(config, createLogger('silent'));
    await app.init();
    const http = () => request(app!.getHttpServer());
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ username: 'chief', password: ADMIN_PASSWORD })
      .expect(200);
    const page = await http()
      .get('/api/v1/audit?action=auth.login&limit=5')
      .set('authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    await http().get('/api/v1/audit/verify').set('authorization', `Bearer ${login.body.accessToken}`).expect(200);
    const [{ who }] = await asApp(async (c) => (await c.query(`SELECT current_user AS who`)).rows);
    expect(who).toBe(role);
  });

  it('migrate with the two URLs runs as the owner and grants the application role again (tables it adds included)', async () => {
    const migrated = await run(migrateCommand, [], { DATABASE_URL: appUrl, MIGRATION_DATABASE_URL: ownerUrl });
    expect(migrated.code).toBe(0);
    expect(migrated.out).toContain(`Application role ${role}: records read and written, audit events only inserted`);
    const [{ insert, update }] = await asApp(
      async (c) =>
        (
          await c.query(
            `SELECT has_table_privilege('audit_events', 'INSERT') AS insert, has_table_privilege('audit_events', 'UPDATE') AS update`,
          )
        ).rows,
    );
    expect({ insert, update }).toEqual({ insert: true, update: false });
  });
});
