import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { FailedJobsService, HeartbeatJob, JobQueue } from '@scrutiny/jobs';
import { calls, completed, FlakyJob, openJobsContext, PermanentJob, SlowJob, waitFor } from '../setup/job-fixtures';
import { testConfig } from '../setup/test-app';
import { createTestDatabase, type TestDatabase } from '../setup/test-database';

const services = process.env.REDIS_URL && process.env.DATABASE_URL;
const describeServices = services ? describe : describe.skip;

/** Services mode: one context enqueues (as the API does), another processes (as apps/worker does). */
describeServices('BullMQ job queue (services mode, real Redis)', () => {
  let db: TestDatabase;
  let api: INestApplicationContext;
  let worker: INestApplicationContext;
  let queue: JobQueue;
  let ds: DataSource;
  // Each run gets its own key prefix in Redis, so files and runs never see each other's jobs.
  const env = {
    REDIS_URL: process.env.REDIS_URL ?? '',
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_MS: '20',
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await openJobsContext(testConfig(env), db, false);
    worker = await openJobsContext(testConfig(env), db, true);
    queue = api.get(JobQueue);
    ds = await db.connect();
  });
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await db?.drop();
    const redis = new Redis(env.REDIS_URL);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('reports Redis reachable with job counts', async () => {
    expect(await queue.health()).toMatchObject({ ok: true, kind: 'bullmq', counts: expect.any(Object) });
  });

  it('delivers a heartbeat from the enqueuing process to the worker and into the database', async () => {
    const { id } = await queue.enqueue(HeartbeatJob, { source: 'test' });
    const rows = await waitFor(async () => {
      const r = await ds.query('SELECT job_id FROM maintenance_heartbeats WHERE job_id = $1', [id]);
      return r.length ? r : undefined;
    });
    expect(rows).toEqual([{ job_id: id }]);
  });

  it('retries with backoff, then dead-letters after the last attempt', async () => {
    const ok = randomUUID();
    await queue.enqueue(FlakyJob, { key: ok, failTimes: 2 });
    await waitFor(async () => completed.has(ok));
    expect(calls.filter((c) => c.key === ok).map((c) => c.attempt)).toEqual([1, 2, 3]);

    const bad = randomUUID();
    const { id } = await queue.enqueue(FlakyJob, { key: bad, failTimes: 9 });
    const dead = await waitFor(async () => (await api.get(FailedJobsService).list()).find((f) => f.jobId === id));
    expect(dead).toMatchObject({ attempts: 3, error: 'flaky failure 3', status: 'failed' });
    expect(calls.filter((c) => c.key === bad)).toHaveLength(3);
  });

  it('does not retry a permanent failure', async () => {
    const key = randomUUID();
    const { id } = await queue.enqueue(PermanentJob, { key });
    await waitFor(async () => (await api.get(FailedJobsService).list()).find((f) => f.jobId === id));
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.filter((c) => c.key === key)).toHaveLength(1);
  });

  it('adds a job with a given id once, however often it is enqueued', async () => {
    const key = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() => queue.enqueue(SlowJob, { key, ms: 5 }, { jobId: `once-${key}` })),
    );
    await waitFor(async () => completed.has(key));
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.filter((c) => c.key === key)).toHaveLength(1);
    expect(results.every((r) => r.id === `once-${key}`)).toBe(true);
    expect((await queue.enqueue(SlowJob, { key, ms: 5 }, { jobId: `once-${key}` })).deduplicated).toBe(true);
  });

  it('retries a dead letter through the queue', async () => {
    const key = randomUUID();
    const { id } = await queue.enqueue(PermanentJob, { key });
    const dead = await waitFor(async () => (await api.get(FailedJobsService).list()).find((f) => f.jobId === id));
    const { jobId } = await api.get(FailedJobsService).retry(dead.id);
    await waitFor(async () => calls.find((c) => c.jobId === jobId));
  });

  it('on shutdown, the worker finishes the job it is running', async () => {
    const key = randomUUID();
    await queue.enqueue(SlowJob, { key, ms: 300 });
    await waitFor(async () => calls.find((c) => c.key === key));
    await worker.close();
    expect(completed.has(key)).toBe(true);
  });
});
