import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, DomainError, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import type { EnqueuedJob, EnqueueOptions, JobDefinition, RunnableJob } from '../job-definition';
import { JobQueue, type QueueHealth } from '../job-queue';
import { JobRunner } from '../job-runner';
import { DeadLetterStore } from '../dead-letter/dead-letter.store';
import { backoffDelay, prepareEnqueue } from './validate-enqueue';

/**
 * Embedded mode's queue: the same handlers, run in this process with bounded concurrency, retries and
 * exponential backoff. Nothing here survives a restart, so on shutdown it finishes what is running (up to
 * SHUTDOWN_TIMEOUT_MS) and writes anything it could not run to the dead letters, from where it can be retried.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue implements BeforeApplicationShutdown {
  private readonly waiting: RunnableJob[] = [];
  private readonly retrying = new Map<string, { job: RunnableJob; timer: NodeJS.Timeout }>();
  private readonly active = new Map<string, { job: RunnableJob; done: Promise<void> }>();
  private readonly schedules = new Map<string, NodeJS.Timeout>();
  private accepting = true;
  private readonly settings: { attempts: number; backoffMs: number; concurrency: number };
  private readonly shutdownTimeoutMs: number;

  constructor(
    private readonly runner: JobRunner,
    private readonly deadLetters: DeadLetterStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.settings = config.jobs;
    this.shutdownTimeoutMs = config.shutdownTimeoutMs;
  }

  async enqueue<P>(def: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<EnqueuedJob> {
    if (!this.accepting) throw new DomainError('SERVICE_UNAVAILABLE', 'The job queue is shutting down');
    const { id, envelope } = prepareEnqueue(def, payload, options);
    if (this.isKnown(id)) return { id, deduplicated: true };
    const job: RunnableJob = {
      id,
      queue: def.queue,
      name: def.name,
      envelope,
      attempt: 0,
      maxAttempts: this.settings.attempts,
      enqueuedAt: new Date(),
    };
    if (options.delayMs) this.later(job, options.delayMs);
    else this.waiting.push(job);
    this.pump();
    return { id, deduplicated: false };
  }

  async schedule<P>(def: JobDefinition<P>, everyMs: number, payload: P): Promise<void> {
    prepareEnqueue(def, payload, {});
    const key = `${def.queue}/${def.name}`;
    clearInterval(this.schedules.get(key));
    const tick = () => {
      const slot = Math.floor(Date.now() / everyMs);
      this.enqueue(def, payload, { jobId: `${def.queue}.${def.name}.${slot}` }).catch((error: unknown) =>
        this.logger.error({ err: error }, `could not enqueue scheduled job ${key}`),
      );
    };
    const timer = setInterval(tick, everyMs);
    timer.unref();
    this.schedules.set(key, timer);
    tick();
  }

  async health(): Promise<QueueHealth> {
    return {
      ok: this.accepting,
      kind: 'in-process',
      counts: { waiting: this.waiting.length, active: this.active.size, delayed: this.retrying.size },
      ...(this.accepting ? {} : { detail: 'shutting down' }),
    };
  }

  /** Resolves when nothing is waiting, running or due for a retry (tests use it to wait for a job). */
  async idle(): Promise<void> {
    while (this.waiting.length || this.active.size || this.retrying.size) {
      await Promise.race([...[...this.active.values()].map((a) => a.done), new Promise((r) => setTimeout(r, 10))]);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.accepting = false;
    for (const timer of this.schedules.values()) clearInterval(timer);
    const running = [...this.active.values()].map((a) => a.done);
    const timedOut = await Promise.race([
      Promise.allSettled(running).then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), this.shutdownTimeoutMs).unref()),
    ]);
    const unfinished: RunnableJob[] = [...this.waiting.splice(0)];
    for (const { job, timer } of this.retrying.values()) {
      clearTimeout(timer);
      unfinished.push(job);
    }
    this.retrying.clear();
    if (timedOut) unfinished.push(...[...this.active.values()].map((a) => a.job));
    for (const job of unfinished) {
      await this.deadLetters
        .record(job, 'Interrupted by shutdown before it could complete', job.attempt)
        .catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'could not save interrupted job'));
    }
    if (unfinished.length)
      this.logger.warn({ count: unfinished.length }, 'jobs interrupted by shutdown were moved to the dead letters');
  }

  private isKnown(id: string): boolean {
    return this.active.has(id) || this.retrying.has(id) || this.waiting.some((j) => j.id === id);
  }

  private later(job: RunnableJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.retrying.delete(job.id);
      this.waiting.push(job);
      this.pump();
    }, delayMs);
    this.retrying.set(job.id, { job, timer });
  }

  private pump(): void {
    while (this.accepting && this.active.size < this.settings.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      job.attempt += 1;
      const done = this.runner
        .run(job)
        .then((outcome) => {
          if (outcome.status === 'failed' && outcome.willRetry) {
            this.later(job, backoffDelay(this.settings.backoffMs, job.attempt));
          }
        })
        .catch((error: unknown) => this.logger.error({ err: error, jobId: job.id }, 'job runner failed'))
        .finally(() => {
          this.active.delete(job.id);
          this.pump();
        });
      this.active.set(job.id, { job, done });
    }
  }
}
