import { Client } from 'pg';
import type { DatabaseConfig } from '@scrutiny/core';

/** The configuration migrations and setup connect with: the owner's URL when a separate one is given. */
export function ownerDatabaseConfig(config: DatabaseConfig): DatabaseConfig {
  return config.kind === 'postgres' && config.migrationUrl ? { ...config, url: config.migrationUrl } : config;
}

export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

/**
 * The application role DATABASE_URL names, when migrations run as someone else (MIGRATION_DATABASE_URL); null in
 * single-URL mode, where the application is the owner.
 */
export function separateAppRole(config: DatabaseConfig): { role: string; password?: string; ownerUrl: string } | null {
  if (config.kind !== 'postgres' || !config.migrationUrl) return null;
  const app = new URL(config.url);
  const role = decodeURIComponent(app.username);
  if (!role || role === roleOfUrl(config.migrationUrl)) return null;
  return { role, password: app.password ? decodeURIComponent(app.password) : undefined, ownerUrl: config.migrationUrl };
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertRoleName(name: string): void {
  if (!ROLE_NAME.test(name)) {
    throw new Error(`role name "${name}" must be lower-case letters, digits and _ (not starting with a digit)`);
  }
}

/**
 * What the application role may do: read and write the records, but on audit_events only SELECT and INSERT (sealing
 * goes through the owner's SECURITY DEFINER function), and only read schema_migrations. Default privileges cover
 * tables later migrations create as the owner; `grantAppRole` runs again after each migrate regardless.
 */
function grantStatements(role: string, database: string, escapeIdentifier: (s: string) => string): string[] {
  const r = escapeIdentifier(role);
  return [
    `GRANT CONNECT, TEMPORARY ON DATABASE ${escapeIdentifier(database)} TO ${r}`,
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`,
    // Revoking the table privilege revokes it on every column too.
    `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM ${r}`,
    `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ${r}`,
  ];
}

export interface AppRoleOutcome {
  role: string;
  created: boolean;
  /** Set when this call chose the password (a new role and none given). */
  generatedPassword?: string;
}

/**
 * Creates the application role if missing (LOGIN, no other attributes) and grants it exactly what the application
 * needs in the owner URL's database. `password`: set on a new role, and on an existing one when given.
 */
export async function ensureAppRole(
  ownerUrl: string,
  role: string,
  options: { password?: string; generatePassword?: () => string } = {},
): Promise<AppRoleOutcome> {
  const { password } = options;
  assertRoleName(role);
  const database = decodeURIComponent(new URL(ownerUrl).pathname.replace(/^\//, ''));
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    if (role === (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0].u) {
      throw new Error(`the application role must not be the owner (${role}) the migrations run as`);
    }
    const [existing] = (
      await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [role])
    ).rows;
    if (existing?.rolsuper)
      throw new Error(`the application role ${role} is a superuser, which bypasses every privilege`);
    const exists = !!existing;
    const r = client.escapeIdentifier(role);
    const outcome: AppRoleOutcome = { role, created: !exists };
    if (!exists) {
      const chosen = password ?? options.generatePassword?.();
      if (!password && chosen) outcome.generatedPassword = chosen;
      // Without a password the role signs in however pg_hba.conf allows (peer, certificate).
      await client.query(
        `CREATE ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION${chosen ? ` PASSWORD ${client.escapeLiteral(chosen)}` : ''}`,
      );
    } else if (password) {
      await client.query(`ALTER ROLE ${r} PASSWORD ${client.escapeLiteral(password)}`);
    }
    await grantAppRole(client, role, database);
    return outcome;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function grantAppRole(client: Client, role: string, database: string): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const sql of grantStatements(role, database, (s) => client.escapeIdentifier(s))) await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The statements, for someone with the rights to run them by hand. */
export function appRoleSql(role: string, database: string): string[] {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [`CREATE ROLE ${quote(role)} LOGIN PASSWORD '…'`, ...grantStatements(role, database, quote)];
}
