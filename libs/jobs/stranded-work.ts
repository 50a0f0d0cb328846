import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@scrutiny/core';
import type { JobDefinition } from './job-definition';
import type { JobQueue } from './job-queue';

/**
 * Work a feature keeps in its own table (an import, a report pack) and hands to a job by id. The in-process queue
 * does not survive a restart, so work left queued or running by a stopped process would wait for ever: at start-up
 * an instance that processes jobs queues it again. The deterministic job id makes this a no-op for work whose job
 * the queue still holds, and each feature's handler refuses to redo finished work.
 */
export abstract class StrandedWorkRecovery<P> implements OnApplicationBootstrap {
  protected constructor(
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    private readonly processing: boolean,
    private readonly work: {
      label: string;
      job: JobDefinition<P>;
      payload: (id: string) => P;
      jobId: (id: string) => string;
    },
  ) {}

  /** Ids of the work left unfinished. */
  protected abstract stranded(): Promise<string[]>;

  async onApplicationBootstrap(): Promise<void> {
    if (this.processing) await this.requeueStranded();
  }

  async requeueStranded(): Promise<string[]> {
    const ids = await this.stranded();
    for (const id of ids)
      await this.queue.enqueue(this.work.job, this.work.payload(id), { jobId: this.work.jobId(id) });
    if (ids.length) this.logger.warn({ [this.work.label]: ids }, `unfinished ${this.work.label} queued again`);
    return ids;
  }
}
