import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import { uuidv7 } from '@scrutiny/core';
import { areaForces } from '../areas/area-lookup';
import { bindValue, sqlTypeOf } from '../cases/case-fields';
import { checkTemplateHeader, parseTemplateRow } from '../cases/case-csv';
import type { CaseKindSpec } from '../cases/case-kinds';
import type { CaseInput } from '../cases/case-input';
import { csvRecords } from './csv-records';
import { ImportFileError, inImportTransaction, type ImportCounts } from './import-transaction';
import { garbageCell } from './police-uk-row';

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

/**
 * Imports a kind's CSV template (vehicle stops, use-of-force reports) as one transaction. Each row is checked by
 * the same rules as the API (and its area must lie in the import's force); bad rows are reported by line and
 * column, good rows go in by batches of set-based INSERT … SELECT FROM jsonb_to_recordset (no row-by-row saves). The
 * force's own record reference makes re-imports add nothing.
 */
export async function importTemplateCsv(dataSource: DataSource, options: TemplateImportOptions): Promise<ImportCounts> {
  const { spec, forceCode } = options;
  return inImportTransaction(dataSource, options, async ({ runner, reject }) => {
    const areas = await areaForces(runner);
    const counts = { rowsRead: 0, rowsImported: 0, rowsDuplicate: 0 };
    let header: string[] | null = null;
    let batch: Pending[] = [];
    const flush = async () => {
      const kept = await dropBadLinks(runner, spec, forceCode, batch, reject);
      const inserted = await insertBatch(runner, spec, forceCode, options.importId, kept);
      counts.rowsImported += inserted;
      counts.rowsDuplicate += kept.length - inserted;
      batch = [];
    };
    // Read through the import's own connection: the embedded engine has only one (the CSV template has no COPY).
    for await (const { cells, line } of csvRecords(options.input(runner))) {
      if (!header) {
        const problem = checkTemplateHeader(spec, cells);
        if (problem) throw new ImportFileError(problem);
        header = cells.map((c) => c.replace(/^\uFEFF/, '').trim().toLowerCase());
        continue;
      }
      counts.rowsRead++;
      if (options.onProgress && counts.rowsRead % 10_000 === 0) options.onProgress(counts.rowsRead);
      const garbage = garbageCell(cells);
      if (garbage >= 0) {
        await reject(line, [{ field: header[garbage] ?? '(row)', reason: 'contains binary data or characters that are not valid UTF-8' }]);
        continue;
      }
      const parsed = parseTemplateRow(spec, header, cells, forceCode);
      if ('rejections' in parsed) {
        await reject(line, parsed.rejections);
        continue;
      }
      const area = parsed.input.areaCode;
      if (area && areas.get(area) !== forceCode) {
        await reject(line, [{ field: 'area_code', reason: areas.has(area) ? `"${area}" is not in this force` : `"${area}" is not a known district or local authority code` }]);
        continue;
      }
      batch.push({ line, input: parsed.input });
      if (batch.length >= BATCH) await flush();
    }
    if (!header) throw new ImportFileError(`the file is empty: expected the ${spec.noun.toLowerCase()} template header and rows`);
    await flush();
    return counts;
  });
}

/** Rejects rows linking to a stop search that this force does not have; answers the rest. */
async function dropBadLinks(runner: QueryRunner, spec: CaseKindSpec, forceCode: string, batch: Pending[], reject: (line: number, problems: { field: string; reason: string }[]) => Promise<void>): Promise<Pending[]> {
  const links = spec.fields.filter((f) => f.type === 'case-link');
  const ids = [...new Set(batch.flatMap((p) => links.map((f) => p.input[f.name]).filter((id): id is string => typeof id === 'string')))];
  if (!ids.length) return batch;
  const found = new Set(
    ((await runner.query(`SELECT id FROM stop_searches WHERE id = ANY($1::uuid[]) AND force_code = $2`, [ids, forceCode])) as { id: string }[]).map((r) => r.id),
  );
  const kept: Pending[] = [];
  for (const p of batch) {
    const bad = links.find((f) => typeof p.input[f.name] === 'string' && !found.has(p.input[f.name] as string));
    if (bad) await reject(p.line, [{ field: bad.column, reason: `no stop search ${String(p.input[bad.name])} in this force` }]);
    else kept.push(p);
  }
  return kept;
}

/** Inserts a batch in one statement (officers first, in one upsert); answers how many were new. */
async function insertBatch(runner: QueryRunner, spec: CaseKindSpec, forceCode: string, importId: string, batch: Pending[]): Promise<number> {
  if (!batch.length) return 0;
  const teams = new Map<string, string | null>();
  for (const { input } of batch) if (input.officerReference) teams.set(input.officerReference, input.teamCode ?? teams.get(input.officerReference) ?? null);
  const officerIds = new Map<string, string>();
  if (teams.size) {
    const rows = (await runner.query(
      `INSERT INTO officers (reference, force_code, team_code) SELECT r, $1, t FROM unnest($2::text[], $3::text[]) AS u(r, t)
       ON CONFLICT (reference) DO UPDATE SET team_code = COALESCE(EXCLUDED.team_code, officers.team_code) RETURNING id, reference`,
      [forceCode, [...teams.keys()], [...teams.values()]],
    )) as { id: string; reference: string }[];
    for (const r of rows) officerIds.set(r.reference, r.id);
  }
  const columns: [string, string][] = [
    ['id', 'uuid'], ['line', 'int'], ['area_code', 'text'], ['occurred_at', 'timestamptz'], ['latitude', 'float8'], ['longitude', 'float8'],
    ['officer_id', 'uuid'], ['team_code', 'text'], ['source_reference', 'text'],
    ...spec.fields.map((f): [string, string] => [f.column, sqlTypeOf(f)]),
  ];
  const records = batch.map(({ line, input }) => {
    const record: Record<string, unknown> = {
      id: uuidv7(), line, area_code: input.areaCode ?? null, occurred_at: input.occurredAt, latitude: input.latitude ?? null, longitude: input.longitude ?? null,
      officer_id: input.officerReference ? officerIds.get(input.officerReference) : null, team_code: input.teamCode ?? null, source_reference: input.reference,
    };
    for (const f of spec.fields) {
      const value = bindValue(f, input[f.name]);
      record[f.column] = f.type === 'tactics' && typeof value === 'string' ? JSON.parse(value) : value;
    }
    return record;
  });
  const stored = columns.filter(([c]) => c !== 'id' && c !== 'line').map(([c]) => c);
  const [{ inserted }] = (await runner.query(
    `WITH inserted AS (
       INSERT INTO ${spec.table} (id, force_code, period, source, import_id, version, ${stored.join(', ')})
       SELECT r.id, $1, date_trunc('month', r.occurred_at AT TIME ZONE 'Europe/London')::date, 'csv-template', $2, 1, ${stored.map((c) => `r.${c}`).join(', ')}
       FROM jsonb_to_recordset($3::jsonb) AS r(${columns.map(([c, t]) => `${c} ${t}`).join(', ')})
       ORDER BY r.line
       ON CONFLICT (force_code, source_reference) WHERE source_reference IS NOT NULL DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM inserted`,
    [forceCode, importId, JSON.stringify(records)],
  )) as { inserted: number }[];
  return inserted;
}
