import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, type Logger } from '@scrutiny/core';
import { z } from 'zod';
import {
  defineJob,
  HandlesJob,
  JOBS_PROCESSING,
  JobQueue,
  Recurring,
  StrandedWorkRecovery,
  type JobHandler,
} from '@scrutiny/jobs';
import { ImportFileJob, ImportsService } from './imports.service';

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

/** Sweeps imports saved but never queued (see ImportsService.sweepStranded). */
export const ImportSweepJob = defineJob('imports', 'sweep-stranded', 1, z.object({}).strict());

/**
 * Start-up recovery only helps after a restart: an upload whose enqueue failed, or whose process died between saving
 * it and queueing it, would wait until then. This runs every IMPORT_SWEEP_INTERVAL_MS (20 s by default), so such an
 * import is queued again (or failed, its file gone) within a minute.
 */
@Injectable()
@HandlesJob(ImportSweepJob)
@Recurring(ImportSweepJob, (config) => config.importSweepIntervalMs, {})
export class ImportSweepHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly imports: ImportsService) {}

  async handle(): Promise<void> {
    await this.imports.sweepStranded();
  }
}
