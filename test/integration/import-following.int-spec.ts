import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import Redis from 'ioredis';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { HeartbeatJob, JobQueue } from '@scrutiny/jobs';
import { ImportsService } from '@scrutiny/records';
import { workerStall } from '../../apps/api/health/readiness.indicators';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);

describe('imports you can follow', () => {
  describe('a running import', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    // The embedded engine has one connection, held by the import until it ends: progress cannot be written there.
    (process.env.DATABASE_URL ? it : it.skip)(
      'shows the rows read so far while it runs (written outside its transaction)',
      async () => {
        const [header, ...lines] = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n');
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        // 25,250 rows, then the source waits until the test has looked.
        async function* source() {
          yield `${header}\n`;
          for (let i = 0; i < 250; i++) yield `${lines.join('\n')}\n`;
          await held;
        }
        const imports = t.app.get(ImportsService);
        const running = imports.importReadable(
          () => Readable.from(source()),
          'held.csv',
          'police-uk',
          'city-of-london',
          SYSTEM_ACTOR,
        );
        let seen: { status: string; rows_read: number } | undefined;
        for (let tries = 0; tries < 200; tries++) {
          [seen] = await t.dataSource.query(`SELECT status, rows_read FROM imports WHERE filename = 'held.csv'`);
          if (seen && seen.rows_read >= 20_000) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(seen).toEqual({ status: 'running', rows_read: 20_000 });
        const list = await imports.list(SYSTEM_ACTOR, { status: 'running' });
        expect(list.items).toEqual([expect.objectContaining({ filename: 'held.csv', rowsRead: 20_000 })]);
        release();
        expect(await running).toMatchObject({ status: 'completed', rowsRead: 25_250, rowsImported: 25_250 });
      },
    );
  });

  describe('readiness when jobs wait and no worker runs', () => {
    it('is degraded only in services mode with waiting jobs and no recent heartbeat', () => {
      const now = Date.parse('2026-12-01T12:00:00Z');
      const bull = { ok: true, kind: 'bullmq' as const, counts: { waiting: 3, active: 0, delayed: 0, failed: 0 } };
      expect(workerStall(bull, null, 60_000, now)).toMatch(/^3 job\(s\) waiting and no worker heartbeat ever recorded/);
      expect(workerStall(bull, new Date(now - 5 * 60_000), 60_000, now)).toMatch(/since 2026-12-01T11:55:00.000Z/);
      expect(workerStall(bull, new Date(now - 30_000), 60_000, now)).toBeNull();
      expect(workerStall({ ...bull, counts: { ...bull.counts, waiting: 0 } }, null, 60_000, now)).toBeNull();
      expect(workerStall({ ...bull, kind: 'in-process' }, null, 60_000, now)).toBeNull();
    });

    (services ? it : it.skip)(
      'answers 200 with status degraded and the reason, then ok once a worker heartbeat is recorded',
      async () => {
        const prefix = `test-${randomBytes(4).toString('hex')}`;
        // The API in services mode: it enqueues, and no worker takes the jobs off the queue.
        const t = await createTestApp({ REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: prefix });
        try {
          const ready = await t.http().get('/health/ready').expect(200);
          expect(ready.body.status).toBe('ok');
          await t.app.get(JobQueue).enqueue(HeartbeatJob, { source: 'test' });
          const degraded = await t.http().get('/health/ready').expect(200);
          expect(degraded.body).toMatchObject({
            status: 'degraded',
            reason: expect.stringMatching(/job\(s\) waiting and no worker heartbeat ever recorded/),
            details: { queue: { status: 'up', degraded: true, counts: { waiting: 1 } } },
          });
          await t.dataSource.query(
            `INSERT INTO maintenance_heartbeats (job_id, processed_by, enqueued_at) VALUES ('manual', 'worker:1', now())`,
          );
          expect((await t.http().get('/health/ready').expect(200)).body.status).toBe('ok');
        } finally {
          await t.close();
          const redis = new Redis(process.env.REDIS_URL!);
          const keys = await redis.keys(`${prefix}:*`);
          if (keys.length) await redis.del(...keys);
          await redis.quit();
        }
      },
    );
  });
});
