import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { CoreModule, createLogger, type AppConfig } from '@scrutiny/core';
import { DatabaseModule } from '@scrutiny/database';
import { defineJob, HandlesJob, JobsModule, PermanentJobError, type JobContext, type JobHandler } from '@scrutiny/jobs';
import { SCHEMA } from '@scrutiny/schema';
import type { TestDatabase } from './test-database';

/** Test-only jobs on the maintenance queue, each behaving badly in one way. */
export const FlakyJob = defineJob(
  'maintenance',
  'test-flaky',
  1,
  z.object({ key: z.string(), failTimes: z.number().int() }),
);
export const PermanentJob = defineJob('maintenance', 'test-permanent', 1, z.object({ key: z.string() }));
export const SlowJob = defineJob('maintenance', 'test-slow', 1, z.object({ key: z.string(), ms: z.number().int() }));

export const calls: { job: string; key: string; attempt: number; jobId: string }[] = [];
export const completed = new Set<string>();

@Injectable()
@HandlesJob(FlakyJob)
class FlakyHandler implements JobHandler<z.infer<typeof FlakyJob.schema>> {
  async handle(p: { key: string; failTimes: number }, ctx: JobContext): Promise<void> {
    calls.push({ job: 'flaky', key: p.key, attempt: ctx.attempt, jobId: ctx.jobId });
    if (ctx.attempt <= p.failTimes) throw new Error(`flaky failure ${ctx.attempt}`);
    completed.add(p.key);
  }
}

@Injectable()
@HandlesJob(PermanentJob)
class PermanentHandler implements JobHandler<{ key: string }> {
  async handle(p: { key: string }, ctx: JobContext): Promise<void> {
    calls.push({ job: 'permanent', key: p.key, attempt: ctx.attempt, jobId: ctx.jobId });
    throw new PermanentJobError('this can never work');
  }
}

@Injectable()
@HandlesJob(SlowJob)
class SlowHandler implements JobHandler<{ key: string; ms: number }> {
  async handle(p: { key: string; ms: number }, ctx: JobContext): Promise<void> {
    calls.push({ job: 'slow', key: p.key, attempt: ctx.attempt, jobId: ctx.jobId });
    await new Promise((r) => setTimeout(r, p.ms));
    completed.add(p.key);
  }
}

@Module({})
class JobsTestModule {
  static forRoot(config: AppConfig, db: TestDatabase, processJobs: boolean): DynamicModule {
    return {
      module: JobsTestModule,
      imports: [
        CoreModule.forRoot(config, createLogger(config.logLevel)),
        DatabaseModule.forRoot({ config: db.config, schema: SCHEMA, pglite: db.pglite }),
        JobsModule.forRoot({ config: config.jobs, processJobs }),
      ],
      providers: [FlakyHandler, PermanentHandler, SlowHandler],
    };
  }
}

/** A Nest context with the real jobs module, on the given database, that either enqueues or also processes. */
export async function openJobsContext(
  config: AppConfig,
  db: TestDatabase,
  processJobs: boolean,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(JobsTestModule.forRoot(config, db, processJobs), {
    logger: false,
  });
  app.enableShutdownHooks([]);
  await app.init();
  return app;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
