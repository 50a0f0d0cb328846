import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { jobKey, type JobDefinition } from './job-definition';
import { JobHandlerRegistry } from './job-handler';
import { JobQueue } from './job-queue';

/** One recurring job: what runs, how often (0 or less: not scheduled), and with which payload. */
export interface RecurringSchedule<P = unknown> {
  def: JobDefinition<P>;
  everyMs: (config: AppConfig) => number;
  payload: P;
}

const RecurringMetadata = DiscoveryService.createDecorator<RecurringSchedule[]>();

/**
 * Declares that `def` runs every `everyMs(config)` milliseconds with `payload`. Put it on any provider (usually the
 * job's handler); it stacks. RecurringJobs finds every declaration at start-up and installs it in the process that
 * takes jobs off the queue, so a feature adds a schedule without touching the jobs module.
 */
export function Recurring<P>(
  def: JobDefinition<P>,
  everyMs: (config: AppConfig) => number,
  payload: P,
): ClassDecorator {
  return (target) => {
    const declared = (Reflect.getMetadata(RecurringMetadata.KEY, target) as RecurringSchedule[] | undefined) ?? [];
    RecurringMetadata([...declared, { def, everyMs, payload } as RecurringSchedule])(target);
  };
}

/**
 * Installs every @Recurring schedule. Provided only in the process that processes jobs, so each is installed once;
 * installing again (a restart) replaces a schedule rather than duplicating it.
 */
@Injectable()
export class RecurringJobs implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registry: JobHandlerRegistry,
    private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Every declared schedule, checked: one per job, each with a handler. */
  schedules(): RecurringSchedule[] {
    const found = new Map<string, RecurringSchedule>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: RecurringMetadata.KEY })) {
      for (const schedule of this.discovery.getMetadataByDecorator(RecurringMetadata, wrapper) ?? []) {
        const key = jobKey(schedule.def);
        if (found.has(key) && found.get(key) !== schedule) throw new Error(`Two schedules declared for job ${key}`);
        if (!this.registry.find(schedule.def.queue, schedule.def.name))
          throw new Error(`Job ${key} is scheduled but nothing handles it`);
        found.set(key, schedule);
      }
    }
    return [...found.values()];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const { def, everyMs, payload } of this.schedules()) {
      const every = everyMs(this.config);
      if (!(every > 0)) continue;
      await this.queue.schedule(def, every, payload);
      this.logger.info({ job: jobKey(def), everyMs: every }, 'recurring job scheduled');
    }
  }
}
