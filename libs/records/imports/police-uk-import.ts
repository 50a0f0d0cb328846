import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { uuidv7 } from '@scrutiny/core';
import { csvRecords } from './csv-records';
import type { DataSource, QueryRunner } from 'typeorm';
import { checkHeader, mapPoliceUkRow, type MappedStopSearch, type RowRejection } from './police-uk-row';
import { copyStagingWriter, insertStagingWriter, STAGING_COLUMNS, type StagedRow, type StagingWriter } from './staging-writer';

/** A problem with the file as a whole (empty, wrong header): nothing is imported, and retrying will not help. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

export interface ImportCounts {
  rowsRead: number;
  rowsImported: number;
  rowsDuplicate: number;
  rowsRejected: number;
}

export interface PoliceUkImportOptions {
  importId: string;
  forceCode: string;
  /** YYYY-MM of the file; part of each row's key. Without it, each row's own UTC month is used. */
  sourceMonth: string | null;
  /**
   * The file. Given a way to query, for sources held in the database: on PostgreSQL the import's own connection is
   * busy with COPY, so reads use the pool; on the embedded engine they must share the import's one connection.
   */
  input: (reader: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Readable;
  engine: 'postgres' | 'embedded';
  onProgress?: (rowsRead: number) => void;
  /** Runs inside the import's transaction after the rows are in, e.g. to write the audit event. */
  beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
}

const STAGING_TABLE = 'import_staging';
const REJECTION_BATCH = 1000;

/** Month from a police.uk file name such as 2018-01-metropolitan-stop-and-search.csv. */
export function sourceMonthOf(filename: string): string | null {
  const match = /(^|[^0-9])((19|20)\d{2}-(0[1-9]|1[0-2]))([^0-9]|$)/.exec(filename);
  return match ? match[2] : null;
}

function contentHash(forceCode: string, month: string, r: MappedStopSearch): string {
  const fields = [
    forceCode, month, r.searchType, r.occurredAt, r.partOfOperation, r.operationName, r.latitude, r.longitude, r.gender, r.ageRange,
    r.selfDefinedEthnicity, r.officerDefinedEthnicity, r.legislation, r.objectOfSearch, r.outcome, r.outcomeLinkedToObject, r.clothingRemoved,
  ];
  return createHash('sha256').update(fields.map((f) => (f === null ? '\u2400' : String(f))).join('\u001f')).digest('base64url');
}

/**
 * Imports a data.police.uk stop-and-search CSV as one transaction: rows stream through the parser and mapper
 * into a staging table (COPY on PostgreSQL), rejected rows are recorded with their line numbers, and one
 * INSERT … SELECT moves the good rows into stop_searches. A row's key is its content and source month plus its
 * occurrence number among identical rows, so re-importing adds nothing while identical rows in one file (people
 * searched together) are all kept. Any failure rolls everything back.
 */
export async function importPoliceUkCsv(dataSource: DataSource, options: PoliceUkImportOptions): Promise<ImportCounts> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  let writer: StagingWriter | undefined;
  try {
    await runner.query(
      `CREATE TEMP TABLE ${STAGING_TABLE} (${STAGING_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`,
    );
    writer = options.engine === 'postgres' ? await copyStagingWriter(runner, STAGING_TABLE) : insertStagingWriter(runner, STAGING_TABLE);
    const staging = writer;
    const counts = { rowsRead: 0, rowsStaged: 0, rowsRejected: 0 };
    let rejections: { line: number; field: string; reason: string }[] = [];
    const flushRejections = async () => {
      if (!rejections.length) return;
      await runner.query(
        `INSERT INTO import_rejections (import_id, line, field, reason)
         SELECT $1, line, field, reason FROM unnest($2::int[], $3::text[], $4::text[]) AS t(line, field, reason)
         ON CONFLICT DO NOTHING`,
        [options.importId, rejections.map((r) => r.line), rejections.map((r) => r.field), rejections.map((r) => r.reason)],
      );
      rejections = [];
    };
    const reject = async (line: number, problems: RowRejection[]) => {
      counts.rowsRejected++;
      for (const p of problems) rejections.push({ line, ...p });
      if (rejections.length >= REJECTION_BATCH) await flushRejections();
    };

    const source = options.input(options.engine === 'postgres' ? dataSource : runner);
    let header = true;
    for await (const { cells, line } of csvRecords(source)) {
      if (header) {
        const problem = checkHeader(cells);
        if (problem) throw new ImportFileError(problem);
        header = false;
        continue;
      }
      counts.rowsRead++;
      if (options.onProgress && counts.rowsRead % 10_000 === 0) options.onProgress(counts.rowsRead);
      const mapped = mapPoliceUkRow(cells);
      if ('rejections' in mapped) {
        await reject(line, mapped.rejections);
        continue;
      }
      const r = mapped.record;
      const month = options.sourceMonth ?? r.occurredAt.slice(0, 7);
      const row: StagedRow = [
        line, uuidv7(), contentHash(options.forceCode, month, r), r.searchType, r.occurredAt, r.partOfOperation, r.operationName, r.latitude,
        r.longitude, r.gender, r.ageRange, r.selfDefinedEthnicity, r.officerDefinedEthnicity, r.legislation, r.objectOfSearch, r.outcome,
        r.outcomeLinkedToObject, r.clothingRemoved,
      ];
      await staging.write(row);
      counts.rowsStaged++;
    }
    if (header) throw new ImportFileError('the file is empty: expected the data.police.uk header and rows');
    await staging.finish();
    await flushRejections();

    const [{ inserted }] = (await runner.query(
      `WITH inserted AS (
         INSERT INTO stop_searches (
           id, force_code, occurred_at, period, search_type, part_of_operation, operation_name, latitude, longitude, gender, age_range,
           self_defined_ethnicity, officer_defined_ethnicity, legislation, object_of_search, outcome, outcome_linked_to_object,
           clothing_removed, source, import_id, dedup_key, version)
         SELECT s.id, $1, s.occurred_at, date_trunc('month', s.occurred_at AT TIME ZONE 'Europe/London')::date, s.search_type, s.part_of_operation,
           s.operation_name, s.latitude, s.longitude, s.gender, s.age_range, s.self_defined_ethnicity, s.officer_defined_ethnicity,
           s.legislation, s.object_of_search, s.outcome, s.outcome_linked_to_object, s.clothing_removed, 'police-uk', $2,
           md5(s.content_hash || ':' || row_number() OVER (PARTITION BY s.content_hash ORDER BY s.line))::uuid, 1
         FROM ${STAGING_TABLE} s
         -- File order = id order (time-ordered ids): the primary key and the period index are appended to, not scattered.
         ORDER BY s.line
         ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS inserted FROM inserted`,
      [options.forceCode, options.importId],
    )) as { inserted: number }[];
    const result: ImportCounts = {
      rowsRead: counts.rowsRead,
      rowsImported: inserted,
      rowsDuplicate: counts.rowsStaged - inserted,
      rowsRejected: counts.rowsRejected,
    };
    await runner.query(
      `UPDATE imports SET status = 'completed', rows_read = $2, rows_imported = $3, rows_duplicate = $4, rows_rejected = $5,
         error = NULL, finished_at = now() WHERE id = $1`,
      [options.importId, result.rowsRead, result.rowsImported, result.rowsDuplicate, result.rowsRejected],
    );
    await options.beforeCommit?.(runner, result);
    await runner.commitTransaction();
    options.onProgress?.(counts.rowsRead);
    return result;
  } catch (error) {
    await writer?.abort(error instanceof Error ? error : new Error(String(error)));
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
