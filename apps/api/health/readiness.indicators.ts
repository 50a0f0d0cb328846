import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '@scrutiny/database';
import { HeartbeatReader, JobQueue } from '@scrutiny/jobs';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly jobQueue: JobQueue,
    private readonly heartbeats: HeartbeatReader,
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
    const data = {
      kind: health.kind,
      ...(health.counts ? { counts: health.counts } : {}),
      lastHeartbeatAt: last ? last.ranAt.toISOString() : null,
      ...(health.detail ? { message: health.detail } : {}),
    };
    return health.ok ? check.up(data) : check.down(data);
  }
}
