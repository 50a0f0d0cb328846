import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule, PinoNestLogger, type AppConfig, type Logger } from '@scrutiny/core';
import { DatabaseModule } from '@scrutiny/database';
import { JobsModule } from '@scrutiny/jobs';
import { SCHEMA } from '@scrutiny/schema';
import { RecordsModule } from '@scrutiny/records';
import { AuditModule } from '@scrutiny/audit';
import { AuthModule } from '@scrutiny/auth';

@Module({})
class CliModule {
  static forRoot(appConfig: AppConfig, logger: Logger, migrateOnOpen: boolean): DynamicModule {
    // Commands never seed demo data as a side effect (`seed:demo` does it on purpose).
    const config = { ...appConfig, demo: { ...appConfig.demo, enabled: false, records: false } };
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot(config, logger),
        DatabaseModule.forRoot({ config: config.database, schema: SCHEMA, migrateOnOpen }),
        JobsModule.forRoot({ config: config.jobs, processJobs: false }),
        AuditModule,
        AuthModule.forRoot(config, { guard: false }),
        RecordsModule,
      ],
    };
  }
}

/** A Nest context without HTTP for commands that need the database or the job queue. */
export async function openCliContext(
  config: AppConfig,
  logger: Logger,
  options: { migrateOnOpen?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, logger, options.migrateOnOpen ?? false), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await app.init();
  return app;
}

/** Runs `fn` with a CLI context and always closes it (the database and queue connections with it). */
export async function withCliContext<T>(
  config: AppConfig,
  logger: Logger,
  fn: (app: INestApplicationContext) => Promise<T>,
  options: { migrateOnOpen?: boolean } = {},
): Promise<T> {
  const app = await openCliContext(config, logger, options);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
