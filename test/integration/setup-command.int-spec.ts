import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createLogger } from '@scrutiny/core';
import { verifyPassword } from '@scrutiny/auth';
import { setupCommand } from '../../apps/cli/commands/setup.command';
import { UsageError } from '../../apps/cli/command';
import { testConfig } from '../setup/test-app';
import { databaseUrlWithName, TEST_DB_PREFIX } from '../setup/test-env';

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

async function serverQuery<T>(sql: string, params: unknown[] = [], url = process.env.DATABASE_URL!): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** `npm run cli -- setup`, run in-process against a database that does not exist yet. */
onPostgres('setup command (services mode, first run)', () => {
  const name = `${TEST_DB_PREFIX}setup_${randomBytes(4).toString('hex')}`;
  // describe.skip still runs this body: without DATABASE_URL there is no server to name a database on.
  const url = process.env.DATABASE_URL ? databaseUrlWithName(process.env.DATABASE_URL, name) : '';
  const run = async (args: string[], env: Record<string, string> = { DATABASE_URL: url }) => {
    const lines: string[] = [];
    const config = testConfig(env);
    const code = await setupCommand.run(args, { config, logger: createLogger('silent'), out: (l) => lines.push(l) });
    return { code, out: lines.join('\n') };
  };

  afterAll(async () => {
    await serverQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('creates the missing database, migrates it with its seeds, and creates the first admin who can sign in', async () => {
    expect(await serverQuery(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).toEqual([]);
    const first = await run(['--username', 'chief']);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`Created database ${name}.`);
    expect(first.out).toMatch(/Applied \d+ migration\(s\)\./);
    expect(first.out).toContain('Created the first admin: chief.');
    const password = /Password \(shown once, keep it safe\): (\S+)/.exec(first.out)?.[1];
    expect(password).toBeDefined();
    expect(first.out).toContain(`curl -X POST http://127.0.0.1:3000/api/v1/auth/login`);
    expect(first.out).toContain(password);

    const [admin] = await serverQuery<{ roles: string[]; password_hash: string }>(
      `SELECT roles, password_hash FROM users WHERE username = 'chief'`,
      [],
      url,
    );
    expect(admin.roles).toEqual(['admin']);
    expect(await verifyPassword(admin.password_hash, password!)).toBe(true);
    const [{ n }] = await serverQuery<{ n: number }>(`SELECT count(*)::int AS n FROM census_populations`, [], url);
    expect(n).toBeGreaterThan(0);
    const [{ audited }] = await serverQuery<{ audited: number }>(
      `SELECT count(*)::int AS audited FROM audit_events WHERE action = 'user.created'`,
      [],
      url,
    );
    expect(audited).toBe(1);
  });

  it('a second run changes nothing: the database is up to date and an admin exists', async () => {
    const again = await run([]);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`Database ${name} exists.`);
    expect(again.out).toContain('Database is up to date.');
    expect(again.out).toContain('An admin exists (chief): no user created.');
    const users = await serverQuery<{ username: string }>(`SELECT username FROM users`, [], url);
    expect(users.map((u) => u.username)).toEqual(['chief']);
  });

  it('refuses in embedded mode, which needs no setup', async () => {
    await expect(run([], {})).rejects.toThrow(UsageError);
    await expect(run([], {})).rejects.toThrow(/Embedded mode needs no setup/);
  });
});
