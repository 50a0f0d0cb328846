import type { Readable } from 'node:stream';
import type { QueryRunner } from 'typeorm';
import type { TemplateHeader } from '../cases/case-csv';
import type { CaseInput } from '../cases/case-input';
import type { ImportCounts } from './import-transaction';
import type { RowPlacer } from './placement';
import { garbageCell, type RowRejection } from './police-uk-row';
import type { RecordUpdate } from './record-updates';
import { copyStagingWriter, insertStagingWriter, type StagingColumns, type StagingWriter } from './staging-writer';

/**
 * The row checks and staging steps the force-template importers (stop searches, vehicle stops, use of force, BWV
 * clips) share. The per-row checks answer null for a good row, so the common path allocates nothing.
 */

/** What the staged importers that update in place (stop searches, BWV clips) are given. */
export interface StagedImportOptions {
  importId: string;
  forceCode: string;
  input: (reader: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Readable;
  engine: 'postgres' | 'embedded';
  onProgress?: (rowsRead: number) => void;
  /** Runs inside the import's transaction with the rows updated in place, to audit them. */
  onUpdated?: (runner: QueryRunner, updates: RecordUpdate[]) => Promise<void>;
  beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
}

/** A transaction-scoped staging table, loaded by COPY on PostgreSQL and by batched INSERTs on the embedded engine. */
export async function openStaging(
  runner: QueryRunner,
  engine: 'postgres' | 'embedded',
  table: string,
  columns: StagingColumns,
): Promise<StagingWriter> {
  await runner.query(`CREATE TEMP TABLE ${table} (${columns.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  return engine === 'postgres'
    ? await copyStagingWriter(runner, table, columns)
    : insertStagingWriter(runner, table, 2000, columns);
}

/** The rejection of a row holding binary data or text that is not UTF-8, naming the first such column. */
export function garbageRejection(header: TemplateHeader, cells: string[]): RowRejection[] | null {
  const garbage = garbageCell(cells);
  if (garbage < 0) return null;
  return [
    { field: header.names[garbage] ?? '(row)', reason: 'contains binary data or characters that are not valid UTF-8' },
  ];
}

/**
 * Checks a row's area lies in the import's force, then places it by its point in a local authority (setting
 * `input.areaCode`); without a point (or at sea) it keeps the area the file gives.
 */
export function placementRejection(
  input: CaseInput,
  forceCode: string,
  areas: ReadonlyMap<string, string | null>,
  placer: RowPlacer,
): RowRejection | null {
  const area = input.areaCode;
  if (area && areas.get(area) !== forceCode) {
    return {
      field: 'area_code',
      reason: areas.has(area)
        ? `"${area}" is not in this force`
        : `"${area}" is not a known district or local authority code`,
    };
  }
  if (typeof input.latitude === 'number' && typeof input.longitude === 'number') {
    const placed = placer.place(input.latitude, input.longitude, 'latitude');
    if ('rejection' in placed) return placed.rejection;
    if (placed.areaCode) input.areaCode = placed.areaCode;
  }
  return null;
}

/** Rejects the lines the set-based checks found (several problems of one line together); answers those lines. */
export async function rejectByLine(
  reject: (line: number, problems: RowRejection[]) => Promise<void>,
  problems: readonly { line: number; field: string; reason: string }[],
): Promise<number[]> {
  const byLine = new Map<number, RowRejection[]>();
  for (const p of problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), { field: p.field, reason: p.reason }]);
  for (const [line, rejections] of byLine) await reject(line, rejections);
  return [...byLine.keys()];
}
