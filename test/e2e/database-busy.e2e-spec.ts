import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource, type QueryRunner } from 'typeorm';
import { createLogger, type AppConfig, type DatabaseConfig } from '@scrutiny/core';
import { createApiApp } from '../../apps/api/create-api-app';
import { USERNAME_FOR } from '../factories/users';
import { createTestDatabase, type TestDatabase } from '../setup/test-database';
import { testConfig } from '../setup/test-app';

/**
 * Issue 17: an exhausted pool or a statement cut off by the time-out is load, not a fault: 503 with Retry-After
 * (problem+json, code SERVICE_BUSY), never a 500. Services mode only: the embedded engine serves one connection in
 * this process (a transaction held on it would stall the test itself) and has no statement time-out; the mapping
 * itself is unit-tested in libs/http/problem-details.filter.spec.ts for both.
 */
const describeServices = process.env.DATABASE_URL ? describe : describe.skip;

describeServices('database busy answers 503 with Retry-After (e2e)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let token: string;

  async function start(database: Partial<Extract<DatabaseConfig, { kind: 'postgres' }>>): Promise<void> {
    db = await createTestDatabase();
    const config: AppConfig = {
      ...testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }),
      database: { ...(db.config as Extract<DatabaseConfig, { kind: 'postgres' }>), ...database },
    };
    app = await createApiApp(config, createLogger(config.logLevel), {});
    await app.init();
    const login = await request(app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ username: USERNAME_FOR.admin, password: config.demo.password })
      .expect(200);
    token = (login.body as { accessToken: string }).accessToken;
  }
  afterEach(async () => {
    await app?.close();
    await db?.drop();
  });

  const list = () =>
    request(app.getHttpServer())
      .get('/api/v1/stop-searches')
      .set({ authorization: `Bearer ${token}` });

  function expectBusy(res: request.Response): void {
    expect({ status: res.status, type: res.type, retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      type: 'application/problem+json',
      retryAfter: '5',
    });
    expect(res.body).toMatchObject({ status: 503, code: 'SERVICE_BUSY', title: 'The service is busy' });
  }

  it('every pooled connection held: 503 after the acquire time-out, then 200 once one is free', async () => {
    // pg uses the same limit to open a connection: on a busy CI machine that alone can take a few hundred ms.
    await start({ poolSize: 1, acquireTimeoutMs: 2_000 });
    // A transaction left open on the pool's only connection: what twenty slow first pages at once amounted to.
    const held: QueryRunner = app.get(DataSource).createQueryRunner();
    await held.connect();
    await held.startTransaction();
    try {
      const started = Date.now();
      expectBusy(await list());
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await held.rollbackTransaction();
      await held.release();
    }
    await list().expect(200);
  });

  it('a statement past DATABASE_STATEMENT_TIMEOUT_MS: 503 (57014), the pool still serving afterwards', async () => {
    await start({ poolSize: 2, statementTimeoutMs: 400 });
    // Another session holds the table, so the list's statement waits until the time-out cancels it.
    const other = await db.connect();
    const locker = other.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query('LOCK TABLE stop_searches IN ACCESS EXCLUSIVE MODE');
    // Released in any case, so a server without the time-out (the old code) answers late rather than never.
    const release = setTimeout(() => void locker.rollbackTransaction(), 8_000);
    try {
      const started = Date.now();
      expectBusy(await list());
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      clearTimeout(release);
      if (locker.isTransactionActive) await locker.rollbackTransaction();
      await locker.release();
    }
    await list().expect(200);
  });
});
