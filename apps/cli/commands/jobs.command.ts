import { parseArgs } from 'node:util';
import { FailedJobsService, HeartbeatJob, InProcessJobQueue, JobQueue, type JobFailureStatus } from '@scrutiny/jobs';
import type { INestApplicationContext } from '@nestjs/common';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand, type CommandEnv } from '../command';

function withContext(env: CommandEnv, fn: (app: INestApplicationContext) => Promise<number>): Promise<number> {
  return withCliContext(env.config, env.logger, async (app) => {
    const code = await fn(app);
    // Embedded mode has no worker: a job enqueued here runs here, so wait for it before closing.
    if (env.config.jobs.kind === 'in-process') await app.get(InProcessJobQueue).idle();
    return code;
  });
}

const STATUSES: JobFailureStatus[] = ['failed', 'retried', 'discarded'];

export const jobsFailedCommand: CliCommand = {
  name: 'jobs:failed',
  usage: 'jobs:failed [--status failed|retried|discarded] [--limit N] [--json]',
  summary: 'The dead letters: jobs that exhausted their retries or could not run',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    });
    const status = (values.status ?? 'failed') as JobFailureStatus;
    if (!STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const limit = values.limit ? Number(values.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
    return withContext(env, async (app) => {
      const rows = await app.get(FailedJobsService).list({ status, limit });
      if (values.json) env.out(JSON.stringify(rows, null, 2));
      else if (!rows.length) env.out(`No ${status} jobs.`);
      else
        for (const r of rows)
          env.out(`${r.id}  ${r.failedAt}  ${r.queue}/${r.name}  attempts=${r.attempts}  ${r.error}`);
      return 0;
    });
  },
};

export const jobsRetryCommand: CliCommand = {
  name: 'jobs:retry',
  usage: 'jobs:retry <failed-job-id>',
  summary: 'Send a dead-lettered job back to its queue with fresh attempts',
  async run(args, env) {
    if (args.length !== 1) throw new UsageError('give exactly one failed job id');
    return withContext(env, async (app) => {
      const { jobId } = await app.get(FailedJobsService).retry(args[0]);
      env.out(`Re-enqueued as job ${jobId}`);
      return 0;
    });
  },
};

export const jobsDiscardCommand: CliCommand = {
  name: 'jobs:discard',
  usage: 'jobs:discard <failed-job-id>',
  summary: 'Mark a dead-lettered job as dealt with, without running it',
  async run(args, env) {
    if (args.length !== 1) throw new UsageError('give exactly one failed job id');
    return withContext(env, async (app) => {
      await app.get(FailedJobsService).discard(args[0]);
      env.out('Discarded.');
      return 0;
    });
  },
};

export const heartbeatCommand: CliCommand = {
  name: 'jobs:heartbeat',
  usage: 'jobs:heartbeat',
  summary: 'Enqueue one heartbeat job (proves the queue and a worker end to end)',
  async run(_args, env) {
    return withContext(env, async (app) => {
      const job = await app.get(JobQueue).enqueue(HeartbeatJob, { source: 'cli' });
      env.out(`Enqueued heartbeat job ${job.id}`);
      return 0;
    });
  },
};
