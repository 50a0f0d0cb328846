import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import type { JobsConfig } from '@scrutiny/core';
import { QUEUE_NAMES } from './job-definition';
import { JobHandlerRegistry } from './job-handler';
import { JobQueue } from './job-queue';
import { JobRunner } from './job-runner';
import { DeadLetterStore } from './dead-letter/dead-letter.store';
import { FailedJobsService } from './dead-letter/failed-jobs.service';
import { HeartbeatHandler, HeartbeatReader } from './maintenance/heartbeat.job';
import { InProcessJobQueue } from './adapters/in-process.job-queue';
import { BullMqJobQueue } from './adapters/bullmq.job-queue';
import { createQueueProcessor } from './adapters/bullmq.processor';
import { RecurringJobs } from './recurring-jobs';

export interface JobsModuleOptions {
  config: JobsConfig;
  /**
   * Whether this process takes jobs off the queue. With BullMQ only apps/worker does; in embedded mode the
   * API process does. The CLI only enqueues.
   */
  processJobs: boolean;
}

/** True in the process that takes jobs off the queue (the embedded API, or a worker). */
export const JOBS_PROCESSING = Symbol('JOBS_PROCESSING');

/** Retention of finished jobs in Redis: completed for a day (idempotent ids), failed for a week. */
const KEEP_COMPLETED = { age: 86_400, count: 10_000 };
const KEEP_FAILED = { age: 7 * 86_400 };

@Module({})
export class JobsModule {
  static forRoot({ config, processJobs }: JobsModuleOptions): DynamicModule {
    const common: Provider[] = [
      JobHandlerRegistry,
      JobRunner,
      DeadLetterStore,
      FailedJobsService,
      HeartbeatHandler,
      HeartbeatReader,
      { provide: JOBS_PROCESSING, useValue: processJobs },
    ];
    const exported = [JobQueue, FailedJobsService, HeartbeatReader, JOBS_PROCESSING];
    if (config.kind === 'in-process') {
      return {
        module: JobsModule,
        global: true,
        imports: [DiscoveryModule],
        providers: [
          ...common,
          InProcessJobQueue,
          { provide: JobQueue, useExisting: InProcessJobQueue },
          ...(processJobs ? [RecurringJobs] : []),
        ],
        exports: [...exported, InProcessJobQueue],
      };
    }
    return {
      module: JobsModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: { url: config.redisUrl, maxRetriesPerRequest: null },
          prefix: config.prefix,
          defaultJobOptions: {
            attempts: config.attempts,
            backoff: { type: 'exponential', delay: config.backoffMs },
            removeOnComplete: KEEP_COMPLETED,
            removeOnFail: KEEP_FAILED,
          },
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [
        ...common,
        { provide: JobQueue, useClass: BullMqJobQueue },
        ...(processJobs ? [RecurringJobs, ...QUEUE_NAMES.map((q) => createQueueProcessor(q, config.concurrency))] : []),
      ],
      exports: exported,
    };
  }
}
