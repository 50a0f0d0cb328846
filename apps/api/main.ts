import 'reflect-metadata';
import { createLogger, loadConfigOrExit } from '@scrutiny/core';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, { app: 'api' });
  if (config.jwtSecretIsEphemeral) {
    logger.warn('JWT_SECRET is not set: using a random key for this process; tokens will not survive a restart');
  }
  const app = await createApiApp(config, logger);
  forceExitAfter(config.shutdownTimeoutMs + 5_000);
  await app.listen(config.http.port, config.http.host);
  logger.info(
    {
      port: config.http.port,
      database: config.database.kind,
      jobs: config.jobs.kind,
      docs: `http://localhost:${config.http.port}/docs`,
    },
    'Scrutiny API listening',
  );
  collectStartGarbageSoon();
}

/**
 * Starting (and, in embedded mode, seeding the demo) leaves ~100 MB of garbage in V8's heap, which an idle process
 * keeps for minutes: one full collection a second after listening gives it back. `gc` exists only when node runs
 * with --expose-gc, as `npm start` does; otherwise V8 collects it whenever it next needs to.
 */
function collectStartGarbageSoon(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) setTimeout(gc, 1000).unref();
}

/** If graceful shutdown hangs (a stuck request or job), leave anyway once the grace period is over. */
function forceExitAfter(ms: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), ms).unref());
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Scrutiny API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
