import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@scrutiny/core';
import type { RunnableJob } from '../job-definition';
import { JobFailure, type JobFailureStatus } from './job-failure.entity';

export interface JobFailureView {
  id: string;
  queue: string;
  name: string;
  jobId: string;
  payloadVersion: number;
  payload: unknown;
  attempts: number;
  error: string;
  status: JobFailureStatus;
  failedAt: string;
  resolvedAt: string | null;
  retriedAsJobId: string | null;
}

const MAX_ERROR_LENGTH = 4000;

@Injectable()
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  async record(job: RunnableJob, error: string, attempts: number): Promise<void> {
    await this.dataSource.getRepository(JobFailure).insert({
      queue: job.queue,
      name: job.name,
      jobId: job.id,
      envelope: { v: job.envelope.v, data: job.envelope.data as object },
      attempts,
      error: error.slice(0, MAX_ERROR_LENGTH),
      status: 'failed',
    });
  }

  async list(filter: { status?: JobFailureStatus; limit?: number } = {}): Promise<JobFailureView[]> {
    return (await this.page(filter)).items;
  }

  /** The newest `limit` dead letters and how many match the filter in all. */
  async page(
    filter: { status?: JobFailureStatus; limit?: number } = {},
  ): Promise<{ items: JobFailureView[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(JobFailure).findAndCount({
      where: filter.status ? { status: filter.status } : {},
      order: { failedAt: 'DESC' },
      take: Math.min(filter.limit ?? 100, 1000),
    });
    return { items: rows.map(toView), total };
  }

  async get(id: string): Promise<JobFailure> {
    const row = await this.dataSource.getRepository(JobFailure).findOneBy({ id });
    if (!row) throw DomainError.notFound('Failed job', id);
    return row;
  }

  /** Marks a failed row resolved; refuses if someone else resolved it first. */
  async resolve(id: string, status: Exclude<JobFailureStatus, 'failed'>, retriedAsJobId?: string): Promise<void> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(JobFailure)
      .set({ status, resolvedAt: () => 'now()', retriedAsJobId: retriedAsJobId ?? null })
      .where('id = :id AND status = :failed', { id, failed: 'failed' })
      .execute();
    if (!result.affected) throw new DomainError('CONFLICT', `Failed job ${id} is no longer in the failed state`);
  }
}

export function toView(row: JobFailure): JobFailureView {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    jobId: row.jobId,
    payloadVersion: row.envelope.v,
    payload: row.envelope.data,
    attempts: row.attempts,
    error: row.error,
    status: row.status,
    failedAt: row.failedAt.toISOString(),
    resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
    retriedAsJobId: row.retriedAsJobId,
  };
}
