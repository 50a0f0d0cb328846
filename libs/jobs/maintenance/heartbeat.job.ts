import * as os from 'node:os';
import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { z } from 'zod';
import { defineJob } from '../job-definition';
import { HandlesJob, type JobContext, type JobHandler } from '../job-handler';
import { Recurring } from '../recurring-jobs';
import { MaintenanceHeartbeat } from './heartbeat.entity';

export const HeartbeatJob = defineJob(
  'maintenance',
  'heartbeat',
  1,
  z.object({ source: z.string().min(1).max(100) }).strict(),
);
export type HeartbeatPayload = z.infer<typeof HeartbeatJob.schema>;

const KEEP_DAYS = 7;

/** Records that a job ran (and where), and prunes heartbeats older than a week. */
@Injectable()
@HandlesJob(HeartbeatJob)
@Recurring(HeartbeatJob, (config) => config.heartbeatIntervalMs, { source: 'schedule' })
export class HeartbeatHandler implements JobHandler<HeartbeatPayload> {
  constructor(private readonly dataSource: DataSource) {}

  async handle(_payload: HeartbeatPayload, context: JobContext): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(MaintenanceHeartbeat);
      await repo.insert({
        jobId: context.jobId,
        processedBy: `${os.hostname()}:${process.pid}`,
        enqueuedAt: context.enqueuedAt,
      });
      await repo.delete({ ranAt: LessThan(new Date(Date.now() - KEEP_DAYS * 86_400_000)) });
    });
  }
}

@Injectable()
export class HeartbeatReader {
  constructor(private readonly dataSource: DataSource) {}

  async latest(): Promise<{ jobId: string; processedBy: string; ranAt: Date; lagMs: number } | null> {
    const [row] = await this.dataSource.getRepository(MaintenanceHeartbeat).find({ order: { ranAt: 'DESC' }, take: 1 });
    return row
      ? {
          jobId: row.jobId,
          processedBy: row.processedBy,
          ranAt: row.ranAt,
          lagMs: row.ranAt.getTime() - row.enqueuedAt.getTime(),
        }
      : null;
  }
}
