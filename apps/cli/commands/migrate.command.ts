import type { DataSource } from 'typeorm';
import { migrate, openDatabase, schemaDrift } from '@scrutiny/database';
import { SCHEMA } from '@scrutiny/schema';
import type { CliCommand, CommandEnv } from '../command';

/** Opens the configured database, applies pending migrations, runs `fn`, and closes it. */
async function withMigratedDatabase(
  env: CommandEnv,
  fn: (ds: DataSource, applied: string[]) => Promise<number>,
): Promise<number> {
  const db = await openDatabase(env.config.database, SCHEMA, { logger: env.logger });
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
      return 0;
    }),
};

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
