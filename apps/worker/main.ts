import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, loadConfigOrExit, PinoNestLogger, type AppConfig } from '@scrutiny/core';
import { BackgroundModule } from './background.module';

function configOrExit(): AppConfig {
  const config = loadConfigOrExit();
  if (config.jobs.kind !== 'bullmq' || config.database.kind !== 'postgres') {
    process.stderr.write(
      'The worker needs REDIS_URL and DATABASE_URL. Without them (embedded mode) the API process runs the jobs itself.\n',
    );
    process.exit(78);
  }
  return config;
}

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel, { app: 'worker' });
  const app = await NestFactory.createApplicationContext(
    BackgroundModule.forRoot(config, logger, { processJobs: true }),
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  app.enableShutdownHooks();
  // BullMQ's worker.close() waits for running jobs. Past the grace period we exit anyway: BullMQ then sees
  // the unfinished jobs as stalled and hands them to another worker, so they are returned, not lost.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker shutting down: finishing running jobs');
      setTimeout(() => {
        logger.warn('grace period over: exiting with jobs still running (BullMQ will retry them)');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  logger.info({ concurrency: config.jobs.concurrency }, 'Scrutiny worker processing jobs');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Scrutiny worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
