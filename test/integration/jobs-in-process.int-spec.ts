import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@scrutiny/core';
import { FailedJobsService, HeartbeatJob, HeartbeatReader, InProcessJobQueue, JobQueue } from '@scrutiny/jobs';
import { calls, completed, FlakyJob, openJobsContext, PermanentJob, SlowJob } from '../setup/job-fixtures';
import { testConfig } from '../setup/test-app';
import { createTestDatabase, type TestDatabase } from '../setup/test-database';

describe('in-process job queue (embedded mode)', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let queue: InProcessJobQueue;
  let failed: FailedJobsService;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await openJobsContext(testConfig({ JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '5', JOB_CONCURRENCY: '2' }), db, true);
    queue = app.get(InProcessJobQueue);
    failed = app.get(FailedJobsService);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('is the JobQueue the features get', () => {
    expect(app.get(JobQueue)).toBe(queue);
  });

  it('runs the heartbeat job end to end and records it in the database', async () => {
    const { id } = await queue.enqueue(HeartbeatJob, { source: 'test' });
    await queue.idle();
    const latest = await app.get(HeartbeatReader).latest();
    expect(latest?.jobId).toBe(id);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    const key = randomUUID();
    await queue.enqueue(FlakyJob, { key, failTimes: 2 });
    await queue.idle();
    expect(calls.filter((c) => c.key === key).map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(completed.has(key)).toBe(true);
    expect((await failed.list()).some((f) => (f.payload as { key?: string }).key === key)).toBe(false);
  });

  it('moves a job that exhausts its attempts to the dead letters, and a retry from there runs it again', async () => {
    const key = randomUUID();
    const { id } = await queue.enqueue(FlakyJob, { key, failTimes: 3 });
    await queue.idle();
    expect(calls.filter((c) => c.key === key)).toHaveLength(3);
    const [dead] = (await failed.list()).filter((f) => f.jobId === id);
    expect(dead).toMatchObject({
      queue: 'maintenance',
      name: 'test-flaky',
      attempts: 3,
      status: 'failed',
      error: 'flaky failure 3',
    });

    // A retry is a new job with fresh attempts (this one fails all three again, which is fine: we count them).
    const { jobId } = await failed.retry(dead.id);
    await queue.idle();
    expect(calls.filter((c) => c.jobId === jobId).map((c) => c.attempt)).toEqual([1, 2, 3]);
    const after = await failed.list({ status: 'retried' });
    expect(after.find((f) => f.id === dead.id)?.retriedAsJobId).toBe(jobId);
    await expect(failed.retry(dead.id)).rejects.toThrow(DomainError);
  });

  it('sends a permanent failure straight to the dead letters without retrying', async () => {
    const key = randomUUID();
    const { id } = await queue.enqueue(PermanentJob, { key });
    await queue.idle();
    expect(calls.filter((c) => c.key === key)).toHaveLength(1);
    expect((await failed.list()).find((f) => f.jobId === id)).toMatchObject({
      attempts: 1,
      error: 'this can never work',
    });
  });

  it('refuses an invalid payload or job id at enqueue time, naming the field', async () => {
    await expect(queue.enqueue(FlakyJob, { key: 1 } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: expect.arrayContaining([expect.objectContaining({ field: 'payload.key' })]),
    });
    await expect(queue.enqueue(HeartbeatJob, { source: 'x' }, { jobId: 'a:b' })).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'jobId' })],
    });
  });

  it('adds a job with an id that is already waiting or running only once', async () => {
    const key = randomUUID();
    const first = await queue.enqueue(SlowJob, { key, ms: 50 }, { jobId: `once-${key}` });
    const second = await queue.enqueue(SlowJob, { key, ms: 50 }, { jobId: `once-${key}` });
    expect(first.deduplicated).toBe(false);
    expect(second).toEqual({ id: `once-${key}`, deduplicated: true });
    await queue.idle();
    expect(calls.filter((c) => c.key === key)).toHaveLength(1);
  });

  it('discarding a dead letter marks it resolved', async () => {
    const { id } = await queue.enqueue(PermanentJob, { key: randomUUID() });
    await queue.idle();
    const dead = (await failed.list()).find((f) => f.jobId === id)!;
    await failed.discard(dead.id);
    expect((await failed.list({ status: 'discarded' })).map((f) => f.id)).toContain(dead.id);
    await expect(failed.discard('not-a-uuid')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('in-process job queue shutdown', () => {
  it('finishes running jobs and keeps the not-yet-run ones as dead letters instead of losing them', async () => {
    const db = await createTestDatabase();
    const app = await openJobsContext(testConfig({ JOB_CONCURRENCY: '1', SHUTDOWN_TIMEOUT_MS: '5000' }), db, true);
    const queue = app.get(JobQueue);
    const running = randomUUID();
    const waiting = randomUUID();
    await queue.enqueue(SlowJob, { key: running, ms: 200 });
    const { id: waitingId } = await queue.enqueue(SlowJob, { key: waiting, ms: 10 });
    await new Promise((r) => setTimeout(r, 30));
    await app.close();
    expect(completed.has(running)).toBe(true);
    expect(completed.has(waiting)).toBe(false);
    const ds = await db.connect();
    const rows = await ds.query(`SELECT job_id, status, error FROM job_failures WHERE job_id = $1`, [waitingId]);
    expect(rows).toEqual([
      { job_id: waitingId, status: 'failed', error: 'Interrupted by shutdown before it could complete' },
    ]);
    await expect(queue.enqueue(SlowJob, { key: 'late', ms: 1 })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await db.drop();
  });
});
