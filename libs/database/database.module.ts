import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';
import { LOGGER, type DatabaseConfig, type Logger } from '@scrutiny/core';
import { migrate } from './migrations';
import { openDatabase, postgresOptions, type OpenedDatabase, type SchemaDefinition } from './data-source.factory';
import { ReadSource } from './read-source';

export const OPENED_DATABASE = Symbol('OPENED_DATABASE');

export interface DatabaseModuleOptions {
  config: DatabaseConfig;
  schema: SchemaDefinition;
  /** An engine the caller owns (tests): used instead of opening DATA_DIR, and left open on shutdown. */
  pglite?: PGlite;
  /** Apply pending migrations as soon as the database is open (embedded mode's zero-setup start). */
  migrateOnOpen?: boolean;
  /** Bound every statement by the configured time-out (the API: a request is not worth more; never jobs or the CLI). */
  limitStatements?: boolean;
}

class DatabaseCloser implements OnApplicationShutdown {
  constructor(
    @Inject(OPENED_DATABASE) private readonly db: OpenedDatabase,
    private readonly reads: ReadSource,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.reads.replica?.isInitialized) await this.reads.replica.destroy();
    await this.db.close();
  }
}

/**
 * The replica's pool is opened without waiting for a connection: an unreachable replica must not stop the API from
 * starting (its reads go to the primary until the replica answers), so initialize() failing is logged, not thrown.
 */
async function openReplica(
  config: DatabaseModuleOptions['config'],
  schema: SchemaDefinition,
  logger: Logger,
  limitStatements = false,
): Promise<DataSource | null> {
  if (config.kind !== 'postgres' || !config.read) return null;
  // The primary's bounds: a list read from the replica is as much a request's as one read from the primary.
  const replica = new DataSource(
    postgresOptions(config.read.url, config.read.poolSize, schema, logger, {
      acquireTimeoutMs: config.acquireTimeoutMs,
      statementTimeoutMs: limitStatements ? config.statementTimeoutMs : undefined,
    }),
  );
  try {
    await replica.initialize();
  } catch (error) {
    logger.warn(
      { err: { message: (error as Error).message } },
      'read replica unreachable at start: reading from the primary',
    );
  }
  return replica;
}

/** Provides the TypeORM DataSource (PostgreSQL or embedded PGlite) to every module, and closes it last. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: OPENED_DATABASE,
          inject: [LOGGER],
          useFactory: async (logger: Logger) => {
            const db = await openDatabase(options.config, options.schema, {
              pglite: options.pglite,
              logger,
              limitStatements: options.limitStatements,
            });
            if (options.migrateOnOpen) {
              try {
                await migrate(db.dataSource, { lock: db.kind === 'postgres', seeds: options.schema.seeds });
              } catch (error) {
                await db.close();
                throw error;
              }
            }
            return db;
          },
        },
        { provide: DataSource, useFactory: (db: OpenedDatabase) => db.dataSource, inject: [OPENED_DATABASE] },
        {
          provide: ReadSource,
          inject: [OPENED_DATABASE, LOGGER],
          useFactory: async (db: OpenedDatabase, logger: Logger) =>
            new ReadSource(
              db.dataSource,
              await openReplica(options.config, options.schema, logger, options.limitStatements),
              {
                maxLagSeconds: options.config.kind === 'postgres' ? (options.config.read?.maxLagSeconds ?? 0) : 0,
                logger,
              },
            ),
        },
        DatabaseCloser,
      ],
      exports: [DataSource, OPENED_DATABASE, ReadSource],
    };
  }
}
