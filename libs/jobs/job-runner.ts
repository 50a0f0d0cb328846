import { Inject, Injectable } from '@nestjs/common';
import { executionContext, LOGGER, type Logger } from '@scrutiny/core';
import type { RunnableJob } from './job-definition';
import { PermanentJobError } from './job-errors';
import { JobHandlerRegistry } from './job-handler';
import { DeadLetterStore } from './dead-letter/dead-letter.store';

export type RunOutcome = { status: 'completed' } | { status: 'failed'; error: Error; willRetry: boolean };

/**
 * Runs one attempt of one job, whichever adapter delivered it: checks the payload against its contract,
 * calls the handler inside a context that tags every log line with the job id, and writes the job to the
 * dead letters when this was its last chance.
 */
@Injectable()
export class JobRunner {
  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly deadLetters: DeadLetterStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(job: RunnableJob): Promise<RunOutcome> {
    return executionContext.run({ jobId: job.id, jobName: `${job.queue}/${job.name}` }, async () => {
      const started = performance.now();
      try {
        await this.dispatch(job);
        this.logger.info(
          { attempt: job.attempt, durationMs: Math.round(performance.now() - started) },
          'job completed',
        );
        return { status: 'completed' as const };
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        const permanent = error instanceof PermanentJobError;
        const willRetry = !permanent && job.attempt < job.maxAttempts;
        this.logger.warn(
          {
            attempt: job.attempt,
            maxAttempts: job.maxAttempts,
            willRetry,
            err: { message: error.message, stack: error.stack },
          },
          'job failed',
        );
        if (!willRetry) await this.deadLetters.record(job, error.message, job.attempt);
        return { status: 'failed' as const, error, willRetry };
      }
    });
  }

  private async dispatch(job: RunnableJob): Promise<void> {
    const registered = this.registry.find(job.queue, job.name);
    if (!registered) throw new PermanentJobError(`No handler for job ${job.queue}/${job.name}`);
    if (job.envelope?.v !== registered.def.version) {
      throw new PermanentJobError(
        `Payload version ${String(job.envelope?.v)} does not match ${job.queue}/${job.name} v${registered.def.version}`,
      );
    }
    const parsed = registered.def.schema.safeParse(job.envelope.data);
    if (!parsed.success) throw new PermanentJobError(`Invalid payload: ${parsed.error.message}`);
    await registered.handler.handle(parsed.data, {
      jobId: job.id,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      enqueuedAt: job.enqueuedAt,
    });
  }
}
