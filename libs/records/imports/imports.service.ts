import { Readable } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { DomainError, isUuid } from '@scrutiny/core';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { defineJob, HandlesJob, JobQueue, PermanentJobError, type JobHandler } from '@scrutiny/jobs';
import { findArea, type AreaRef } from '../areas/area-lookup';
import { Import, ImportRejection, type ImportStatus } from './import.entity';
import { importPoliceUkCsv, sourceMonthOf } from './police-uk-import';
import { ImportFileError, type ImportCounts } from './import-transaction';
import { importTemplateCsv } from './template-import';
import { checkHeader } from './police-uk-row';
import { checkTemplateHeader } from '../cases/case-csv';
import { filenameForceProblem } from './placement';
import { USE_OF_FORCE, VEHICLE_STOP, type CaseKindSpec } from '../cases/case-kinds';

/** police.uk stop-and-search CSVs, and the CSV templates of the other record kinds. */
export const IMPORT_FORMATS = ['police-uk', 'vehicle-stops', 'use-of-force'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
const TEMPLATES: Record<Exclude<ImportFormat, 'police-uk'>, CaseKindSpec> = {
  'vehicle-stops': VEHICLE_STOP,
  'use-of-force': USE_OF_FORCE,
};

const importPayload = z.object({ importId: z.string().uuid() });

/** Runs one stored import, whatever its format. */
export const ImportFileJob = defineJob('imports', 'import-file', 1, importPayload);

/**
 * The same job under the name it had when only police.uk files were imported ('imports/police-uk', v1, the same
 * payload). Nothing enqueues it any more, but a deployment upgraded with such jobs still waiting in BullMQ would
 * otherwise dead-letter them ("No handler") and leave their imports queued until the next start-up's recovery: its
 * handler runs them like any other. Remove once no deployment can hold a job queued before the rename.
 */
export const LegacyPoliceUkImportJob = defineJob('imports', 'police-uk', 1, importPayload);

/** Why a file's header is wrong for its format, or null. */
function headerProblem(format: ImportFormat, cells: string[]): string | null {
  return format === 'police-uk' ? checkHeader(cells) : checkTemplateHeader(TEMPLATES[format], cells);
}

const CHUNK_BYTES = 1 << 20;
const REJECTIONS_SHOWN = 1000;

export interface ImportView {
  id: string;
  format: string;
  force: { code: string; name: string; policeUkId: string | null };
  filename: string;
  sourceMonth: string | null;
  status: ImportStatus;
  rowsRead: number;
  rowsImported: number;
  rowsDuplicate: number;
  rowsRejected: number;
  /** The first REJECTIONS_SHOWN rejected-row problems, by line. */
  rejected: { line: number; field: string; reason: string }[];
  rejectedTruncated: boolean;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** First line of a file (up to 64 KiB), for refusing a wrong header before anything is queued. */
function firstLine(content: Buffer): string {
  const head = content.subarray(0, 65_536).toString('utf8');
  const end = head.search(/\r?\n/);
  return end < 0 ? head : head.slice(0, end);
}

@Injectable()
export class ImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    @Inject(OPENED_DATABASE) private readonly db: OpenedDatabase,
  ) {}

  /** A force by data.police.uk id (`lancashire`) or ONS code (`E23000003`). */
  async resolveForce(force: string, field = 'force'): Promise<AreaRef> {
    const area = await findArea(this.dataSource, force, { force: true });
    if (!area)
      throw DomainError.validation([
        {
          field,
          message: `"${force}" is not a police force area (give its data.police.uk id, e.g. lancashire, or ONS code)`,
        },
      ]);
    return area;
  }

  /** Stores an uploaded file and queues its import. Refuses at once an unknown format, an empty file or a wrong header. */
  async queueUpload(
    input: { format: string; force: string; filename: string; content: Buffer },
    actor: AuditActor,
  ): Promise<ImportView> {
    if (!(IMPORT_FORMATS as readonly string[]).includes(input.format)) {
      throw DomainError.validation([{ field: 'format', message: `must be one of: ${IMPORT_FORMATS.join(', ')}` }]);
    }
    const force = await this.resolveForce(input.force);
    const named = filenameForceProblem(input.filename, force.code);
    if (named) throw DomainError.validation([{ field: 'file', message: named }]);
    if (!input.content.length || !firstLine(input.content).trim())
      throw DomainError.validation([{ field: 'file', message: 'the file is empty' }]);
    const format = input.format as ImportFormat;
    const problem = headerProblem(format, firstLine(input.content).split(','));
    if (problem) throw DomainError.validation([{ field: 'file', message: problem }]);
    const id = await this.dataSource.transaction(async (m) => {
      const created = await m.getRepository(Import).save(
        m.getRepository(Import).create({
          format,
          forceCode: force.code,
          filename: path.basename(input.filename).slice(0, 200),
          sourceMonth: format === 'police-uk' ? sourceMonthOf(input.filename) : null,
          status: 'queued',
          createdBy: actor.id,
        }),
      );
      for (let seq = 0; seq * CHUNK_BYTES < input.content.length; seq++) {
        await m.query(`INSERT INTO import_file_chunks (import_id, seq, data) VALUES ($1, $2, $3)`, [
          created.id,
          seq,
          input.content.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES),
        ]);
      }
      await this.audit.record(
        actor,
        {
          action: 'import.queued',
          target: { type: 'import', id: created.id },
          details: { filename: created.filename, bytes: input.content.length, force: force.code },
        },
        m,
      );
      return created.id;
    });
    await this.queue.enqueue(ImportFileJob, { importId: id }, { jobId: `import-${id}` });
    return this.get(id);
  }

  /** Runs a queued import (the job). Completed imports are not run again. */
  async runQueued(importId: string): Promise<void> {
    const job = await this.dataSource.getRepository(Import).findOneBy({ id: importId });
    if (!job) throw new PermanentJobError(`Import ${importId} does not exist`);
    if (job.status === 'completed') return;
    await this.execute(job, (reader) => Readable.from(this.storedChunks(reader, importId)), {
      id: job.createdBy,
      username: null,
      roles: [],
    });
  }

  /** Imports a file from disk now, without the queue (the CLI). */
  async importFile(
    filePath: string,
    format: ImportFormat,
    force: string,
    actor: AuditActor,
    onProgress?: (rowsRead: number, bytesRead: number) => void,
  ): Promise<ImportView> {
    let bytesRead = 0;
    // Opened only when the import starts reading: a stream with a 'data' listener flows at once and would lose data.
    const open = () => fs.createReadStream(filePath).on('data', (chunk) => (bytesRead += chunk.length));
    return this.importReadable(
      open,
      path.basename(filePath),
      format,
      force,
      actor,
      onProgress && ((rows) => onProgress(rows, bytesRead)),
    );
  }

  /** Imports a stream now, without the queue (CLI, demo data). A failed file is reported in the view, not thrown. */
  async importReadable(
    open: () => Readable,
    filename: string,
    format: ImportFormat,
    force: string,
    actor: AuditActor,
    onProgress?: (rowsRead: number) => void,
  ): Promise<ImportView> {
    if (!(IMPORT_FORMATS as readonly string[]).includes(format))
      throw DomainError.validation([{ field: 'format', message: `must be one of: ${IMPORT_FORMATS.join(', ')}` }]);
    const area = await this.resolveForce(force);
    const named = filenameForceProblem(filename, area.code);
    if (named) throw DomainError.validation([{ field: 'file', message: named }]);
    const created = await this.dataSource.getRepository(Import).save(
      this.dataSource.getRepository(Import).create({
        format,
        forceCode: area.code,
        filename,
        sourceMonth: format === 'police-uk' ? sourceMonthOf(filename) : null,
        status: 'queued',
        createdBy: actor.id,
      }),
    );
    await this.execute(created, open, actor, onProgress).catch((error: unknown) => {
      if (!(error instanceof PermanentJobError)) throw error;
    });
    return this.get(created.id);
  }

  async get(id: string): Promise<ImportView> {
    if (!isUuid(id)) throw DomainError.notFound('Import', id);
    const row = await this.dataSource.getRepository(Import).findOneBy({ id });
    if (!row) throw DomainError.notFound('Import', id);
    const force = (await findArea(this.dataSource, row.forceCode))!;
    const rejected = await this.dataSource
      .getRepository(ImportRejection)
      .find({ where: { importId: id }, order: { line: 'ASC', field: 'ASC' }, take: REJECTIONS_SHOWN + 1 });
    return {
      id: row.id,
      format: row.format,
      force: { code: force.code, name: force.name, policeUkId: force.policeUkId },
      filename: row.filename,
      sourceMonth: row.sourceMonth,
      status: row.status,
      rowsRead: row.rowsRead,
      rowsImported: row.rowsImported,
      rowsDuplicate: row.rowsDuplicate,
      rowsRejected: row.rowsRejected,
      rejected: rejected.slice(0, REJECTIONS_SHOWN).map((r) => ({ line: r.line, field: r.field, reason: r.reason })),
      rejectedTruncated: rejected.length > REJECTIONS_SHOWN,
      error: row.error,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }

  private async execute(
    job: Import,
    input: Parameters<typeof importPoliceUkCsv>[1]['input'],
    actor: AuditActor,
    onProgress?: (rowsRead: number) => void,
  ): Promise<ImportCounts> {
    await this.dataSource
      .getRepository(Import)
      .update({ id: job.id }, { status: 'running', startedAt: new Date(), error: null });
    const common = {
      importId: job.id,
      forceCode: job.forceCode,
      input,
      onProgress,
      beforeCommit: async (runner: QueryRunner, counts: ImportCounts) => {
        await runner.query(`DELETE FROM import_file_chunks WHERE import_id = $1`, [job.id]);
        await this.audit.record(
          actor,
          {
            action: 'import.completed',
            target: { type: 'import', id: job.id },
            details: { ...counts, format: job.format, filename: job.filename },
          },
          runner.manager,
        );
      },
    };
    try {
      const format = job.format as ImportFormat;
      if (format === 'police-uk')
        return await importPoliceUkCsv(this.dataSource, {
          ...common,
          sourceMonth: job.sourceMonth,
          engine: this.db.kind,
        });
      if (!(format in TEMPLATES)) throw new ImportFileError(`unknown import format "${job.format}"`);
      return await importTemplateCsv(this.dataSource, { ...common, spec: TEMPLATES[format] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.dataSource.getRepository(Import).update(
        { id: job.id },
        {
          status: 'failed',
          error: error instanceof ImportFileError ? message : `Import failed and was rolled back: ${message}`,
          finishedAt: new Date(),
        },
      );
      if (error instanceof ImportFileError) throw new PermanentJobError(message);
      throw error;
    }
  }

  private async *storedChunks(
    reader: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
    importId: string,
  ): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const rows = (await reader.query(`SELECT data FROM import_file_chunks WHERE import_id = $1 AND seq = $2`, [
        importId,
        seq,
      ])) as { data: Buffer }[];
      if (!rows.length) return;
      yield rows[0].data;
    }
  }
}

@Injectable()
@HandlesJob(ImportFileJob)
export class ImportFileHandler implements JobHandler<{ importId: string }> {
  constructor(private readonly imports: ImportsService) {}

  handle(payload: { importId: string }): Promise<void> {
    return this.imports.runQueued(payload.importId);
  }
}

/** Runs jobs queued under the import job's old name (see LegacyPoliceUkImportJob) with the same runner. */
@Injectable()
@HandlesJob(LegacyPoliceUkImportJob)
export class LegacyPoliceUkImportHandler implements JobHandler<{ importId: string }> {
  constructor(private readonly imports: ImportsService) {}

  handle(payload: { importId: string }): Promise<void> {
    return this.imports.runQueued(payload.importId);
  }
}
