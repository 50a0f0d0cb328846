import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { londonMonth, MONTH, previousMonth } from '@scrutiny/core';
import { defineJob, HandlesJob, JobQueue, Recurring, type JobHandler } from '@scrutiny/jobs';
import { DipSamplesService } from './dip-samples.service';
import { RetentionService } from './retention.service';
import { SampleReviewsService } from './reviews.service';
import { monthsBefore, SCHEDULE_CATCH_UP_MONTHS } from './plans.service';

/**
 * Looks for plans whose schedule is switched on and queues the draw of every ended month since the schedule's first
 * month (at most SCHEDULE_CATCH_UP_MONTHS back) that has no sample from the plan yet, or whose scheduled draft still
 * waits to be issued (unless the month has since been drawn by hand): a month missed while no worker ran is drawn on
 * the next tick.
 */
export const SamplingScheduleTickJob = defineJob('sampling', 'schedule-tick', 1, z.object({}).strict());
/** Draws and issues one plan's sample for one month; its job id and a unique index make it happen at most once. */
export const ScheduledDrawJob = defineJob(
  'sampling',
  'scheduled-draw',
  1,
  z.object({ planId: z.string().uuid(), period: z.string().regex(MONTH) }).strict(),
);
/** Reminds assignees of reviews past their due date (once per review and due date). */
export const ReviewOverdueCheckJob = defineJob('sampling', 'review-overdue-check', 1, z.object({}).strict());
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
    const last = previousMonth(londonMonth(new Date()));
    const earliest = monthsBefore(last, SCHEDULE_CATCH_UP_MONTHS - 1);
    const due = (await this.dataSource.query(
      `SELECT p.id, to_char(m.month, 'YYYY-MM') AS period
       FROM sampling_plans p
       CROSS JOIN LATERAL generate_series(greatest(p.schedule_from, $1::date)::timestamp, $2::date::timestamp, interval '1 month') AS m(month)
       WHERE p.schedule_enabled AND p.schedule_from IS NOT NULL
         AND (NOT EXISTS (SELECT 1 FROM dip_samples s WHERE s.plan_id = p.id AND s.period = m.month::date)
           OR EXISTS (SELECT 1 FROM dip_samples s WHERE s.plan_id = p.id AND s.period = m.month::date AND s.scheduled AND s.status = 'draft'
             AND EXISTS (SELECT 1 FROM dip_sample_items i WHERE i.sample_id = s.id))
             AND NOT EXISTS (SELECT 1 FROM dip_samples h WHERE h.plan_id = p.id AND h.period = m.month::date AND NOT h.scheduled))
       ORDER BY p.id, m.month`,
      [`${earliest}-01`, `${last}-01`],
    )) as { id: string; period: string }[];
    for (const { id, period } of due)
      await this.queue.enqueue(ScheduledDrawJob, { planId: id, period }, { jobId: scheduledDrawJobId(id, period) });
  }
}

@Injectable()
@HandlesJob(ScheduledDrawJob)
export class ScheduledDrawHandler implements JobHandler<{ planId: string; period: string }> {
  constructor(private readonly samples: DipSamplesService) {}

  /** Idempotent, whoever else runs it: see DipSamplesService.runSchedule. */
  async handle({ planId, period }: { planId: string; period: string }): Promise<void> {
    await this.samples.runSchedule(planId, period);
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

@Injectable()
@HandlesJob(ReviewOverdueCheckJob)
@Recurring(ReviewOverdueCheckJob, (config) => config.mail.overdueCheckIntervalMs, {})
export class ReviewOverdueCheckHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly reviews: SampleReviewsService) {}

  async handle(): Promise<void> {
    await this.reviews.remindOverdue();
  }
}
