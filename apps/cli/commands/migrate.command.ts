import type { DataSource } from 'typeorm';
import {
  ensureAppRole,
  migrate,
  openDatabase,
  ownerDatabaseConfig,
  schemaDrift,
  separateAppRole,
} from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import type { CliCommand, CommandEnv } from '../command';

/** Opens the configured database as its owner, applies pending migrations, runs `fn`, and closes it. */
export async function withMigratedDatabase(
  env: CommandEnv,
  fn: (ds: DataSource, applied: string[]) => Promise<number>,
): Promise<number> {
  const db = await openDatabase(ownerDatabaseConfig(env.config.database), SCHEMA, { logger: env.logger });
  try {
    return await fn(db.dataSource, await migrate(db.dataSource, { lock: db.kind === 'postgres', seeds: SCHEMA.seeds }));
  } finally {
    await db.close();
  }
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'Apply pending database migrations (safe to run from several places at once)',
  run: (_args, env) =>
    withMigratedDatabase(env, async (_ds, applied) => {
      env.out(
        applied.length
          ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}`).join('\n')}`
          : 'Database is up to date.',
      );
      await prepareAppRole(env);
      return 0;
    }),
};

/**
 * With MIGRATION_DATABASE_URL set, DATABASE_URL's user is the application role: create it if missing (with that URL's
 * password) and grant it its privileges again, so tables a migration added are covered too.
 */
export async function prepareAppRole(env: CommandEnv): Promise<void> {
  const app = separateAppRole(env.config.database);
  if (!app) return;
  const outcome = await ensureAppRole(app.ownerUrl, app.role, { password: app.password });
  env.out(
    `${outcome.created ? 'Created the application role' : 'Application role'} ${app.role}: records read and written, audit events only inserted and read.`,
  );
}

export const schemaCheckCommand: CliCommand = {
  name: 'schema:check',
  usage: 'schema:check',
  summary: 'Fail if the entities and the migrations disagree (what migration:generate would write)',
  run: (_args, env) =>
    withMigratedDatabase(env, async (ds) => {
      const drift = await schemaDrift(ds);
      if (!drift.length) {
        env.out('No schema drift: the migrations build exactly what the entities describe.');
        return 0;
      }
      env.out(`Schema drift: a migration is missing. The entities need:\n${drift.map((q) => `  ${q};`).join('\n')}`);
      return 1;
    }),
};
