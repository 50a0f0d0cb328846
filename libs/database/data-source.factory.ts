import * as fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { DatabaseConfig, Logger } from '@scrutiny/core';
import { PinoTypeOrmLogger } from './typeorm-logger';
import { lockDataDir } from './data-dir-lock';
import { extractArchive, findEmbeddedArchive, holdsDatabase, type EmbeddedArchive } from './embedded-archive';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface SchemaDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  /** Built-in reference data, loaded after migrating; each must be idempotent. */
  seeds?: ((dataSource: DataSource) => Promise<void>)[];
}

/** A DataSource plus whatever must be closed after it (the embedded engine, when we own one). */
export interface OpenedDatabase {
  dataSource: DataSource;
  kind: DatabaseConfig['kind'];
  close(): Promise<void>;
}

function baseOptions(schema: SchemaDefinition, logger?: Logger) {
  return {
    type: 'postgres' as const,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each' as const,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no uuid-ossp/pgcrypto to install.
    installExtensions: false,
    // Slow queries go to the structured log without their parameters (they can hold personal data). TypeORM's own
    // console logger prints the parameters of a slow query whatever `logging` says, so without a logger none is timed.
    ...(logger
      ? { logger: new PinoTypeOrmLogger(logger), logging: true as const, maxQueryExecutionTime: 1000 }
      : { logging: ['error' as const] }),
    applicationName: 'scrutiny',
  };
}

/** What bounds a pool's waits: for a connection (pg-pool's queue), and for each statement (0 or absent: none). */
export interface PoolLimits {
  acquireTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export function postgresOptions(
  url: string,
  poolSize: number,
  schema: SchemaDefinition,
  logger?: Logger,
  limits: PoolLimits = {},
): DataSourceOptions {
  return {
    ...baseOptions(schema, logger),
    url,
    poolSize,
    extra: {
      max: poolSize,
      // Also how long a query waits in the queue of a full pool: past it, "timeout exceeded when trying to connect".
      connectionTimeoutMillis: limits.acquireTimeoutMs ?? 10_000,
      // Sent at connect (a session setting), so every statement of the pool is bounded, transactions included.
      ...(limits.statementTimeoutMs ? { statement_timeout: limits.statementTimeoutMs } : {}),
    },
  };
}

/**
 * PGlite runs PostgreSQL in WebAssembly inside this process, so it serves exactly one connection: the pool is
 * fixed at one client and never recycles it.
 */
export function embeddedOptions(pglite: PGlite, schema: SchemaDefinition, logger?: Logger): DataSourceOptions {
  return {
    ...baseOptions(schema, logger),
    poolSize: 1,
    extra: { ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 },
  };
}

/**
 * PostgreSQL's default 128 MB of shared buffers is memory PGlite's WebAssembly heap touches at start and never
 * returns; the embedded database is small, and the OS page cache still holds its files.
 */
export const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * Opens (creating if need be) the PGlite database in `dataDir`. A new directory is filled from the build's
 * pre-migrated archive when `archive` is usable: PGlite's initdb takes seconds and leaves its memory behind.
 */
export async function openEmbeddedEngine(
  dataDir: string,
  options: { archive?: EmbeddedArchive; logger?: Logger } = {},
): Promise<{ pglite: PGlite; release: () => void }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const { archive, logger } = options;
    if (archive && !holdsDatabase(dataDir)) {
      if ('file' in archive) {
        extractArchive(archive.file, dataDir);
        logger?.info({ dataDir }, "new embedded database: copied from the build's migrated archive");
      } else logger?.info({ dataDir, reason: archive.unusable }, 'new embedded database: initialising it (slower)');
    }
    const pglite = new PGlite(dataDir, { startParams: EMBEDDED_START_PARAMS });
    await pglite.waitReady;
    return { pglite, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Opens the database the configuration names. `pglite` lets a caller (tests) supply an engine it owns; it is
 * then not closed here. `limitStatements` applies the configured statement time-out (the API's pool only).
 */
export async function openDatabase(
  config: DatabaseConfig,
  schema: SchemaDefinition,
  supplied: { pglite?: PGlite; logger?: Logger; limitStatements?: boolean } = {},
): Promise<OpenedDatabase> {
  if (config.kind === 'postgres') {
    const dataSource = await new DataSource(
      postgresOptions(config.url, config.poolSize, schema, supplied.logger, {
        acquireTimeoutMs: config.acquireTimeoutMs,
        statementTimeoutMs: supplied.limitStatements ? config.statementTimeoutMs : undefined,
      }),
    ).initialize();
    return { dataSource, kind: 'postgres', close: () => dataSource.destroy() };
  }
  const engine = supplied.pglite
    ? { pglite: supplied.pglite, release: undefined }
    : await openEmbeddedEngine(config.dataDir, { archive: findEmbeddedArchive(schema), logger: supplied.logger });
  const { pglite } = engine;
  const closeEngine = async () => {
    if (!engine.release) return; // supplied by the caller, who closes it
    await pglite.close();
    engine.release();
  };
  try {
    const dataSource = await new DataSource(embeddedOptions(pglite, schema, supplied.logger)).initialize();
    return {
      dataSource,
      kind: 'embedded',
      close: async () => {
        if (dataSource.isInitialized) await dataSource.destroy();
        await closeEngine();
      },
    };
  } catch (error) {
    await closeEngine();
    throw error;
  }
}
