import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createLogger, loadConfig, type AppConfig } from '@scrutiny/core';
import { createApiApp } from '../../apps/api/create-api-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  /** The app's own DataSource: use it to arrange and inspect rows (PGlite serves one connection). */
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** Test defaults: quiet logs, no scheduled heartbeat, jobs in-process, demo users but no demo records; `env` overrides any variable. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HEARTBEAT_INTERVAL_MS: '0',
    SAMPLING_SCHEDULE_INTERVAL_MS: '0',
    RETENTION_CHECK_INTERVAL_MS: '0',
    OVERDUE_CHECK_INTERVAL_MS: '0',
    IMPORT_SWEEP_INTERVAL_MS: '0',
    JOB_BACKOFF_MS: '10',
    DEMO_RECORDS: 'false',
    ...env,
  });
}

/** The real API on a database of this test file's own. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = { ...testConfig(env), database: db.config };
  const logger = createLogger(config.logLevel);
  const app = await createApiApp(config, logger, { pglite: db.pglite });
  await app.init();
  return {
    app,
    config,
    db,
    dataSource: app.get(DataSource),
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
