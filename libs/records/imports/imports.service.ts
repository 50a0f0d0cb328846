import { Readable } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { DataSource, In, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { DomainError, isIsoDate, isUuid } from '@scrutiny/core';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { defineJob, HandlesJob, JobQueue, PermanentJobError, type JobHandler } from '@scrutiny/jobs';
import { findArea, type AreaRef } from '../areas/area-lookup';
import { Import, ImportNotice, ImportRejection, IMPORT_STATUSES, type ImportStatus } from './import.entity';
import { importStopSearchesCsv, type RecordUpdate } from './stop-searches-import';
import { checkStopSearchHeader } from './stop-search-template';
import { checkBwvClipHeader, importBwvClipsCsv } from './bwv-clips-import';
import { importPoliceUkCsv, sourceMonthOf } from './police-uk-import';
import { ImportFileError, type ImportCounts } from './import-transaction';
import { importTemplateCsv } from './template-import';
import { checkHeader } from './police-uk-row';
import { checkTemplateHeader } from '../cases/case-csv';
import { filenameForceProblem } from './placement';
import { USE_OF_FORCE, VEHICLE_STOP, type CaseKindSpec } from '../cases/case-kinds';

/**
 * police.uk stop-and-search CSVs, the force's own stop-search export, the CSV templates of the other record kinds,
 * and the evidence system's BWV clip register.
 */
export const IMPORT_FORMATS = ['police-uk', 'stop-searches', 'vehicle-stops', 'use-of-force', 'bwv-clips'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
const TEMPLATES: Partial<Record<ImportFormat, CaseKindSpec>> = {
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

/**
 * A format whose importer lives in a feature lib that depends on this one (complaints), registered by that lib's
 * module at start-up: it runs through the same upload, queue, transaction, rejections and audit as the others.
 */
export interface RegisteredImporter {
  checkHeader(cells: string[]): string | null;
  run(
    dataSource: DataSource,
    options: {
      importId: string;
      forceCode: string;
      input: Parameters<typeof importTemplateCsv>[1]['input'];
      onProgress?: (rowsRead: number) => void;
      beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
    },
  ): Promise<ImportCounts>;
}
const REGISTERED = new Map<string, RegisteredImporter>();

/** Adds a format (not offered by `POST /imports`: its lib's own route uploads it, under its own permission). */
export function registerImporter(format: string, importer: RegisteredImporter): void {
  REGISTERED.set(format, importer);
}

/** Why a file's header is wrong for its format, or null. */
function headerProblem(format: ImportFormat, cells: string[]): string | null {
  const registered = REGISTERED.get(format);
  if (registered) return registered.checkHeader(cells);
  if (format === 'police-uk') return checkHeader(cells);
  if (format === 'stop-searches') return checkStopSearchHeader(cells);
  if (format === 'bwv-clips') return checkBwvClipHeader(cells);
  return checkTemplateHeader(TEMPLATES[format]!, cells);
}

/** Above this many records updated by one import, one audit event lists them all instead of one event each. */
export const UPDATES_AUDITED_ONE_BY_ONE = 1000;

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
  rowsUpdated: number;
  rowsDuplicate: number;
  rowsRejected: number;
  rowsWithNotices: number;
  /** The first REJECTIONS_SHOWN rejected-row problems, by line. */
  rejected: { line: number; field: string; reason: string }[];
  rejectedTruncated: boolean;
  /** The first REJECTIONS_SHOWN notices about rows imported all the same, by line. */
  notices: { line: number; field: string; reason: string }[];
  noticesTruncated: boolean;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An import in a list: its counts, without its rejected rows and notices (GET /imports/{id} has them). */
export type ImportSummary = Omit<ImportView, 'rejected' | 'rejectedTruncated' | 'notices' | 'noticesTruncated'>;

export interface ImportFilter {
  status?: string;
  format?: string;
  /** data.police.uk id or ONS code. */
  force?: string;
  /** Created on or after this day (YYYY-MM-DD, UTC), and on or before `to`. */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** An import saved this long ago and still queued with its file is handed to the queue again by the sweep. */
export const STRANDED_AFTER_MS = 20_000;

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
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
    if (!(IMPORT_FORMATS as readonly string[]).includes(input.format) && !REGISTERED.has(input.format)) {
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
    // The file is saved: if the queue refuses it now, the sweep (sweepStranded) hands it over within a minute.
    await this.queue.enqueue(ImportFileJob, { importId: id }, { jobId: `import-${id}` }).catch((error: unknown) => {
      this.logger.warn({ err: error, importId: id }, 'import saved but not queued yet: the sweep will queue it');
    });
    return this.view(id);
  }

  /**
   * Imports saved but never handed to the queue (the queue refused them, or the process died between saving and
   * queueing): queued again when their file is held, failed when it is not. Runs every IMPORT_SWEEP_INTERVAL_MS, so
   * nothing waits for the next restart. Queueing is idempotent by job id, so an import still waiting in the queue is
   * not queued twice, and the handler never runs a completed import again.
   */
  async sweepStranded(olderThanMs = STRANDED_AFTER_MS): Promise<{ requeued: string[]; failed: string[] }> {
    const rows = (await this.dataSource.query(
      `SELECT i.id, EXISTS (SELECT 1 FROM import_file_chunks c WHERE c.import_id = i.id) AS has_file
       FROM imports i WHERE i.status = 'queued' AND i.created_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY i.created_at`,
      [olderThanMs],
    )) as { id: string; has_file: boolean }[];
    const requeued: string[] = [];
    const failed: string[] = [];
    for (const row of rows) {
      if (row.has_file) {
        await this.queue.enqueue(ImportFileJob, { importId: row.id }, { jobId: `import-${row.id}` });
        requeued.push(row.id);
        continue;
      }
      const result = (await this.dataSource.query(
        `UPDATE imports SET status = 'failed', finished_at = now(),
           error = 'The import was saved but never started, and its file is no longer held: upload it again'
         WHERE id = $1 AND status = 'queued' RETURNING id`,
        [row.id],
      )) as unknown[];
      if (result.length) failed.push(row.id);
    }
    if (requeued.length || failed.length)
      this.logger.warn({ requeued, failed }, 'imports left queued: queued again, or failed without their file');
    return { requeued, failed };
  }

  /** Imports, newest first, with filters, cursor paging and the total of matches. */
  async list(
    actor: AuditActor,
    filter: ImportFilter,
  ): Promise<{ items: ImportSummary[]; nextCursor: string | null; total: number }> {
    const errors: { field: string; message: string }[] = [];
    if (filter.status !== undefined && !(IMPORT_STATUSES as readonly string[]).includes(filter.status))
      errors.push({ field: 'status', message: `must be one of: ${IMPORT_STATUSES.join(', ')}` });
    if (filter.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(filter.format))
      errors.push({ field: 'format', message: `must be one of: ${IMPORT_FORMATS.join(', ')}` });
    for (const field of ['from', 'to'] as const) {
      const day = filter[field];
      if (day !== undefined && !isIsoDate(day)) errors.push({ field, message: 'must be a date like 2024-03-31' });
    }
    if (!errors.length && filter.from && filter.to && filter.from > filter.to)
      errors.push({ field: 'to', message: 'must not be before from' });
    let after: [string, string] | null = null;
    if (filter.cursor !== undefined) {
      try {
        const [at, id] = JSON.parse(Buffer.from(filter.cursor, 'base64url').toString()) as [string, string];
        if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !isUuid(id)) throw new Error('bad cursor');
        after = [at, id];
      } catch {
        errors.push({ field: 'cursor', message: 'is not a cursor from a previous page' });
      }
    }
    if (errors.length) throw DomainError.validation(errors);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('i.status = ?', filter.status);
    if (filter.format) add('i.format = ?', filter.format);
    if (filter.force) add('i.force_code = ?', (await this.resolveForce(filter.force)).code);
    if (filter.from) add(`i.created_at >= ?::date`, filter.from);
    if (filter.to) add(`i.created_at < ?::date + 1`, filter.to);
    const matching = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM imports i ${matching}`,
      params,
    )) as { total: number }[];
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    const page = [...where];
    const pageParams = [...params];
    if (after) {
      pageParams.push(after[0], after[1]);
      page.push(`(i.created_at, i.id) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::uuid)`);
    }
    pageParams.push(limit + 1);
    // The page's forces come with it: a lookup per force cost a query per distinct force on every page.
    const rows = (await this.dataSource.query(
      `SELECT i.id, a.code, a.name, a.police_uk_id FROM imports i JOIN areas a ON a.code = i.force_code
       ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
       ORDER BY i.created_at DESC, i.id DESC LIMIT $${pageParams.length}`,
      pageParams,
    )) as { id: string; code: string; name: string; police_uk_id: string | null }[];
    const shown = rows.slice(0, limit);
    const entities = shown.length
      ? await this.dataSource.getRepository(Import).findBy({ id: In(shown.map((r) => r.id)) })
      : [];
    const byId = new Map(entities.map((e) => [e.id, e]));
    const items = shown.map((r) =>
      summaryOf(byId.get(r.id)!, { code: r.code, name: r.name, policeUkId: r.police_uk_id }),
    );
    const last = shown[shown.length - 1];
    await this.audit.record(actor, {
      action: 'imports.listed',
      details: { filter: { ...filter, cursor: filter.cursor ?? null }, ids: items.map((i) => i.id) },
    });
    return {
      items,
      nextCursor:
        rows.length > limit
          ? Buffer.from(JSON.stringify([byId.get(last.id)!.createdAt.toISOString(), last.id])).toString('base64url')
          : null,
      total,
    };
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
    if (!(IMPORT_FORMATS as readonly string[]).includes(format) && !REGISTERED.has(format))
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
    return this.view(created.id);
  }

  async get(actor: AuditActor, id: string): Promise<ImportView> {
    const view = await this.view(id);
    await this.audit.record(actor, { action: 'import.viewed', target: { type: 'import', id } });
    return view;
  }

  /**
   * An import's status and counters without its rejected rows, and not audited: what a progress bar polls every few
   * seconds while the import runs. The page showing the import reads it through get, which is audited.
   */
  async progress(id: string): Promise<ImportSummary> {
    if (!isUuid(id)) throw DomainError.notFound('Import', id);
    const row = await this.dataSource.getRepository(Import).findOneBy({ id });
    if (!row) throw DomainError.notFound('Import', id);
    const force = (await findArea(this.dataSource, row.forceCode))!;
    return summaryOf(row, { code: force.code, name: force.name, policeUkId: force.policeUkId });
  }

  private async view(id: string): Promise<ImportView> {
    const summary = await this.progress(id);
    const rejected = await this.dataSource
      .getRepository(ImportRejection)
      .find({ where: { importId: id }, order: { line: 'ASC', field: 'ASC' }, take: REJECTIONS_SHOWN + 1 });
    const notices = await this.dataSource
      .getRepository(ImportNotice)
      .find({ where: { importId: id }, order: { line: 'ASC', field: 'ASC' }, take: REJECTIONS_SHOWN + 1 });
    const byLine = (r: { line: number; field: string; reason: string }) => ({
      line: r.line,
      field: r.field,
      reason: r.reason,
    });
    return {
      ...summary,
      rejected: rejected.slice(0, REJECTIONS_SHOWN).map(byLine),
      rejectedTruncated: rejected.length > REJECTIONS_SHOWN,
      notices: notices.slice(0, REJECTIONS_SHOWN).map(byLine),
      noticesTruncated: notices.length > REJECTIONS_SHOWN,
    };
  }

  /**
   * Records rows read so far on a running import, on a connection of its own (outside the import's transaction,
   * so readers see it). One update at a time: calls while one is in flight are folded into the next. On the embedded
   * engine the import holds the only connection until it ends, so nothing is written there.
   */
  private progressWriter(importId: string): ((rowsRead: number) => void) | undefined {
    if (this.db.kind !== 'postgres') return undefined;
    let inFlight = false;
    let latest = 0;
    const write = (rowsRead: number) => {
      inFlight = true;
      this.dataSource
        .query(`UPDATE imports SET rows_read = $2 WHERE id = $1 AND status = 'running' AND rows_read < $2`, [
          importId,
          rowsRead,
        ])
        .catch((error: unknown) => this.logger.warn({ err: error, importId }, 'could not record import progress'))
        .finally(() => {
          inFlight = false;
          if (latest > rowsRead) write(latest);
        });
    };
    return (rowsRead) => {
      latest = rowsRead;
      if (!inFlight) write(rowsRead);
    };
  }

  /**
   * Audits records (or clips) an import updated in place, in its transaction: one event each (`<kind>.updated`,
   * before and after the changed columns), or above UPDATES_AUDITED_ONE_BY_ONE one event for the import listing
   * every one (an event each would cost a bulk correction more than the import itself).
   */
  private async auditUpdates(
    runner: QueryRunner,
    actor: AuditActor,
    job: Import,
    target: 'stop_search' | 'bwv_clip',
    updates: RecordUpdate[],
  ): Promise<void> {
    const action = target === 'stop_search' ? 'stop_search.updated' : 'bwv.updated';
    if (updates.length > UPDATES_AUDITED_ONE_BY_ONE) {
      await this.audit.record(
        actor,
        {
          action: `${action}_by_import`,
          target: { type: 'import', id: job.id },
          details: {
            format: job.format,
            filename: job.filename,
            count: updates.length,
            updated: updates.map((u) => ({
              id: u.id,
              reference: u.reference,
              line: u.line,
              before: u.before,
              after: u.after,
            })),
          },
        },
        runner.manager,
      );
      return;
    }
    for (const u of updates) {
      await this.audit.record(
        actor,
        {
          action,
          target: { type: target, id: u.id },
          before: u.before,
          after: u.after,
          details: { importId: job.id, reference: u.reference, line: u.line },
        },
        runner.manager,
      );
    }
  }

  private async execute(
    job: Import,
    input: Parameters<typeof importPoliceUkCsv>[1]['input'],
    actor: AuditActor,
    onProgress?: (rowsRead: number) => void,
  ): Promise<ImportCounts> {
    await this.dataSource
      .getRepository(Import)
      .update({ id: job.id }, { status: 'running', startedAt: new Date(), error: null, rowsRead: 0 });
    const progress = this.progressWriter(job.id);
    const common = {
      importId: job.id,
      forceCode: job.forceCode,
      input,
      onProgress:
        progress || onProgress
          ? (rowsRead: number) => {
              progress?.(rowsRead);
              onProgress?.(rowsRead);
            }
          : undefined,
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
      if (format === 'stop-searches' || format === 'bwv-clips') {
        const importer = format === 'stop-searches' ? importStopSearchesCsv : importBwvClipsCsv;
        return await importer(this.dataSource, {
          ...common,
          engine: this.db.kind,
          bwvRetentionDays: this.config.sampling.bwvRetentionDays,
          onUpdated: (runner, updates) =>
            this.auditUpdates(runner, actor, job, format === 'stop-searches' ? 'stop_search' : 'bwv_clip', updates),
        });
      }
      const registered = REGISTERED.get(format);
      if (registered) return await registered.run(this.dataSource, common);
      const spec = TEMPLATES[format];
      if (!spec) throw new ImportFileError(`unknown import format "${job.format}"`);
      return await importTemplateCsv(this.dataSource, { ...common, spec });
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

/** Builds the list and detail views' common part. */
function summaryOf(row: Import, force: ImportView['force']): ImportSummary {
  return {
    id: row.id,
    format: row.format,
    force,
    filename: row.filename,
    sourceMonth: row.sourceMonth,
    status: row.status,
    rowsRead: row.rowsRead,
    rowsImported: row.rowsImported,
    rowsUpdated: row.rowsUpdated,
    rowsDuplicate: row.rowsDuplicate,
    rowsRejected: row.rowsRejected,
    rowsWithNotices: row.rowsWithNotices,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
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
