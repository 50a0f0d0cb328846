import { DataSource } from 'typeorm';
import { JobQueue } from '@scrutiny/jobs';
import { withCliContext } from '../cli-context';
import type { CliCommand } from '../command';

export const healthCommand: CliCommand = {
  name: 'health',
  usage: 'health',
  summary: 'Check the database and the job queue are reachable (the worker container health check)',
  run: (_args, { config, logger, out }) =>
    withCliContext(config, logger, async (app) => {
      await app.get(DataSource).query('SELECT 1');
      const queue = await app.get(JobQueue).health();
      out(
        `database: up (${config.database.kind}); queue: ${queue.ok ? 'up' : 'down'} (${queue.kind})${queue.detail ? ` ${queue.detail}` : ''}`,
      );
      return queue.ok ? 0 : 1;
    }),
};
