import { hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { csvRecordBatches } from './csv-records';
import type { DataSource, QueryRunner } from 'typeorm';
import { checkHeader, mapPoliceUkRow, type MappedStopSearch } from './police-uk-row';
import { batchLoader, csvField, STAGING_COLUMNS } from './staging-writer';
import { RowIds } from './row-ids';
import { OccurrenceCounter } from './occurrences';
import { ImportFileError, inImportTransaction, type ImportCounts } from './import-transaction';
import { rowPlacer } from './placement';

export { ImportFileError, type ImportCounts } from './import-transaction';

export interface PoliceUkImportOptions {
  importId: string;
  forceCode: string;
  /** YYYY-MM of the file (from its name): shown on the import, never part of a row's key. */
  sourceMonth: string | null;
  /**
   * The file. Given a way to query, for sources held in the database: on PostgreSQL the import's own connection is
   * busy with COPY, so reads use the pool; on the embedded engine they must share the import's one connection.
   */
  input: (reader: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Readable;
  engine: 'postgres' | 'embedded';
  onProgress?: (rowsRead: number) => void;
  /** Rows per batch moved into stop_searches (batchLoader's default unless given: tests use small ones). */
  batchRows?: number;
  /** Runs inside the import's transaction after the rows are in, e.g. to write the audit event. */
  beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
}

const STAGING_TABLE = 'import_staging';

/** Month from a police.uk file name such as 2018-01-metropolitan-stop-and-search.csv. */
export function sourceMonthOf(filename: string): string | null {
  const match = /(^|[^0-9])((19|20)\d{2}-(0[1-9]|1[0-2]))([^0-9]|$)/.exec(filename);
  return match ? match[2] : null;
}

const nullable = (v: string | number | boolean | null) => (v === null ? '\u2400' : String(v));

/** A value that never needs quotes as a field of COPY's CSV (a code, number or boolean); null as nothing. */
const copyValue = (v: string | number | boolean | null) => (v === null ? '' : String(v));

const LAST_DAY = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The Europe/London month (YYYY-MM) of a UTC instant written as by toISOString: the record's own period, so a row's
 * key depends on nothing but the row. Without a time-zone lookup per row: London is UTC+1 only in summer time, which
 * (since 1996) begins before the end of March and ends before the end of October, so only 23:xx UTC on the last day
 * of March to September falls in the next month.
 */
export function londonMonthOfUtc(iso: string): string {
  const month = Number(iso.slice(5, 7));
  if (iso.slice(11, 13) !== '23' || month < 3 || month > 9 || Number(iso.slice(8, 10)) !== LAST_DAY[month - 1])
    return iso.slice(0, 7);
  return `${iso.slice(0, 5)}${String(month + 1).padStart(2, '0')}`;
}

/**
 * The row's identity within its force (sha256; separators that cannot occur in a cell). `month` is the row's own
 * Europe/London month (londonMonthOfUtc): never the file's name or month, so the same rows imported under another
 * name are the same rows. Keys stored before this rule used the month named by the file, which for data.police.uk
 * files is the London month of every row, so they still match. `extra` appends the force's own fields of a CSV
 * template row (empty for a police.uk row, so such a row exported as the template keeps its key).
 */
export function contentHash(forceCode: string, month: string, r: MappedStopSearch, extra = ''): string {
  const text =
    `${forceCode}\u001f${month}\u001f${r.searchType}\u001f${r.occurredAt}\u001f${nullable(r.partOfOperation)}\u001f${nullable(r.operationName)}` +
    `\u001f${nullable(r.latitude)}\u001f${nullable(r.longitude)}\u001f${nullable(r.gender)}\u001f${nullable(r.ageRange)}` +
    `\u001f${nullable(r.selfDefinedEthnicity)}\u001f${nullable(r.officerDefinedEthnicity)}\u001f${nullable(r.legislation)}` +
    `\u001f${nullable(r.objectOfSearch)}\u001f${nullable(r.outcome)}\u001f${nullable(r.outcomeLinkedToObject)}\u001f${nullable(r.clothingRemoved)}${extra}`;
  // Straight to base64url: a Buffer per row (then encoded) cost more than the hashing.
  return hash('sha256', text, 'base64url');
}

/**
 * A row's dedup key: its content key and its number among identical rows, as md5(content_hash || ':' || n)::uuid
 * has always made it in SQL (keys stored earlier must match).
 */
export function dedupKey(contentKey: string, occurrence: number): string {
  const hex = hash('md5', `${contentKey}:${occurrence}`, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Imports a data.police.uk stop-and-search CSV as one transaction: rows stream through the parser and mapper
 * into a staging table (COPY on PostgreSQL) a batch at a time, and one INSERT … SELECT moves each batch into
 * stop_searches while the next batch is parsed (batchLoader); rejected rows are recorded with their line numbers. A
 * row's key is its content (with its own month) plus its occurrence number among identical rows, counted as the rows
 * stream past (OccurrenceCounter), so re-importing adds nothing while identical rows in one file (people searched
 * together) are all kept. Any failure rolls everything back.
 */
export async function importPoliceUkCsv(dataSource: DataSource, options: PoliceUkImportOptions): Promise<ImportCounts> {
  // On PostgreSQL a batch is in flight on the connection while rows are parsed: rejections wait (holdRejections).
  const holdRejections = options.engine === 'postgres';
  return inImportTransaction(dataSource, { ...options, holdRejections }, async ({ runner, reject }) => {
    await runner.query(
      `CREATE TEMP TABLE ${STAGING_TABLE} (${STAGING_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`,
    );
    const placer = await rowPlacer(runner, options.forceCode);
    const occurrences = new OccurrenceCounter();
    const ids = new RowIds();
    let rowsRead = 0;
    let rowsStaged = 0;
    let rowsImported = 0;
    const staging = batchLoader({
      runner,
      table: STAGING_TABLE,
      columns: STAGING_COLUMNS,
      engine: options.engine,
      batchRows: options.batchRows,
      load: async () => {
        // Staged rows come back in the order they were copied (a fresh heap, read from its start), so ids, which are
        // time-ordered in file order, append to the primary key and the period index rather than scatter.
        // Counted by the command's row count: RETURNING would keep a row per record for a count (~10% of the statement).
        const { affected } = await runner.query(
          `INSERT INTO stop_searches (
               id, force_code, occurred_at, period, search_type, part_of_operation, operation_name, latitude, longitude, gender, age_range,
               self_defined_ethnicity, officer_defined_ethnicity, legislation, object_of_search, outcome, outcome_linked_to_object,
               clothing_removed, area_code, source, import_id, dedup_key, version)
             SELECT s.id, $1, s.occurred_at, coalesce(s.period, date_trunc('month', s.occurred_at AT TIME ZONE 'Europe/London')::date), s.search_type, s.part_of_operation,
               s.operation_name, s.latitude, s.longitude, s.gender, s.age_range, s.self_defined_ethnicity, s.officer_defined_ethnicity,
               s.legislation, s.object_of_search, s.outcome, s.outcome_linked_to_object, s.clothing_removed, s.area_code, 'police-uk', $2,
               s.dedup_key, 1
             FROM ${STAGING_TABLE} s
             ON CONFLICT (occurred_at, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING`,
          [options.forceCode, options.importId],
          true,
        );
        if (affected === undefined) throw new Error('the database did not report how many rows the INSERT added');
        rowsImported += affected;
      },
    });
    try {
      const source = options.input(options.engine === 'postgres' ? dataSource : runner);
      let header = true;
      for await (const records of csvRecordBatches(source)) {
        for (const { cells, line } of records) {
          if (header) {
            const problem = checkHeader(cells);
            if (problem) throw new ImportFileError(problem);
            header = false;
            continue;
          }
          rowsRead++;
          if (options.onProgress && rowsRead % 10_000 === 0) options.onProgress(rowsRead);
          const mapped = mapPoliceUkRow(cells);
          if ('rejections' in mapped) {
            await reject(line, mapped.rejections);
            continue;
          }
          const r = mapped.record;
          const placed = r.latitude === null || r.longitude === null ? null : placer.place(r.latitude, r.longitude);
          if (placed && 'rejection' in placed) {
            await reject(line, [placed.rejection]);
            continue;
          }
          const month = londonMonthOfUtc(r.occurredAt);
          const id = ids.next();
          const contentKey = contentHash(options.forceCode, month, r);
          const key = dedupKey(contentKey, occurrences.next(contentKey));
          // The record's period, worked out here (PostgreSQL is the busier side); by the database outside the years
          // whose summer time londonMonthOfUtc knows.
          const period = month >= '1997' && month < '2038' ? `${month}-01` : null;
          const areaCode = placed?.areaCode ?? null;
          // On PostgreSQL the row goes straight into COPY text, with no array per row: every value but the operation's
          // name is a vocabulary code, a number, a boolean, an id or an area code, none needing quotes.
          const busy =
            options.engine === 'postgres'
              ? staging.writeLine(
                  `${id},${key},${period ?? ''},${r.searchType},${r.occurredAt},${copyValue(r.partOfOperation)},${r.operationName === null ? '' : csvField(r.operationName)},` +
                    `${copyValue(r.latitude)},${copyValue(r.longitude)},${copyValue(r.gender)},${copyValue(r.ageRange)},${copyValue(r.selfDefinedEthnicity)},` +
                    `${copyValue(r.officerDefinedEthnicity)},${copyValue(r.legislation)},${copyValue(r.objectOfSearch)},${copyValue(r.outcome)},` +
                    `${copyValue(r.outcomeLinkedToObject)},${copyValue(r.clothingRemoved)},${areaCode ?? ''}\n`,
                )
              : staging.write([
                  id,
                  key,
                  period,
                  r.searchType,
                  r.occurredAt,
                  r.partOfOperation,
                  r.operationName,
                  r.latitude,
                  r.longitude,
                  r.gender,
                  r.ageRange,
                  r.selfDefinedEthnicity,
                  r.officerDefinedEthnicity,
                  r.legislation,
                  r.objectOfSearch,
                  r.outcome,
                  r.outcomeLinkedToObject,
                  r.clothingRemoved,
                  areaCode,
                ]);
          if (busy) await busy;
          rowsStaged++;
        }
      }
      if (header) throw new ImportFileError('the file is empty: expected the data.police.uk header and rows');
      placer.finish();
      await staging.finish();
    } catch (error) {
      await staging.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return { rowsRead, rowsImported, rowsDuplicate: rowsStaged - rowsImported };
  });
}
