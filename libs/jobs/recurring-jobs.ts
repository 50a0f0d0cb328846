import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { JobQueue } from './job-queue';
import { HeartbeatJob } from './maintenance/heartbeat.job';

/** Installs the recurring schedules; only in the process that processes jobs, so each is installed once. */
@Injectable()
export class RecurringJobs implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.heartbeatIntervalMs > 0) {
      await this.queue.schedule(HeartbeatJob, this.config.heartbeatIntervalMs, { source: 'schedule' });
      this.logger.info({ everyMs: this.config.heartbeatIntervalMs }, 'heartbeat scheduled');
    }
  }
}
