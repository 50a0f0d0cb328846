import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import {
  QUEUE_NAMES,
  type EnqueuedJob,
  type EnqueueOptions,
  type JobDefinition,
  type QueueName,
} from '../job-definition';
import { JobQueue, type QueueHealth } from '../job-queue';
import { prepareEnqueue } from './validate-enqueue';

/**
 * Services mode: jobs go to Redis through BullMQ and are processed by apps/worker. Retries and backoff are
 * BullMQ's (set as the queues' default job options); a job id makes the enqueue idempotent for as long as
 * BullMQ keeps the job (completed jobs are kept for a day).
 */
const HEALTH_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class BullMqJobQueue extends JobQueue {
  constructor(private readonly moduleRef: ModuleRef) {
    super();
  }

  async enqueue<P>(def: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<EnqueuedJob> {
    const { id, envelope } = prepareEnqueue(def, payload, options);
    const queue = this.queue(def.queue);
    if (options.jobId && (await queue.getJob(id))) return { id, deduplicated: true };
    await queue.add(def.name, envelope, { jobId: id, ...(options.delayMs ? { delay: options.delayMs } : {}) });
    return { id, deduplicated: false };
  }

  async schedule<P>(def: JobDefinition<P>, everyMs: number, payload: P): Promise<void> {
    const { envelope } = prepareEnqueue(def, payload, {});
    await this.queue(def.queue).upsertJobScheduler(
      `${def.queue}.${def.name}`,
      { every: everyMs },
      { name: def.name, data: envelope },
    );
  }

  async health(): Promise<QueueHealth> {
    try {
      const counts: Record<string, number> = {};
      for (const name of QUEUE_NAMES) {
        // With Redis down, commands wait in the client's offline queue: bound the wait.
        const c = await withTimeout(
          this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed'),
          HEALTH_TIMEOUT_MS,
        );
        for (const [state, n] of Object.entries(c)) counts[state] = (counts[state] ?? 0) + n;
      }
      return { ok: true, kind: 'bullmq', counts };
    } catch (error) {
      return { ok: false, kind: 'bullmq', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
