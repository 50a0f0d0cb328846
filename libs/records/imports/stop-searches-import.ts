import type { DataSource } from 'typeorm';
import { uuidv7 } from '@scrutiny/core';
import { areaForces } from '../areas/area-lookup';
import { sqlTypeOf } from '../cases/case-fields';
import { parseTemplateRow, templateHeader, type TemplateHeader } from '../cases/case-csv';
import { STOP_SEARCH } from '../cases/case-kinds';
import type { CaseInput } from '../cases/case-input';
import { csvRecordBatches } from './csv-records';
import { ImportFileError, inImportTransaction, type ImportCounts, type ImportTransaction } from './import-transaction';
import { contentHash, londonMonthOfUtc } from './police-uk-import';
import type { MappedStopSearch, RowRejection } from './police-uk-row';
import { rowPlacer } from './placement';
import { recordUpdates } from './record-updates';
import { checkStopSearchHeader, CLIP_REFERENCE } from './stop-search-template';
import type { StagedRow, StagingColumns } from './staging-writer';
import {
  garbageRejection,
  openStaging,
  placementRejection,
  rejectByLine,
  type StagedImportOptions,
} from './template-rows';

export type { RecordUpdate } from './record-updates';

export interface StopSearchesImportOptions extends StagedImportOptions {
  /** Retention of a clip first known from a record (its register has not been imported yet): days after the search. */
  bwvRetentionDays: number;
}

const STAGING = 'stop_search_staging';
const TARGETS = 'stop_search_staging_targets';
const FIELDS = STOP_SEARCH.fields;

/** The staging table: the row's line, id and keys, the common columns, the officer's supervisor, clips, then the fields. */
const COLUMNS: StagingColumns = [
  ['line', 'int'],
  ['id', 'uuid'],
  ['reference', 'text'],
  ['content_hash', 'text'],
  ['occurred_at', 'timestamptz'],
  ['area_code', 'text'],
  ['latitude', 'float8'],
  ['longitude', 'float8'],
  ['officer_reference', 'text'],
  ['team_code', 'text'],
  ['supervisor', 'text'],
  ['clip_refs', 'text'],
  ...FIELDS.map((f) => [f.column, sqlTypeOf(f)] as const),
];

/** Columns of a stored record that a row sets (officer_id from officer_reference): compared to tell an update. */
const RECORD_COLUMNS = [
  'occurred_at',
  'area_code',
  'latitude',
  'longitude',
  'officer_id',
  'team_code',
  ...FIELDS.map((f) => f.column),
];

/** The force's own fields of a row without a reference, for its content key (police.uk rows have none of them). */
function extraKey(input: CaseInput): string {
  let extra = '';
  for (const [name, value] of [
    ['officer', input.officerReference],
    ['team', input.teamCode],
    ['grounds', input.grounds],
    ['subject', input.subjectReference],
    ['s60', input.s60AuthorisationId],
    ['bwv', input.bwvActivatedBeforeEncounter],
  ] as const) {
    if (value !== null && value !== undefined) extra += `\u001e${name}=${String(value)}`;
  }
  return extra;
}

/** A row without a reference as police.uk's importer maps its row: the same key for the same search. */
function asPoliceUk(input: CaseInput, occurredAt: string): MappedStopSearch {
  const v = (name: string) => (input[name] ?? null) as never;
  return {
    searchType: input.searchType as string,
    occurredAt,
    partOfOperation: v('partOfOperation'),
    operationName: v('operationName'),
    latitude: input.latitude ?? null,
    longitude: input.longitude ?? null,
    gender: v('gender'),
    ageRange: v('ageRange'),
    selfDefinedEthnicity: v('selfDefinedEthnicity'),
    officerDefinedEthnicity: v('officerDefinedEthnicity'),
    legislation: v('legislation'),
    objectOfSearch: v('objectOfSearch'),
    outcome: v('outcome'),
    outcomeLinkedToObject: v('outcomeLinkedToObject'),
    clothingRemoved: v('clothingRemoved'),
  };
}

/** The supervisor and clip-reference cells (the template's own columns are read by parseTemplateRow). */
function extraCells(
  header: TemplateHeader,
  cells: string[],
): { supervisor: string | null; clips: string[] } | { rejections: RowRejection[] } {
  const cell = (column: string) => {
    const i = header.index.get(column);
    return i === undefined ? '' : cells[i].trim();
  };
  const rejections: RowRejection[] = [];
  const supervisor = cell('supervisor') || null;
  if (supervisor && supervisor.length > 100)
    rejections.push({ field: 'supervisor', reason: 'must be at most 100 characters (a username)' });
  const clips = [
    ...new Set(
      cell('bwv_clip_references')
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  const bad = clips.find((c) => !CLIP_REFERENCE.test(c));
  if (bad)
    rejections.push({
      field: 'bwv_clip_references',
      reason: `"${bad.slice(0, 40)}" is not a clip reference (1–128 of letters, digits and . _ : / -)`,
    });
  return rejections.length ? { rejections } : { supervisor, clips };
}

/**
 * Imports the force's own stop-search export (format=stop-searches) as one transaction, by the police.uk importer's
 * pipeline: rows stream through the CSV splitter and the template's row rules into a staging table (COPY on
 * PostgreSQL), bad rows are reported by line and column, and set-based statements do the rest: rows naming a clip
 * of another force, a supervisor who is not one, or repeating a reference with other values are rejected by line; an
 * officer reference names this force's officer (references are unique per force, so another force's officer of the
 * same reference is never touched), and new officers are created in the team of their first row (an existing
 * officer is never moved: the register changes through the officers API); a row whose reference the force already
 * has updates that record in place when its values differ (reported to `onUpdated` with before and after) and is a
 * duplicate when they do not; rows without a reference are keyed by their content like police.uk rows (a police.uk
 * search exported as this template keeps its key), so re-importing adds nothing; the clips a row names are linked to
 * its record (a clip not yet in the register is recorded from the row, to be completed by the clip register import).
 * Any failure rolls everything back.
 */
export async function importStopSearchesCsv(
  dataSource: DataSource,
  options: StopSearchesImportOptions,
): Promise<ImportCounts> {
  const { forceCode } = options;
  // Rejections wait until the COPY ends: a query sent meanwhile would queue behind it (see holdRejections).
  const holdRejections = options.engine === 'postgres';
  return inImportTransaction(dataSource, { ...options, holdRejections }, async (tx) => {
    const { runner, reject } = tx;
    const areas = await areaForces(runner);
    const placer = await rowPlacer(runner, forceCode);
    const staging = await openStaging(runner, options.engine, STAGING, COLUMNS);
    let rowsRead = 0;
    let rowsStaged = 0;
    let rowsKeyedByContent = 0;
    let header: TemplateHeader | null = null;
    let keyless: TemplateHeader | null = null;
    try {
      const source = options.input(options.engine === 'postgres' ? dataSource : runner);
      for await (const records of csvRecordBatches(source)) {
        for (const { cells, line } of records) {
          if (!header) {
            const problem = checkStopSearchHeader(cells);
            if (problem) throw new ImportFileError(problem);
            header = templateHeader(cells);
            keyless = {
              width: header.width + 1,
              index: new Map([...header.index, ['reference', header.width]]),
              names: [...header.names, 'reference'],
            };
            continue;
          }
          rowsRead++;
          if (options.onProgress && rowsRead % 10_000 === 0) options.onProgress(rowsRead);
          const garbage = garbageRejection(header, cells);
          if (garbage) {
            await reject(line, garbage);
            continue;
          }
          // A row without a reference is keyed by its content, as police.uk rows are: the template's rules are
          // applied to it as if it had one, through a header whose reference is an extra cell.
          const referenceless = !cellOf(header, cells, 'reference');
          const parsed = referenceless
            ? parseTemplateRow(STOP_SEARCH, keyless!, [...cells, '-'], forceCode)
            : parseTemplateRow(STOP_SEARCH, header, cells, forceCode);
          const extras = extraCells(header, cells);
          const problems = [
            ...('rejections' in parsed ? parsed.rejections : []),
            ...('rejections' in extras ? extras.rejections : []),
          ];
          if ('rejections' in parsed || 'rejections' in extras) {
            await reject(line, problems);
            continue;
          }
          const input = referenceless ? { ...parsed.input, reference: null } : parsed.input;
          const { supervisor, clips } = extras;
          const misplaced = placementRejection(input, forceCode, areas, placer);
          if (misplaced) {
            await reject(line, [misplaced]);
            continue;
          }
          const occurredAt = new Date(input.occurredAt).toISOString();
          const row: StagedRow = [
            line,
            uuidv7(),
            input.reference ?? null,
            input.reference
              ? null
              : contentHash(forceCode, londonMonthOfUtc(occurredAt), asPoliceUk(input, occurredAt), extraKey(input)),
            occurredAt,
            input.areaCode ?? null,
            input.latitude ?? null,
            input.longitude ?? null,
            input.officerReference ?? null,
            input.teamCode ?? null,
            supervisor,
            clips.length ? clips.join(';') : null,
            ...FIELDS.map((f) => (input[f.name] ?? null) as string | boolean | null),
          ];
          const full = staging.write(row);
          if (full) await full;
          rowsStaged++;
          if (!input.reference) rowsKeyedByContent++;
        }
      }
      if (!header) throw new ImportFileError('the file is empty: expected the stop-search header and rows');
      placer.finish();
      await staging.finish();
    } catch (error) {
      await staging.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    // The set-based checks look rows up by reference (the first row of each, rows repeating it): without an index
    // each lookup scans the staging table, and 20,000 rows took 38 s.
    await runner.query(`CREATE INDEX ON ${STAGING} (reference, line)`);
    await runner.query(`ANALYZE ${STAGING}`);
    return writeStaged(tx, options, rowsRead, rowsStaged, rowsKeyedByContent > 0);
  });
}

function cellOf(header: TemplateHeader, cells: string[], column: string): string {
  const i = header.index.get(column);
  return i === undefined ? '' : cells[i].trim();
}

/** The set-based part: per-line checks that need the database, officers, updates, inserts and clip links. */
async function writeStaged(
  { runner, reject }: ImportTransaction,
  options: StopSearchesImportOptions,
  rowsRead: number,
  rowsStaged: number,
  keyedByContent: boolean,
): Promise<Omit<ImportCounts, 'rowsRejected'>> {
  const { forceCode } = options;
  // These statements each take the whole file at once: compiling them to machine code (PostgreSQL's JIT, on by
  // default for costly plans) took longer than it saved (0.4 s of the insert's 5 s for 200,000 rows), and their
  // sorts spilled to disk with the default 4 MB of working memory.
  await runner.query(`SET LOCAL jit = off`);
  await runner.query(`SET LOCAL work_mem = '64MB'`);
  // Rows that must not go in, found together; then rows repeating a reference with the same values (duplicates).
  // Only references that occur more than once are looked up row by row (one hashed pass finds them): looking up
  // every row's first occurrence cost an index probe per row, for files that rarely repeat a reference at all.
  const repeated = `s.reference IN (SELECT reference FROM ${STAGING} WHERE reference IS NOT NULL GROUP BY reference HAVING count(*) > 1)`;
  const problems = (await runner.query(
    `SELECT s.line, 'supervisor' AS field, format('"%s" is not an active user with the supervisor role', s.supervisor) AS reason
       FROM ${STAGING} s WHERE s.supervisor IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM users u WHERE u.username = s.supervisor AND u.disabled_at IS NULL AND 'supervisor' = ANY(u.roles))
     UNION ALL
     SELECT s.line, 'bwv_clip_references', format('clip "%s" belongs to another force', min(c.ref))
       FROM ${STAGING} s CROSS JOIN unnest(string_to_array(s.clip_refs, ';')) AS c(ref) JOIN bwv_clips b ON b.reference = c.ref
       WHERE b.force_code <> $1 GROUP BY s.line
     UNION ALL
     SELECT s.line, 'reference', format('reference "%s" is repeated from line %s with different values', s.reference, f.line)
       FROM ${STAGING} s JOIN LATERAL (SELECT * FROM ${STAGING} x WHERE x.reference = s.reference ORDER BY x.line LIMIT 1) f ON f.line < s.line
       WHERE ${repeated} AND ROW(${COLUMNS.slice(4)
         .map(([c]) => `s.${c}`)
         .join(', ')}) IS DISTINCT FROM ROW(${COLUMNS.slice(4)
         .map(([c]) => `f.${c}`)
         .join(', ')})
     ORDER BY 1, 2`,
    [forceCode],
  )) as { line: number; field: string; reason: string }[];
  const rejectedLines = await rejectByLine(reject, problems);
  // Later rows repeating an earlier row's reference and values are duplicates of it (counted as such: every row
  // not rejected is imported, updated or a duplicate); the rejected lines go too.
  await runner.query(
    `DELETE FROM ${STAGING} s WHERE s.line = ANY($1::int[])
       OR (${repeated} AND EXISTS (SELECT 1 FROM ${STAGING} x WHERE x.reference = s.reference AND x.line < s.line))`,
    [rejectedLines],
  );
  const kept = rowsStaged - rejectedLines.length;

  // New officers join the team (and supervisor) of their first row; existing officers are left as they are.
  await runner.query(
    `INSERT INTO officers (reference, force_code, team_code, supervisor_user_id)
     SELECT DISTINCT ON (s.officer_reference) s.officer_reference, $1, s.team_code, u.id
     FROM ${STAGING} s LEFT JOIN users u ON u.username = s.supervisor
     WHERE s.officer_reference IS NOT NULL
     ORDER BY s.officer_reference, s.team_code IS NULL, s.line
     ON CONFLICT (force_code, reference) DO NOTHING`,
    [forceCode],
  );

  // Existing records (by reference) the row names clips for that are not linked yet: an update, even if nothing else changed.
  const linkGaps = (await runner.query(
    `SELECT s.line, t.id, t.source_reference AS reference,
       coalesce((SELECT array_agg(b.reference ORDER BY b.reference) FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id
                 WHERE l.case_kind = 'stop_search' AND l.case_id = t.id), '{}') AS linked,
       string_to_array(s.clip_refs, ';') AS named
     FROM ${STAGING} s JOIN stop_searches t ON t.force_code = $1 AND t.source_reference = s.reference
     WHERE s.clip_refs IS NOT NULL AND EXISTS (
       SELECT 1 FROM unnest(string_to_array(s.clip_refs, ';')) AS c(ref) WHERE NOT EXISTS (
         SELECT 1 FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id
         WHERE l.case_kind = 'stop_search' AND l.case_id = t.id AND b.reference = c.ref))`,
    [forceCode],
  )) as { line: number; id: string; reference: string; linked: string[]; named: string[] }[];

  // Records whose values the row changes, updated in place in one statement (the rollup trigger sees old and new).
  const changed = (await runner.query(
    `WITH src AS (
       SELECT s.*, o.id AS officer_id FROM ${STAGING} s LEFT JOIN officers o ON o.force_code = $1 AND o.reference = s.officer_reference
       WHERE s.reference IS NOT NULL),
     old AS (
       SELECT t.id, src.line, src.reference, jsonb_build_object(${RECORD_COLUMNS.map((c) => `'${c}', t.${c}`).join(', ')}) AS before
       FROM stop_searches t JOIN src ON t.force_code = $1 AND t.source_reference = src.reference
       WHERE ROW(${RECORD_COLUMNS.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM ROW(${RECORD_COLUMNS.map((c) => `src.${c}`).join(', ')})),
     upd AS (
       UPDATE stop_searches t SET ${RECORD_COLUMNS.map((c) => `${c} = src.${c}`).join(', ')},
         period = date_trunc('month', src.occurred_at AT TIME ZONE 'Europe/London')::date, version = t.version + 1, updated_at = now()
       FROM old JOIN src ON src.line = old.line
       WHERE t.id = old.id
       RETURNING t.id, jsonb_build_object(${RECORD_COLUMNS.map((c) => `'${c}', t.${c}`).join(', ')}) AS after)
     SELECT old.id, old.line, old.reference, old.before, upd.after FROM old JOIN upd ON upd.id = old.id ORDER BY old.line`,
    [forceCode],
  )) as {
    id: string;
    line: number;
    reference: string;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];

  // New records: a new reference, or (without one) content not seen before; file order is id order. The lookup of
  // references says "IS NOT NULL" outright: under the OR it is planned as one hashed set of the force's references,
  // and without it that set was built from every record of the force (999,986 police.uk rows read, none with a
  // reference) rather than from the partial index of referenced ones. Rows without a
  // reference are numbered among identical ones by a window (after the rejections above, so a rejected row takes no
  // number); when every row has a reference there is nothing to number, and the sorts the window needs (two of the
  // whole file, spilled to disk) are left out: the staging table is read in file order.
  const [{ inserted }] = (await runner.query(
    `WITH inserted AS (
       INSERT INTO stop_searches (id, force_code, period, source, import_id, version, source_reference, dedup_key,
         ${RECORD_COLUMNS.join(', ')})
       SELECT s.id, $1, date_trunc('month', s.occurred_at AT TIME ZONE 'Europe/London')::date, 'csv-template', $2, 1, s.reference,
         ${keyedByContent ? `CASE WHEN s.reference IS NULL THEN md5(s.content_hash || ':' || row_number() OVER (PARTITION BY s.content_hash ORDER BY s.line))::uuid END` : 'NULL::uuid'},
         ${RECORD_COLUMNS.map((c) => (c === 'officer_id' ? 'o.id' : `s.${c}`)).join(', ')}
       FROM ${STAGING} s LEFT JOIN officers o ON o.force_code = $1 AND o.reference = s.officer_reference
       WHERE s.reference IS NULL OR NOT EXISTS (
         SELECT 1 FROM stop_searches t WHERE t.force_code = $1 AND t.source_reference IS NOT NULL AND t.source_reference = s.reference)
       ${keyedByContent ? 'ORDER BY s.line' : ''}
       ON CONFLICT DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM inserted`,
    [forceCode, options.importId],
  )) as { inserted: number }[];

  // Each row's record (new, updated or unchanged; a duplicate row without a reference has none of its own), with its clips.
  await runner.query(
    `CREATE TEMP TABLE ${TARGETS} ON COMMIT DROP AS
     SELECT s.line, s.occurred_at, s.officer_reference, s.clip_refs, t.id AS record_id
       FROM ${STAGING} s JOIN stop_searches t ON t.force_code = $1 AND t.source_reference = s.reference
       WHERE s.clip_refs IS NOT NULL
     UNION ALL
     SELECT s.line, s.occurred_at, s.officer_reference, s.clip_refs, t.id
       FROM ${STAGING} s JOIN stop_searches t ON t.id = s.id
       WHERE s.clip_refs IS NOT NULL AND s.reference IS NULL`,
    [forceCode],
  );
  // A clip the register has not brought yet is recorded from the first row naming it (the register import completes it).
  await runner.query(
    `INSERT INTO bwv_clips (reference, force_code, officer_id, recorded_at, retention_expires_at, status, version)
     SELECT DISTINCT ON (c.ref) c.ref, $1, o.id, t.occurred_at, t.occurred_at + make_interval(days => $2::int), 'available', 1
     FROM ${TARGETS} t CROSS JOIN unnest(string_to_array(t.clip_refs, ';')) AS c(ref)
       LEFT JOIN officers o ON o.force_code = $1 AND o.reference = t.officer_reference
     ORDER BY c.ref, t.line
     ON CONFLICT (reference) DO NOTHING`,
    [forceCode, options.bwvRetentionDays],
  );
  await runner.query(
    `INSERT INTO bwv_clip_links (clip_id, case_kind, case_id)
     SELECT DISTINCT b.id, 'stop_search', t.record_id
     FROM ${TARGETS} t CROSS JOIN unnest(string_to_array(t.clip_refs, ';')) AS c(ref) JOIN bwv_clips b ON b.reference = c.ref
     ON CONFLICT DO NOTHING`,
  );

  const updates = recordUpdates(changed, RECORD_COLUMNS, linkGaps, 'bwv_clip_references');
  if (updates.length) await options.onUpdated?.(runner, updates);
  return {
    rowsRead,
    rowsImported: inserted,
    rowsUpdated: updates.length,
    rowsDuplicate: kept - inserted - updates.length,
  };
}
