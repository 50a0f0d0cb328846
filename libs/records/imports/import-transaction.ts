import type { DataSource, QueryRunner } from 'typeorm';
import type { RowRejection } from './police-uk-row';

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
  /** Records already present (by reference) that the row changed: formats that update in place. */
  rowsUpdated?: number;
  rowsDuplicate: number;
  rowsRejected: number;
  /** Rows imported with a notice (import_notices). */
  rowsWithNotices?: number;
}

/** What an importer's body sees: its transaction's connection, and a way to reject a row. */
export interface ImportTransaction {
  runner: QueryRunner;
  reject(line: number, problems: RowRejection[]): Promise<void>;
}

export interface ImportTransactionOptions {
  importId: string;
  onProgress?: (rowsRead: number) => void;
  /** Runs inside the import's transaction after the rows are in, e.g. to write the audit event. */
  beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
  /**
   * The body keeps the connection busy (a COPY into staging): rejections are held until it returns, since a query
   * sent meanwhile would wait behind the COPY while the COPY waits for the body (an import with 1,000 rejected rows
   * used to hang there).
   */
  holdRejections?: boolean;
}

const REJECTION_BATCH = 1000;

/**
 * Runs an importer's body as one transaction: rejected rows are stored with their line numbers in batches, the
 * import's counts and status are written, `beforeCommit` runs, and it commits; any failure rolls all of it back,
 * so no half import survives. The body answers its counts other than rejections, which this keeps.
 */
export async function inImportTransaction(
  dataSource: DataSource,
  options: ImportTransactionOptions,
  body: (tx: ImportTransaction) => Promise<Omit<ImportCounts, 'rowsRejected'>>,
): Promise<ImportCounts> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    let rowsRejected = 0;
    let pending: { line: number; field: string; reason: string }[] = [];
    const flush = async () => {
      if (!pending.length) return;
      await runner.query(
        `INSERT INTO import_rejections (import_id, line, field, reason)
         SELECT $1, line, field, reason FROM unnest($2::int[], $3::text[], $4::text[]) AS t(line, field, reason)
         ON CONFLICT DO NOTHING`,
        [options.importId, pending.map((r) => r.line), pending.map((r) => r.field), pending.map((r) => r.reason)],
      );
      pending = [];
    };
    const counts = await body({
      runner,
      reject: async (line, problems) => {
        rowsRejected++;
        for (const p of problems) pending.push({ line, field: p.field, reason: p.reason });
        if (pending.length >= REJECTION_BATCH && !options.holdRejections) await flush();
      },
    });
    await flush();
    const result: ImportCounts = { ...counts, rowsRejected };
    await runner.query(
      `UPDATE imports SET status = 'completed', rows_read = $2, rows_imported = $3, rows_duplicate = $4, rows_rejected = $5,
         rows_updated = $6, rows_with_notices = $7, error = NULL, finished_at = clock_timestamp() WHERE id = $1`,
      [
        options.importId,
        result.rowsRead,
        result.rowsImported,
        result.rowsDuplicate,
        result.rowsRejected,
        result.rowsUpdated ?? 0,
        result.rowsWithNotices ?? 0,
      ],
    );
    await options.beforeCommit?.(runner, result);
    await runner.commitTransaction();
    options.onProgress?.(result.rowsRead);
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
