import { Injectable } from '@nestjs/common';
import { DomainError, isUuid } from '@scrutiny/core';
import { JobQueue } from '../job-queue';
import { JobHandlerRegistry } from '../job-handler';
import { DeadLetterStore, type JobFailureView } from './dead-letter.store';
import type { JobFailureStatus } from './job-failure.entity';

/** The dead-letter view: list failed jobs, send one back to its queue, or discard it. */
@Injectable()
export class FailedJobsService {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly queue: JobQueue,
    private readonly registry: JobHandlerRegistry,
  ) {}

  list(filter: { status?: JobFailureStatus; limit?: number } = {}): Promise<JobFailureView[]> {
    return this.store.list(filter);
  }

  /** As `list`, with `total`: how many dead letters match the status, beyond the `limit` listed. */
  page(
    filter: { status?: JobFailureStatus; limit?: number } = {},
  ): Promise<{ items: JobFailureView[]; total: number }> {
    return this.store.page(filter);
  }

  /** Enqueues the failed job again as a new job (fresh attempts) and marks the dead letter as retried. */
  async retry(id: string): Promise<{ jobId: string }> {
    this.assertId(id);
    const failure = await this.store.get(id);
    if (failure.status !== 'failed')
      throw new DomainError('CONFLICT', `Failed job ${id} was already ${failure.status}`);
    const registered = this.registry.find(failure.queue, failure.name);
    if (!registered) throw new DomainError('UNPROCESSABLE', `No handler for ${failure.queue}/${failure.name} any more`);
    const payload = registered.def.schema.parse(failure.envelope.data);
    const { id: jobId } = await this.queue.enqueue(registered.def, payload, { jobId: `retry-${failure.id}` });
    await this.store.resolve(id, 'retried', jobId);
    return { jobId };
  }

  async discard(id: string): Promise<void> {
    this.assertId(id);
    await this.store.resolve(id, 'discarded');
  }

  private assertId(id: string): void {
    if (!isUuid(id)) throw DomainError.validation([{ field: 'id', message: 'must be a UUID' }]);
  }
}
