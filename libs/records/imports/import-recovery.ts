import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@scrutiny/core';
import { JOBS_PROCESSING, JobQueue, StrandedWorkRecovery } from '@scrutiny/jobs';
import { ImportFileJob } from './imports.service';

/** Imports left queued or running by a stopped process still have their file in the database: queue them again. */
@Injectable()
export class ImportRecovery extends StrandedWorkRecovery<{ importId: string }> {
  constructor(
    private readonly dataSource: DataSource,
    queue: JobQueue,
    @Inject(LOGGER) logger: Logger,
    @Inject(JOBS_PROCESSING) processing: boolean,
  ) {
    super(queue, logger, processing, {
      label: 'imports',
      job: ImportFileJob,
      payload: (importId) => ({ importId }),
      jobId: (id) => `import-${id}`,
    });
  }

  protected async stranded(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT i.id FROM imports i WHERE i.status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM import_file_chunks c WHERE c.import_id = i.id)`,
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }
}
