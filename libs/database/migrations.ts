import type { DataSource } from 'typeorm';

/** Fixed advisory-lock key so that two processes migrating at once take turns instead of colliding. */
const MIGRATION_LOCK_KEY = 'scrutiny:migrations';

/**
 * Applies pending migrations, then the schema's seeds (built-in reference data), and returns the migrations' names. On a server, holds an advisory lock for the duration
 * so replicas (or a deploy job and a developer) cannot run the same migration twice. The embedded engine
 * has one connection and one process, so it needs no lock (and taking one would hold its only connection).
 */
export async function migrate(
  dataSource: DataSource,
  options: { lock: boolean; seeds?: ((dataSource: DataSource) => Promise<void>)[] },
): Promise<string[]> {
  const run = async () => {
    const applied = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    for (const seed of options.seeds ?? []) await seed(dataSource);
    return applied;
  };
  if (!options.lock) return run();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK_KEY]);
    return await run();
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function pendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}

/**
 * The SQL TypeORM would generate to bring the database in line with the entities: what `migration:generate`
 * would write. Empty on a freshly migrated database, or the migrations and entities have drifted apart.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
