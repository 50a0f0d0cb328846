import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { createLogger } from '@scrutiny/core';
import { HeartbeatJob, JobQueue } from '@scrutiny/jobs';
import { ImportsService, CasesService } from '@scrutiny/records';
import { BackgroundModule } from '../../apps/worker/background.module';
import { waitFor } from '../setup/job-fixtures';
import { testConfig } from '../setup/test-app';
import { createTestDatabase } from '../setup/test-database';

/** The real worker module (as apps/worker/main.ts builds it): every provider resolves, and it processes jobs. */
describe('worker (BackgroundModule)', () => {
  it('starts with every feature module and processes a job', async () => {
    const db = await createTestDatabase();
    const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    const config = {
      ...testConfig(services ? { REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: prefix } : {}),
      database: db.config,
    };
    const worker = await NestFactory.createApplicationContext(
      BackgroundModule.forRoot(config, createLogger('silent'), { processJobs: true, pglite: db.pglite }),
      { logger: false },
    );
    try {
      await worker.init();
      expect(worker.get(ImportsService)).toBeDefined();
      expect(worker.get(CasesService)).toBeDefined();
      const { id } = await worker.get(JobQueue).enqueue(HeartbeatJob, { source: 'test' });
      const ds = await db.connect();
      await waitFor(
        async () => (await ds.query(`SELECT 1 FROM maintenance_heartbeats WHERE job_id = $1`, [id])).length > 0,
      );
    } finally {
      await worker.close();
      await db.drop();
      if (services) {
        const redis = new Redis(process.env.REDIS_URL!);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    }
  });
});
