import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@scrutiny/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '@scrutiny/database';
import { HeartbeatReader, JobQueue, type QueueHealth } from '@scrutiny/jobs';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Why the queue is stalled, or null: in services mode (BullMQ) jobs are waiting and no worker has run a heartbeat
 * lately (none ever, or none in twice the heartbeat interval, at least a minute). The API still serves, so this is
 * `degraded`, not down: a load balancer must keep sending traffic while someone starts the worker.
 */
export function workerStall(
  health: QueueHealth,
  lastHeartbeatAt: Date | null,
  heartbeatIntervalMs: number,
  now = Date.now(),
): string | null {
  const waiting = health.counts?.waiting ?? 0;
  if (health.kind !== 'bullmq' || !health.ok || waiting <= 0) return null;
  const staleAfter = Math.max(2 * heartbeatIntervalMs, 60_000);
  if (lastHeartbeatAt && now - lastHeartbeatAt.getTime() <= staleAfter) return null;
  return `${waiting} job(s) waiting and no worker heartbeat ${lastHeartbeatAt ? `since ${lastHeartbeatAt.toISOString()}` : 'ever recorded'}: is the worker running?`;
}

@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly jobQueue: JobQueue,
    private readonly heartbeats: HeartbeatReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async database() {
    const check = this.indicators.check('database');
    try {
      await this.dataSource.query('SELECT 1');
      return check.up({ driver: this.dataSource.driver.options.type });
    } catch (error) {
      return check.down({ message: message(error) });
    }
  }

  async migrations() {
    const check = this.indicators.check('migrations');
    try {
      return (await pendingMigrations(this.dataSource))
        ? check.down({ message: 'pending migrations: run `npm run cli -- migrate`' })
        : check.up();
    } catch (error) {
      return check.down({ message: message(error) });
    }
  }

  async queue() {
    const check = this.indicators.check('queue');
    const health = await this.jobQueue.health();
    const last = await this.heartbeats.latest().catch(() => null);
    const stall = workerStall(health, last?.ranAt ?? null, this.config.heartbeatIntervalMs);
    const data = {
      kind: health.kind,
      ...(health.counts ? { counts: health.counts } : {}),
      lastHeartbeatAt: last ? last.ranAt.toISOString() : null,
      ...(health.detail ? { message: health.detail } : {}),
      ...(stall ? { degraded: true, message: stall } : {}),
    };
    return health.ok ? check.up(data) : check.down(data);
  }
}
