import { z } from 'zod';

/** Queues the system runs. A queue groups jobs that share a worker pool; add one here and both modes get it. */
export const QUEUE_NAMES = ['maintenance', 'imports', 'sampling', 'reports', 'notifications'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * A job's contract: where it runs, its name, and the versioned shape of its payload. Payloads carry ids
 * and plain values, never entities, and are validated again when they are taken off the queue.
 */
export interface JobDefinition<P> {
  queue: QueueName;
  name: string;
  version: number;
  schema: z.ZodType<P>;
}

export function defineJob<P>(queue: QueueName, name: string, version: number, schema: z.ZodType<P>): JobDefinition<P> {
  return { queue, name, version, schema };
}

export function jobKey(def: { queue: string; name: string }): string {
  return `${def.queue}/${def.name}`;
}

/** What travels through a queue: the payload wrapped with its contract version. */
export interface JobEnvelope {
  v: number;
  data: unknown;
}

/** A job as the runner sees it, whichever adapter delivered it. */
export interface RunnableJob {
  id: string;
  queue: string;
  name: string;
  envelope: JobEnvelope;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
  enqueuedAt: Date;
}

export interface EnqueueOptions {
  /**
   * Makes the enqueue idempotent: a job with the same id that is still waiting, running or retrying is not
   * added twice. Letters, digits, ".", "_" and "-" only.
   */
  jobId?: string;
  delayMs?: number;
}

export interface EnqueuedJob {
  id: string;
  /** True when a job with this id already existed and nothing new was added. */
  deduplicated: boolean;
}

export const JOB_ID_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
