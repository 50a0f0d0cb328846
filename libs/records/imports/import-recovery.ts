import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@scrutiny/core';
import { JOBS_PROCESSING, JobQueue } from '@scrutiny/jobs';
import { ImportFileJob } from './imports.service';

/**
 * Imports left queued or running by a stopped process (the in-process queue does not survive a restart) still have
 * their file in the database: queue them again at start-up. The job id makes this a no-op for imports whose job is
 * still known to the queue, and a completed import is never run twice.
 */
@Injectable()
export class ImportRecovery implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(JOBS_PROCESSING) private readonly processing: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.processing) await this.requeueStranded();
  }

  async requeueStranded(): Promise<void> {
    const stranded = (await this.dataSource.query(
      `SELECT i.id FROM imports i WHERE i.status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM import_file_chunks c WHERE c.import_id = i.id)`,
    )) as { id: string }[];
    for (const { id } of stranded) await this.queue.enqueue(ImportFileJob, { importId: id }, { jobId: `import-${id}` });
    if (stranded.length) this.logger.warn({ imports: stranded.map((s) => s.id) }, 'unfinished imports queued again');
  }
}
