import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BackgroundModule } from '../worker/background.module';
import { PinoNestLogger, type AppConfig, type Logger } from '@scrutiny/core';

/** A Nest context without HTTP for commands that need the database or the job queue. */
export async function openCliContext(
  config: AppConfig,
  logger: Logger,
  options: { migrateOnOpen?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    BackgroundModule.forRoot(config, logger, { processJobs: false, migrateOnOpen: options.migrateOnOpen }),
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
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
