import type { DataSource } from 'typeorm';
import { isIsoInstant } from '@scrutiny/core';
import { BWV_STATUSES } from '../bwv/bwv-clip.entity';
import { templateHeader, type TemplateHeader } from '../cases/case-csv';
import { OFFICER_REFERENCE } from '../cases/case-input';
import { csvRecordBatches } from './csv-records';
import { ImportFileError, inImportTransaction, type ImportCounts, type ImportTransaction } from './import-transaction';
import type { RowRejection } from './police-uk-row';
import { CLIP_REFERENCE } from './stop-search-template';
import type { StagedRow, StagingColumns } from './staging-writer';
import { garbageRejection, openStaging, rejectByLine, type StagedImportOptions } from './template-rows';
import { recordUpdates } from './record-updates';

/** The evidence system's clip register, as `format=bwv-clips` reads it. */
export const BWV_CLIP_COLUMNS = [
  'reference',
  'device_id',
  'officer_reference',
  'recorded_at',
  'duration_seconds',
  'retention_expires_at',
  'status',
  'record_references',
] as const;

/** `onUpdated` is given the clips updated in place (each update's `reference` is the clip's). */
export interface BwvClipsImportOptions extends StagedImportOptions {
  /** Retention when the register gives none: days after recording (BWV_RETENTION_DAYS). */
  bwvRetentionDays: number;
  now?: number;
}

const STAGING = 'bwv_clip_staging';
const MATCHES = 'bwv_clip_staging_matches';
const COLUMNS: StagingColumns = [
  ['line', 'int'],
  ['reference', 'text'],
  ['device_id', 'text'],
  ['officer_reference', 'text'],
  ['recorded_at', 'timestamptz'],
  ['duration_seconds', 'int'],
  ['retention_expires_at', 'timestamptz'],
  ['status', 'text'],
  ['record_refs', 'text'],
];
/** Columns of a stored clip that a row sets (officer_id from officer_reference; status as the hold rule leaves it). */
const CLIP_COLUMNS = ['device_id', 'officer_id', 'recorded_at', 'duration_seconds', 'retention_expires_at', 'status'];
/** The record tables a clip's record references are looked up in, by case kind. */
const RECORD_TABLES = [
  ['stop_search', 'stop_searches'],
  ['vehicle_stop', 'vehicle_stops'],
  ['use_of_force', 'use_of_force_reports'],
] as const;

export function checkBwvClipHeader(cells: string[]): string | null {
  const got = cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const known: readonly string[] = BWV_CLIP_COLUMNS;
  const unknown = got.filter((c) => !known.includes(c));
  const missing = ['reference', 'recorded_at'].filter((c) => !got.includes(c));
  const repeated = got.filter((c, i) => got.indexOf(c) !== i);
  if (!unknown.length && !missing.length && !repeated.length) return null;
  return [
    'not a BWV clip register CSV:',
    missing.length ? `missing column(s) ${missing.join(', ')};` : '',
    unknown.length ? `unknown column(s) ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')};` : '',
    repeated.length ? `repeated column(s) ${repeated.join(', ')};` : '',
    `the columns are ${BWV_CLIP_COLUMNS.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** One register row as a staged row, or every problem in it (each naming its column). */
export function parseBwvClipRow(
  header: TemplateHeader,
  cells: string[],
  retentionDays: number,
  now = Date.now(),
): { row: StagedRow } | { rejections: RowRejection[] } {
  if (cells.length !== header.width)
    return { rejections: [{ field: '(row)', reason: `expected ${header.width} columns, found ${cells.length}` }] };
  const cell = (column: string) => {
    const i = header.index.get(column);
    return i === undefined ? '' : cells[i].trim();
  };
  const rejections: RowRejection[] = [];
  const reference = cell('reference');
  if (!reference)
    rejections.push({ field: 'reference', reason: 'is required (the evidence system’s id for the clip)' });
  else if (!CLIP_REFERENCE.test(reference))
    rejections.push({ field: 'reference', reason: 'must be 1–128 of letters, digits and . _ : / -' });
  const instant = (column: string, required: boolean): string | null => {
    const raw = cell(column);
    if (!raw) {
      if (required) rejections.push({ field: column, reason: 'is required' });
      return null;
    }
    if (!isIsoInstant(raw)) {
      rejections.push({
        field: column,
        reason: `"${raw.slice(0, 40)}" is not an ISO 8601 date-time with a time zone offset on a real date (e.g. 2024-05-03T21:47:00+01:00)`,
      });
      return null;
    }
    return new Date(raw).toISOString();
  };
  const recordedAt = instant('recorded_at', true);
  if (recordedAt && Date.parse(recordedAt) > now + 5 * 60_000)
    rejections.push({ field: 'recorded_at', reason: 'must not be in the future' });
  let retention = instant('retention_expires_at', false);
  if (!retention && recordedAt && !cell('retention_expires_at'))
    retention = new Date(Date.parse(recordedAt) + retentionDays * 86_400_000).toISOString();
  if (retention && recordedAt && retention < recordedAt)
    rejections.push({ field: 'retention_expires_at', reason: 'must not be before recorded_at' });
  const rawDuration = cell('duration_seconds');
  const duration = rawDuration === '' ? null : Number(rawDuration);
  if (duration !== null && (!/^\d{1,7}$/.test(rawDuration) || duration > 86_400 * 7))
    rejections.push({
      field: 'duration_seconds',
      reason: `"${rawDuration.slice(0, 40)}" is not a whole number of seconds`,
    });
  const status = cell('status').toLowerCase() || 'available';
  if (!(BWV_STATUSES as readonly string[]).includes(status))
    rejections.push({ field: 'status', reason: `must be one of ${BWV_STATUSES.join(', ')}` });
  const device = cell('device_id') || null;
  if (device && device.length > 128) rejections.push({ field: 'device_id', reason: 'must be at most 128 characters' });
  const officer = cell('officer_reference') || null;
  if (officer && !OFFICER_REFERENCE.test(officer))
    rejections.push({ field: 'officer_reference', reason: 'must be 1 to 32 letters, digits, "_" or "-"' });
  const records = [
    ...new Set(
      cell('record_references')
        .split(';')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  if (records.some((r) => r.length > 64))
    rejections.push({ field: 'record_references', reason: 'a record reference is at most 64 characters' });
  if (rejections.length) return { rejections };
  return {
    row: [
      0,
      reference,
      device,
      officer,
      recordedAt,
      duration,
      retention,
      status,
      records.length ? records.join(';') : null,
    ],
  };
}

/**
 * Imports the evidence system's clip register (format=bwv-clips) as one transaction, by the same pipeline as the
 * record imports: clips are upserted by reference (a new one inserted, a known one of this force updated in place
 * when its values differ, and a duplicate when not; a hold placed in Scrutiny is not lifted by a register saying
 * `available`), and linked to the force's records (stop searches, vehicle stops, use-of-force reports) named by
 * their references. A record reference the force does not have is reported on the row's line as a notice and the
 * clip is imported without that link: a stop-search import naming the clip links it later. An officer reference names
 * this force's officer (created if new; references are unique per force, so another force's officer of the same
 * reference is never touched). A clip of another force, or a repeated reference with other values, is rejected by line.
 */
export async function importBwvClipsCsv(dataSource: DataSource, options: BwvClipsImportOptions): Promise<ImportCounts> {
  // Rejections wait until the COPY ends: a query sent meanwhile would queue behind it (see holdRejections).
  const holdRejections = options.engine === 'postgres';
  return inImportTransaction(dataSource, { ...options, holdRejections }, async (tx) => {
    const { runner, reject } = tx;
    const staging = await openStaging(runner, options.engine, STAGING, COLUMNS);
    let rowsRead = 0;
    let rowsStaged = 0;
    let header: TemplateHeader | null = null;
    try {
      const source = options.input(options.engine === 'postgres' ? dataSource : runner);
      for await (const records of csvRecordBatches(source)) {
        for (const { cells, line } of records) {
          if (!header) {
            const problem = checkBwvClipHeader(cells);
            if (problem) throw new ImportFileError(problem);
            header = templateHeader(cells);
            continue;
          }
          rowsRead++;
          if (options.onProgress && rowsRead % 10_000 === 0) options.onProgress(rowsRead);
          const garbage = garbageRejection(header, cells);
          if (garbage) {
            await reject(line, garbage);
            continue;
          }
          const parsed = parseBwvClipRow(header, cells, options.bwvRetentionDays, options.now);
          if ('rejections' in parsed) {
            await reject(line, parsed.rejections);
            continue;
          }
          parsed.row[0] = line;
          const full = staging.write(parsed.row);
          if (full) await full;
          rowsStaged++;
        }
      }
      if (!header) throw new ImportFileError('the file is empty: expected the BWV clip register header and rows');
      await staging.finish();
    } catch (error) {
      await staging.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return writeStaged(tx, options, rowsRead, rowsStaged);
  });
}

async function writeStaged(
  { runner, reject }: ImportTransaction,
  options: BwvClipsImportOptions,
  rowsRead: number,
  rowsStaged: number,
): Promise<Omit<ImportCounts, 'rowsRejected'>> {
  const { forceCode } = options;
  const compared = COLUMNS.slice(2).map(([c]) => c);
  const problems = (await runner.query(
    `SELECT s.line, 'reference' AS field, format('clip "%s" belongs to another force', s.reference) AS reason
       FROM ${STAGING} s JOIN bwv_clips b ON b.reference = s.reference WHERE b.force_code <> $1
     UNION ALL
     SELECT s.line, 'reference', format('clip "%s" is repeated from line %s with different values', s.reference, f.line)
       FROM ${STAGING} s JOIN LATERAL (SELECT * FROM ${STAGING} x WHERE x.reference = s.reference ORDER BY x.line LIMIT 1) f ON f.line < s.line
       WHERE ROW(${compared.map((c) => `s.${c}`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((c) => `f.${c}`).join(', ')})
     ORDER BY 1, 2`,
    [forceCode],
  )) as { line: number; field: string; reason: string }[];
  const rejectedLines = await rejectByLine(reject, problems);
  const [{ n: removed }] = (await runner.query(
    `WITH gone AS (
       DELETE FROM ${STAGING} s WHERE s.line = ANY($1::int[])
         OR EXISTS (SELECT 1 FROM ${STAGING} x WHERE x.reference = s.reference AND x.line < s.line)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [rejectedLines],
  )) as { n: number }[];
  const kept = rowsStaged - removed;

  await runner.query(
    `INSERT INTO officers (reference, force_code)
     SELECT DISTINCT s.officer_reference, $1 FROM ${STAGING} s WHERE s.officer_reference IS NOT NULL
     ORDER BY 1
     ON CONFLICT (force_code, reference) DO NOTHING`,
    [forceCode],
  );

  // Each row's named records, found in this force's record tables by reference (none found: a notice).
  await runner.query(
    `CREATE TEMP TABLE ${MATCHES} ON COMMIT DROP AS
     SELECT s.line, s.reference AS clip, r.ref, m.kind, m.id
     FROM ${STAGING} s CROSS JOIN unnest(string_to_array(s.record_refs, ';')) AS r(ref)
       LEFT JOIN LATERAL (
         ${RECORD_TABLES.map(([kind, table]) => `SELECT '${kind}'::text AS kind, t.id FROM ${table} t WHERE t.force_code = $1 AND t.source_reference = r.ref`).join(' UNION ALL ')}
       ) m ON true`,
    [forceCode],
  );
  const [{ n: rowsWithNotices }] = (await runner.query(
    `WITH noted AS (
       INSERT INTO import_notices (import_id, line, field, reason)
       SELECT $1, line, 'record_references',
         CASE WHEN count(*) = 1 THEN format('record reference %s is not known for this force: the clip is imported without that link', min(ref))
              ELSE format('record references %s are not known for this force: the clip is imported without those links', string_agg(ref, ', ' ORDER BY ref)) END
       FROM ${MATCHES} WHERE id IS NULL GROUP BY line
       RETURNING 1)
     SELECT count(*)::int AS n FROM noted`,
    [options.importId],
  )) as { n: number }[];

  // Known clips the row changes, and known clips that gain a link: both are updates.
  const changed = (await runner.query(
    `WITH src AS (
       SELECT s.*, o.id AS officer_id FROM ${STAGING} s LEFT JOIN officers o ON o.force_code = $1 AND o.reference = s.officer_reference),
     old AS (
       SELECT b.id, src.line, src.reference, jsonb_build_object(${CLIP_COLUMNS.map((c) => `'${c}', b.${c}`).join(', ')}) AS before,
         CASE WHEN b.hold_placed_at IS NOT NULL AND src.status = 'available' THEN b.status ELSE src.status END AS status
       FROM bwv_clips b JOIN src ON b.reference = src.reference AND b.force_code = $1),
     differing AS (
       SELECT old.*, src.device_id, src.officer_id, src.recorded_at, src.duration_seconds, src.retention_expires_at
       FROM old JOIN src ON src.line = old.line JOIN bwv_clips b ON b.id = old.id
       WHERE ROW(${CLIP_COLUMNS.map((c) => `b.${c}`).join(', ')}) IS DISTINCT FROM ROW(${CLIP_COLUMNS.map((c) => (c === 'status' ? 'old.status' : `src.${c}`)).join(', ')})),
     upd AS (
       UPDATE bwv_clips b SET ${CLIP_COLUMNS.map((c) => `${c} = d.${c}`).join(', ')}, version = b.version + 1
       FROM differing d WHERE b.id = d.id
       RETURNING b.id, jsonb_build_object(${CLIP_COLUMNS.map((c) => `'${c}', b.${c}`).join(', ')}) AS after)
     SELECT d.id, d.line, d.reference, d.before, upd.after FROM differing d JOIN upd ON upd.id = d.id`,
    [forceCode],
  )) as {
    id: string;
    line: number;
    reference: string;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];
  const linkGaps = (await runner.query(
    `SELECT m.line, b.id, b.reference,
       coalesce((SELECT array_agg(l.case_kind || ':' || l.case_id ORDER BY l.case_kind, l.case_id) FROM bwv_clip_links l WHERE l.clip_id = b.id), '{}') AS linked,
       array_agg(DISTINCT m.kind || ':' || m.id) AS named
     FROM ${MATCHES} m JOIN bwv_clips b ON b.reference = m.clip AND b.force_code = $1
     WHERE m.id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM bwv_clip_links l WHERE l.clip_id = b.id AND l.case_kind = m.kind AND l.case_id = m.id)
     GROUP BY m.line, b.id, b.reference`,
    [forceCode],
  )) as { line: number; id: string; reference: string; linked: string[]; named: string[] }[];

  const [{ inserted }] = (await runner.query(
    `WITH inserted AS (
       INSERT INTO bwv_clips (reference, force_code, device_id, officer_id, recorded_at, duration_seconds, retention_expires_at, status, version)
       SELECT s.reference, $1, s.device_id, o.id, s.recorded_at, s.duration_seconds, s.retention_expires_at, s.status, 1
       FROM ${STAGING} s LEFT JOIN officers o ON o.force_code = $1 AND o.reference = s.officer_reference
       ORDER BY s.line
       ON CONFLICT (reference) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM inserted`,
    [forceCode],
  )) as { inserted: number }[];
  await runner.query(
    `INSERT INTO bwv_clip_links (clip_id, case_kind, case_id)
     SELECT DISTINCT b.id, m.kind, m.id FROM ${MATCHES} m JOIN bwv_clips b ON b.reference = m.clip
     WHERE m.id IS NOT NULL
     ON CONFLICT DO NOTHING`,
  );

  const updates = recordUpdates(changed, CLIP_COLUMNS, linkGaps, 'links');
  if (updates.length) await options.onUpdated?.(runner, updates);
  return {
    rowsRead,
    rowsImported: inserted,
    rowsUpdated: updates.length,
    rowsDuplicate: kept - inserted - updates.length,
    rowsWithNotices,
  };
}
