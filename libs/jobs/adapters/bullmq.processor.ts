import { Inject, type Type } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import type { JobEnvelope, QueueName } from '../job-definition';
import { JobRunner } from '../job-runner';

/**
 * One BullMQ worker per queue, all alike: each hands the job to the shared JobRunner. A failure BullMQ
 * should not retry (permanent, or the last attempt) is rethrown as UnrecoverableError.
 */
export function createQueueProcessor(queue: QueueName, concurrency: number): Type<WorkerHost> {
  @Processor(queue, { concurrency })
  class QueueProcessor extends WorkerHost {
    constructor(@Inject(JobRunner) private readonly runner: JobRunner) {
      super();
    }

    async process(job: Job<JobEnvelope>): Promise<void> {
      const outcome = await this.runner.run({
        id: job.id ?? 'unknown',
        queue,
        name: job.name,
        envelope: job.data,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        enqueuedAt: new Date(job.timestamp),
      });
      if (outcome.status === 'failed') {
        throw outcome.willRetry ? outcome.error : new UnrecoverableError(outcome.error.message);
      }
    }
  }
  Object.defineProperty(QueueProcessor, 'name', { value: `${queue[0].toUpperCase()}${queue.slice(1)}QueueProcessor` });
  return QueueProcessor;
}
