import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { UsersService } from '@scrutiny/auth';
import { randomBytes } from 'node:crypto';
import { ensureAppRole, separateAppRole } from '@scrutiny/database';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand, type CommandEnv } from '../command';
import { prepareAppRole, withMigratedDatabase } from './migrate.command';
import { readStdin } from './users.command';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** A value for a shell command line, quoted only when it needs to be. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** What `createdb` and psql need to reach the same server as DATABASE_URL, for the message when we cannot. */
function createdbCommand(url: URL, name: string): string {
  const flags = [
    url.hostname && `-h ${shellWord(decodeURIComponent(url.hostname))}`,
    url.port && `-p ${url.port}`,
    url.username && `-U ${shellWord(decodeURIComponent(url.username))}`,
  ].filter(Boolean);
  return ['createdb', ...flags, shellWord(name)].join(' ');
}

/**
 * Makes sure DATABASE_URL's database exists: creates it from the server's `postgres` maintenance database when it is
 * missing. Answers false (having said what to run) when it cannot.
 */
async function ensureDatabase(databaseUrl: string, env: CommandEnv): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new UsageError('DATABASE_URL names no database (postgres://user@host:5432/<database>)');
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    env.out(`Database ${name} exists.`);
    return true;
  } catch (error) {
    // 3D000 invalid_catalog_name: the server answered, the database is not there. Anything else is not ours to fix.
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new Client({ connectionString: maintenance.toString() });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    env.out(`Created database ${name}.`);
    return true;
  } catch (error) {
    // Someone else created it meanwhile (42P04 duplicate_database): just as good.
    if ((error as { code?: string }).code === '42P04') return true;
    const owner = decodeURIComponent(url.username) || 'the user of DATABASE_URL';
    env.out(
      [
        `Database ${name} does not exist, and it could not be created: ${(error as Error).message}`,
        'Ask someone who may create databases on that server to run:',
        `  ${createdbCommand(url, name)}${url.username ? ` -O ${shellWord(decodeURIComponent(url.username))}` : ''}`,
        'or, in psql:',
        `  CREATE DATABASE ${quoteIdent(name)}${url.username ? ` OWNER ${quoteIdent(owner)}` : ''};`,
        'then run setup again.',
      ].join('\n'),
    );
    return false;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

export const setupCommand: CliCommand = {
  name: 'setup',
  usage: 'setup [--username U] [--password P | --password-stdin] [--app-role NAME [--app-password P]]',
  summary:
    'Services mode, first run (and safe to repeat): create the database if missing, migrate, create the restricted application role (--app-role, or the user of DATABASE_URL when MIGRATION_DATABASE_URL is set), create the first admin',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        username: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'app-role': { type: 'string' },
        'app-password': { type: 'string' },
      },
    });
    if (env.config.database.kind !== 'postgres') {
      throw new UsageError(
        'setup is for services mode (DATABASE_URL set). Embedded mode needs no setup: `npm start` creates and migrates its database in DATA_DIR, with demo users.',
      );
    }
    const separate = separateAppRole(env.config.database);
    const appRole = values['app-role'];
    if (appRole && separate && appRole !== separate.role) {
      throw new UsageError(
        `--app-role ${appRole} differs from the user of DATABASE_URL (${separate.role}), which is the application role when MIGRATION_DATABASE_URL is set`,
      );
    }
    if (values['app-password'] && !appRole) throw new UsageError('--app-password goes with --app-role');
    const ownerUrl = env.config.database.migrationUrl ?? env.config.database.url;
    if (!(await ensureDatabase(ownerUrl, env))) return 1;
    await withMigratedDatabase(env, async (_ds, applied) => {
      env.out(applied.length ? `Applied ${applied.length} migration(s).` : 'Database is up to date.');
      return 0;
    });
    if (separate) await prepareAppRole(env);
    else if (appRole) await createAppRole(ownerUrl, appRole, values['app-password'], env);
    else {
      env.out(
        `The application connects as the database owner (${decodeURIComponent(new URL(ownerUrl).username) || 'your user'}), which could rewrite the audit trail. For production, run setup again with --app-role scrutiny_app and use the URL it prints.`,
      );
    }
    const username = values.username ?? 'admin';
    const password = values['password-stdin'] ? await readStdin() : values.password;
    return withCliContext(env.config, env.logger, async (app) => {
      const [existing] = (await app
        .get(DataSource)
        .query(
          `SELECT username FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL ORDER BY created_at LIMIT 1`,
        )) as { username: string }[];
      const { host, port } = env.config.http;
      const base = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
      if (existing) {
        env.out(`An admin exists (${existing.username}): no user created.`);
        env.out(`Sign in at ${base}/api/v1/auth/login (API documentation: ${base}/docs).`);
        return 0;
      }
      const { user, generatedPassword } = await app
        .get(UsersService)
        .create(
          { username, displayName: 'Administrator', roles: ['admin'], password: password || undefined },
          SYSTEM_ACTOR,
        );
      env.out(`Created the first admin: ${user.username}.`);
      if (generatedPassword) env.out(`Password (shown once, keep it safe): ${generatedPassword}`);
      const body = JSON.stringify({ username: user.username, password: generatedPassword ?? '<your password>' });
      env.out(
        [
          `Start the API (npm start, or the api and worker containers), then sign in at ${base}/api/v1/auth/login:`,
          `  curl -X POST ${base}/api/v1/auth/login -H 'content-type: application/json' -d ${shellWord(body)}`,
          `It answers an accessToken: send it as "Authorization: Bearer <accessToken>". API documentation: ${base}/docs`,
        ].join('\n'),
      );
      return 0;
    });
  },
};

/** Single-URL setup asked for the application role: create it, and say which URL each side now uses. */
async function createAppRole(ownerUrl: string, role: string, password: string | undefined, env: CommandEnv) {
  let outcome;
  try {
    outcome = await ensureAppRole(ownerUrl, role, {
      password,
      generatePassword: () => randomBytes(24).toString('base64url'),
    });
  } catch (error) {
    if (error instanceof Error && /must|superuser/.test(error.message)) throw new UsageError(error.message);
    throw error;
  }
  const app = new URL(ownerUrl);
  app.username = encodeURIComponent(role);
  app.password = encodeURIComponent(password ?? outcome.generatedPassword ?? 'PASSWORD');
  const owner = new URL(ownerUrl);
  if (owner.password) owner.password = 'OWNER_PASSWORD';
  env.out(
    [
      `${outcome.created ? 'Created the application role' : 'Application role'} ${role}: records read and written, audit events only inserted and read (no UPDATE, DELETE or TRUNCATE).`,
      outcome.created || password ? '' : `  (its password was left as it was: put it in place of PASSWORD below)`,
      'Run the API and the worker as that role, and migrate/setup as the owner:',
      `  DATABASE_URL=${app.toString()}`,
      `  MIGRATION_DATABASE_URL=${owner.toString()}`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
}
