import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import { CASE_TABLES, type CaseKind } from '@scrutiny/auth';
import { uuidv7 } from '@scrutiny/core';
import { areaForces, ensureOfficers } from '../areas/area-lookup';
import { bindValue, sqlTypeOf } from '../cases/case-fields';
import { checkTemplateHeader, parseTemplateRow, templateHeader, type TemplateHeader } from '../cases/case-csv';
import { CASE_KIND_SPECS, type CaseKindSpec } from '../cases/case-kinds';
import { caseLinks, type CaseInput } from '../cases/case-input';
import { csvRecordBatches } from './csv-records';
import { ImportFileError, inImportTransaction, type ImportCounts } from './import-transaction';
import { rowPlacer } from './placement';
import { garbageRejection, placementRejection } from './template-rows';

export interface TemplateImportOptions {
  importId: string;
  forceCode: string;
  spec: CaseKindSpec;
  input: (reader: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => Readable;
  onProgress?: (rowsRead: number) => void;
  beforeCommit?: (runner: QueryRunner, counts: ImportCounts) => Promise<void>;
}

const BATCH = 1000;

type Pending = { line: number; input: CaseInput };
type Reject = (line: number, problems: { field: string; reason: string }[]) => Promise<void>;

/**
 * Imports a kind's CSV template (vehicle stops, use-of-force reports) as one transaction. Each row is checked by
 * the same rules as the API (and its area must lie in the import's force); bad rows are reported by line and
 * column, good rows go in by batches of set-based INSERT … SELECT FROM jsonb_to_recordset (no row-by-row saves). The
 * force's own record reference makes re-imports add nothing: a row whose reference is already recorded with the
 * same values counts as a duplicate, and one whose values differ is reported on its line and changes nothing (an
 * import never overwrites a record; correct it through the API, which keeps the before and after).
 */
export async function importTemplateCsv(dataSource: DataSource, options: TemplateImportOptions): Promise<ImportCounts> {
  const { spec, forceCode } = options;
  return inImportTransaction(dataSource, options, async ({ runner, reject }) => {
    const areas = await areaForces(runner);
    const placer = await rowPlacer(runner, forceCode);
    const counts = { rowsRead: 0, rowsImported: 0, rowsDuplicate: 0 };
    let header: TemplateHeader | null = null;
    let batch: Pending[] = [];
    const flush = async () => {
      const kept = await dropBadLinks(runner, spec, forceCode, batch, reject);
      const { inserted, conflicts } = await insertBatch(runner, spec, forceCode, options.importId, kept);
      const changed = await changedConflicts(runner, spec, forceCode, conflicts);
      for (const c of conflicts) {
        if (changed.has(c.line))
          await reject(c.line, [
            {
              field: 'reference',
              reason: `reference "${c.input.reference}" exists with different values; not changed`,
            },
          ]);
      }
      counts.rowsImported += inserted;
      counts.rowsDuplicate += conflicts.length - changed.size;
      batch = [];
    };
    // Read through the import's own connection: the embedded engine has only one (the CSV template has no COPY).
    for await (const records of csvRecordBatches(options.input(runner))) {
      for (const { cells, line } of records) {
        if (!header) {
          const problem = checkTemplateHeader(spec, cells);
          if (problem) throw new ImportFileError(problem);
          header = templateHeader(cells);
          continue;
        }
        counts.rowsRead++;
        if (options.onProgress && counts.rowsRead % 10_000 === 0) options.onProgress(counts.rowsRead);
        const garbage = garbageRejection(header, cells);
        if (garbage) {
          await reject(line, garbage);
          continue;
        }
        const parsed = parseTemplateRow(spec, header, cells, forceCode);
        if ('rejections' in parsed) {
          await reject(line, parsed.rejections);
          continue;
        }
        const misplaced = placementRejection(parsed.input, forceCode, areas, placer);
        if (misplaced) {
          await reject(line, [misplaced]);
          continue;
        }
        batch.push({ line, input: parsed.input });
        if (batch.length >= BATCH) await flush();
      }
    }
    if (!header)
      throw new ImportFileError(`the file is empty: expected the ${spec.noun.toLowerCase()} template header and rows`);
    placer.finish();
    await flush();
    return counts;
  });
}

/** Rejects rows linking to a case (of the kind each link names) that this force does not have; answers the rest. */
async function dropBadLinks(
  runner: QueryRunner,
  spec: CaseKindSpec,
  forceCode: string,
  batch: Pending[],
  reject: Reject,
): Promise<Pending[]> {
  const links = caseLinks(spec);
  const linked = (p: Pending, kind?: CaseKind) =>
    links
      .filter((f) => !kind || f.links === kind)
      .map((f) => p.input[f.name])
      .filter((id): id is string => typeof id === 'string');
  if (!batch.some((p) => linked(p).length)) return batch;
  // Ids as Postgres prints them (lower case), by the kind they name.
  const found = new Map<CaseKind, Set<string>>();
  for (const kind of new Set(links.map((f) => f.links!))) {
    const ids = [...new Set(batch.flatMap((p) => linked(p, kind).map((id) => id.toLowerCase())))];
    const rows = ids.length
      ? ((await runner.query(`SELECT id FROM ${CASE_TABLES[kind]} WHERE id = ANY($1::uuid[]) AND force_code = $2`, [
          ids,
          forceCode,
        ])) as { id: string }[])
      : [];
    found.set(kind, new Set(rows.map((r) => r.id)));
  }
  const kept: Pending[] = [];
  for (const p of batch) {
    const bad = links.find(
      (f) =>
        typeof p.input[f.name] === 'string' && !found.get(f.links!)!.has((p.input[f.name] as string).toLowerCase()),
    );
    if (bad)
      await reject(p.line, [
        {
          field: bad.column,
          reason: `no ${CASE_KIND_SPECS[bad.links!].noun.toLowerCase()} ${String(p.input[bad.name])} in this force`,
        },
      ]);
    else kept.push(p);
  }
  return kept;
}

/** The columns a template row is written as, with their SQL types (`id` and `line` are not stored as such). */
function recordColumns(spec: CaseKindSpec): [string, string][] {
  return [
    ['id', 'uuid'],
    ['line', 'int'],
    ['area_code', 'text'],
    ['occurred_at', 'timestamptz'],
    ['latitude', 'float8'],
    ['longitude', 'float8'],
    ['officer_id', 'uuid'],
    ['team_code', 'text'],
    ['source_reference', 'text'],
    ...spec.fields.map((f): [string, string] => [f.column, sqlTypeOf(f)]),
  ];
}

type BatchRecord = Record<string, unknown> & { id: string; line: number };

/**
 * Inserts a batch in one statement (officers first, in one upsert); answers how many were new, and the rows that
 * were not (their reference is already recorded for this force, or came earlier in the file).
 */
async function insertBatch(
  runner: QueryRunner,
  spec: CaseKindSpec,
  forceCode: string,
  importId: string,
  batch: Pending[],
): Promise<{ inserted: number; conflicts: (Pending & { record: BatchRecord })[] }> {
  if (!batch.length) return { inserted: 0, conflicts: [] };
  const officerIds = await ensureOfficers(
    runner,
    batch.flatMap(({ input }) =>
      input.officerReference ? [{ reference: input.officerReference, forceCode, teamCode: input.teamCode }] : [],
    ),
  );
  const columns = recordColumns(spec);
  const records = batch.map(({ line, input }) => {
    const record: BatchRecord = {
      id: uuidv7(),
      line,
      area_code: input.areaCode ?? null,
      occurred_at: input.occurredAt,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      officer_id: input.officerReference ? officerIds.get(input.officerReference) : null,
      team_code: input.teamCode ?? null,
      source_reference: input.reference,
    };
    for (const f of spec.fields) {
      const value = bindValue(f, input[f.name]);
      record[f.column] = f.type === 'tactics' && typeof value === 'string' ? JSON.parse(value) : value;
    }
    return record;
  });
  const stored = columns.filter(([c]) => c !== 'id' && c !== 'line').map(([c]) => c);
  const rows = (await runner.query(
    `INSERT INTO ${spec.table} (id, force_code, period, source, import_id, version, ${stored.join(', ')})
     SELECT r.id, $1, date_trunc('month', r.occurred_at AT TIME ZONE 'Europe/London')::date, 'csv-template', $2, 1, ${stored.map((c) => `r.${c}`).join(', ')}
     FROM jsonb_to_recordset($3::jsonb) AS r(${columns.map(([c, t]) => `${c} ${t}`).join(', ')})
     ORDER BY r.line
     ON CONFLICT (force_code, source_reference) WHERE source_reference IS NOT NULL DO NOTHING
     RETURNING id`,
    [forceCode, importId, JSON.stringify(records)],
  )) as { id: string }[];
  const inserted = new Set(rows.map((r) => r.id));
  return {
    inserted: inserted.size,
    conflicts: batch.flatMap((p, i) => (inserted.has(records[i].id) ? [] : [{ ...p, record: records[i] }])),
  };
}

/**
 * The lines of rows not inserted whose values differ from the record already stored under their reference (one
 * inserted earlier in the same file included: each statement sees the ones before it).
 */
async function changedConflicts(
  runner: QueryRunner,
  spec: CaseKindSpec,
  forceCode: string,
  conflicts: { record: BatchRecord }[],
): Promise<Set<number>> {
  if (!conflicts.length) return new Set();
  const columns = recordColumns(spec);
  const compared = columns.map(([c]) => c).filter((c) => c !== 'id' && c !== 'line' && c !== 'source_reference');
  const rows = (await runner.query(
    `SELECT r.line FROM jsonb_to_recordset($2::jsonb) AS r(${columns.map(([c, t]) => `${c} ${t}`).join(', ')})
     JOIN ${spec.table} t ON t.force_code = $1 AND t.source_reference = r.source_reference
     WHERE ROW(${compared.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM ROW(${compared.map((c) => `r.${c}`).join(', ')})`,
    [forceCode, JSON.stringify(conflicts.map((c) => c.record))],
  )) as { line: number }[];
  return new Set(rows.map((r) => r.line));
}
