import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PGlite } from '@electric-sql/pglite';
import { LOGGER, type DatabaseConfig, type Logger } from '@scrutiny/core';
import { migrate } from './migrations';
import { openDatabase, type OpenedDatabase, type SchemaDefinition } from './data-source.factory';

export const OPENED_DATABASE = Symbol('OPENED_DATABASE');

export interface DatabaseModuleOptions {
  config: DatabaseConfig;
  schema: SchemaDefinition;
  /** An engine the caller owns (tests): used instead of opening DATA_DIR, and left open on shutdown. */
  pglite?: PGlite;
  /** Apply pending migrations as soon as the database is open (embedded mode's zero-setup start). */
  migrateOnOpen?: boolean;
}

class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(OPENED_DATABASE) private readonly db: OpenedDatabase) {}
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
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
            const db = await openDatabase(options.config, options.schema, { pglite: options.pglite, logger });
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
        DatabaseCloser,
      ],
      exports: [DataSource, OPENED_DATABASE],
    };
  }
}
