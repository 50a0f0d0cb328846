import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, londonMonth, LOGGER, MONTH, previousMonth, type AppConfig, type Logger } from '@scrutiny/core';
import { defineJob, HandlesJob, JOBS_PROCESSING, JobQueue, type JobHandler } from '@scrutiny/jobs';
import { DipSamplesService } from './dip-samples.service';
import { RetentionService } from './retention.service';

/** Looks for active plans whose month just ended has no scheduled sample yet, and queues each draw once. */
export const SamplingScheduleTickJob = defineJob('sampling', 'schedule-tick', 1, z.object({}).strict());
/** Draws and issues one plan's sample for one month; its job id and a unique index make it happen at most once. */
export const ScheduledDrawJob = defineJob('sampling', 'scheduled-draw', 1, z.object({ planId: z.string().uuid(), period: z.string().regex(MONTH) }).strict());
/** The daily BWV retention check. */
export const RetentionCheckJob = defineJob('sampling', 'retention-check', 1, z.object({}).strict());

export function scheduledDrawJobId(planId: string, period: string): string {
  return `dip-sample-${planId}-${period}`;
}

@Injectable()
@HandlesJob(SamplingScheduleTickJob)
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
    for (const { id } of due) await this.queue.enqueue(ScheduledDrawJob, { planId: id, period }, { jobId: scheduledDrawJobId(id, period) });
  }
}

@Injectable()
@HandlesJob(ScheduledDrawJob)
export class ScheduledDrawHandler implements JobHandler<{ planId: string; period: string }> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly samples: DipSamplesService,
  ) {}

  /** Idempotent: finds the plan's scheduled sample of the month if any (two workers may race: one insert wins), and issues it. */
  async handle({ planId, period }: { planId: string; period: string }): Promise<void> {
    let existing = await this.find(planId, period);
    if (!existing) {
      try {
        await this.samples.draw({ system: true }, { period, planId }, { scheduled: true });
      } catch (error) {
        if ((error as { driverError?: { code?: string }; code?: string }).driverError?.code !== '23505' && (error as { code?: string }).code !== '23505') throw error;
      }
      existing = await this.find(planId, period);
    }
    if (existing?.status === 'draft') {
      await this.samples.issue({ system: true }, existing.id, existing.version).catch((error: unknown) => {
        // Another worker issued it first.
        if (!(error instanceof Error && /already issued|version/i.test(error.message))) throw error;
      });
    }
  }

  private async find(planId: string, period: string): Promise<{ id: string; status: string; version: number } | undefined> {
    const [row] = (await this.dataSource.query(`SELECT id, status, version FROM dip_samples WHERE plan_id = $1 AND period = $2::date AND scheduled`, [planId, `${period}-01`])) as {
      id: string; status: string; version: number;
    }[];
    return row;
  }
}

@Injectable()
@HandlesJob(RetentionCheckJob)
export class RetentionCheckHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly retention: RetentionService) {}

  async handle(): Promise<void> {
    await this.retention.check();
  }
}

/** Installs the sampling schedules, in the process that runs jobs only. */
@Injectable()
export class SamplingSchedules implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(JOBS_PROCESSING) private readonly processing: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.processing) return;
    const { scheduleIntervalMs, retentionCheckIntervalMs } = this.config.sampling;
    if (scheduleIntervalMs > 0) await this.queue.schedule(SamplingScheduleTickJob, scheduleIntervalMs, {});
    if (retentionCheckIntervalMs > 0) await this.queue.schedule(RetentionCheckJob, retentionCheckIntervalMs, {});
    this.logger.info({ scheduleIntervalMs, retentionCheckIntervalMs }, 'sampling schedule and retention check installed');
  }
}
