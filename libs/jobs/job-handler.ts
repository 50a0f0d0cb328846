import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { jobKey, type JobDefinition } from './job-definition';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** When `attempt` reaches it, a failure is final (the job goes to the dead letters). */
  maxAttempts: number;
  enqueuedAt: Date;
}

export interface JobHandler<P> {
  handle(payload: P, context: JobContext): Promise<void>;
}

/** Marks a provider as the handler of one job definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const HandlesJob = DiscoveryService.createDecorator<JobDefinition<any>>();

interface Registered {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: JobDefinition<any>;
  handler: JobHandler<unknown>;
}

/** Finds every @HandlesJob provider at start-up; the runner asks it who handles a job. */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Registered>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: HandlesJob.KEY })) {
      const def = this.discovery.getMetadataByDecorator(HandlesJob, wrapper);
      if (!def || !wrapper.instance) continue;
      const key = jobKey(def);
      if (this.handlers.has(key)) throw new Error(`Two handlers registered for job ${key}`);
      this.handlers.set(key, { def, handler: wrapper.instance as JobHandler<unknown> });
    }
  }

  find(queue: string, name: string): Registered | undefined {
    return this.handlers.get(jobKey({ queue, name }));
  }
}
