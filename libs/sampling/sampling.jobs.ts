import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { londonMonth, MONTH, previousMonth } from '@scrutiny/core';
import { defineJob, HandlesJob, JobQueue, Recurring, type JobHandler } from '@scrutiny/jobs';
import { DipSamplesService } from './dip-samples.service';
import { RetentionService } from './retention.service';

/** Looks for active plans whose month just ended has no scheduled sample yet, and queues each draw once. */
export const SamplingScheduleTickJob = defineJob('sampling', 'schedule-tick', 1, z.object({}).strict());
/** Draws and issues one plan's sample for one month; its job id and a unique index make it happen at most once. */
export const ScheduledDrawJob = defineJob(
  'sampling',
  'scheduled-draw',
  1,
  z.object({ planId: z.string().uuid(), period: z.string().regex(MONTH) }).strict(),
);
/** The daily BWV retention check. */
export const RetentionCheckJob = defineJob('sampling', 'retention-check', 1, z.object({}).strict());

export function scheduledDrawJobId(planId: string, period: string): string {
  return `dip-sample-${planId}-${period}`;
}

@Injectable()
@HandlesJob(SamplingScheduleTickJob)
@Recurring(SamplingScheduleTickJob, (config) => config.sampling.scheduleIntervalMs, {})
export class SamplingScheduleTickHandler implements JobHandler<Record<string, never>> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
  ) {}

  async handle(): Promise<void> {
    const period = previousMonth(londonMonth(new Date()));
    const due = (await this.dataSource.query(
      `SELECT p.id FROM sampling_plans p WHERE p.active
         AND NOT EXISTS (SELECT 1 FROM dip_samples s WHERE s.plan_id = p.id AND s.scheduled AND s.period = $1::date AND s.status = 'issued')`,
      [`${period}-01`],
    )) as { id: string }[];
    for (const { id } of due)
      await this.queue.enqueue(ScheduledDrawJob, { planId: id, period }, { jobId: scheduledDrawJobId(id, period) });
  }
}

@Injectable()
@HandlesJob(ScheduledDrawJob)
export class ScheduledDrawHandler implements JobHandler<{ planId: string; period: string }> {
  constructor(private readonly samples: DipSamplesService) {}

  /**
   * Idempotent, whoever else runs it: the scheduled draw answers the month's existing scheduled sample if there is
   * one (two workers may race: one insert wins), and the system issuing an issued sample is a no-op.
   */
  async handle({ planId, period }: { planId: string; period: string }): Promise<void> {
    const sample = await this.samples.draw({ system: true }, { period, planId }, { scheduled: true });
    if (sample.status === 'draft') await this.samples.issue({ system: true }, sample.id, sample.version);
  }
}

@Injectable()
@HandlesJob(RetentionCheckJob)
@Recurring(RetentionCheckJob, (config) => config.sampling.retentionCheckIntervalMs, {})
export class RetentionCheckHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly retention: RetentionService) {}

  async handle(): Promise<void> {
    await this.retention.check();
  }
}
