import type { EnqueuedJob, EnqueueOptions, JobDefinition } from './job-definition';

export interface QueueHealth {
  ok: boolean;
  kind: 'bullmq' | 'in-process';
  detail?: string;
  counts?: Record<string, number>;
}

/**
 * The port features use to hand work to the job system. Two adapters implement it: BullMQ on Redis
 * (the API enqueues, apps/worker processes) and an in-process runner (embedded mode).
 */
export abstract class JobQueue {
  abstract enqueue<P>(def: JobDefinition<P>, payload: P, options?: EnqueueOptions): Promise<EnqueuedJob>;
  /** Runs `def` every `everyMs` with `payload`; calling it again replaces the schedule, never duplicates it. */
  abstract schedule<P>(def: JobDefinition<P>, everyMs: number, payload: P): Promise<void>;
  abstract health(): Promise<QueueHealth>;
}
