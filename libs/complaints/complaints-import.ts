import type { DataSource } from 'typeorm';
import { CASE_TABLES } from '@scrutiny/auth';
import {
  csvRecords,
  ImportFileError,
  inImportTransaction,
  type ImportCounts,
  type RegisteredImporter,
} from '@scrutiny/records';
import { checkComplaint, type CheckedComplaint } from './complaint-input';
import { canonicalOf, insertComplaint, resolveComplaints, storedCanonical } from './complaint-store';
import {
  checkComplaintHeader,
  columnOf,
  COMPLAINT_COLUMNS,
  complaintOfRows,
  rowOf,
  type ComplaintRow,
} from './complaints-csv';

type Options = Parameters<RegisteredImporter['run']>[1];
type Problem = { field: string; reason: string };

/** Above this many lines the file is refused: a complaints file is a quarter's or a year's register, not a bulk feed. */
export const MAX_COMPLAINT_LINES = 100_000;

/**
 * Imports a complaints CSV (the template, one line per allegation) in the import's one transaction, all or nothing:
 * every line is checked by the API's rules (and its officers, encounter and themes looked up in the force), bad lines
 * are reported by line and column, and if any line is bad nothing is stored. A complaint whose reference the force
 * already has is a duplicate when its values are the same (so re-importing adds nothing), and is reported on its
 * lines when they differ (an import never overwrites a complaint: correct it through the API, which audits it).
 */
export async function importComplaintsCsv(dataSource: DataSource, options: Options): Promise<ImportCounts> {
  return inImportTransaction(dataSource, options, async ({ runner, reject }) => {
    let headerCells: string[] | null = null;
    const groups = new Map<string, { lines: number[]; rows: ComplaintRow[] }>();
    let rowsRead = 0;
    for await (const { cells, line } of csvRecords(options.input(runner))) {
      if (!headerCells) {
        const problem = checkComplaintHeader(cells);
        if (problem) throw new ImportFileError(problem);
        headerCells = cells;
        continue;
      }
      if (cells.every((c) => !c.trim())) continue;
      rowsRead++;
      if (rowsRead > MAX_COMPLAINT_LINES)
        throw new ImportFileError(`more than ${MAX_COMPLAINT_LINES} lines: split the file`);
      const row = rowOf(headerCells, cells);
      const key = row.reference;
      const group = groups.get(key) ?? { lines: [], rows: [] };
      group.lines.push(line);
      group.rows.push(row);
      groups.set(key, group);
    }
    if (!headerCells) throw new ImportFileError('the file is empty: expected the complaints template header and rows');
    options.onProgress?.(rowsRead);

    const rejected = new Map<number, Problem[]>();
    const problem = (line: number, p: Problem) => rejected.set(line, [...(rejected.get(line) ?? []), p]);
    const candidates: { key: string; lines: number[]; checked: CheckedComplaint }[] = [];
    const refs = await encounterIds(
      runner,
      options.forceCode,
      [...groups.values()].flatMap((g) => g.rows),
    );
    for (const [key, { lines, rows }] of groups) {
      // Every line of a complaint repeats its complaint columns: a line that disagrees with the first is refused.
      let consistent = true;
      rows.forEach((r, i) => {
        const differs = COMPLAINT_COLUMNS.filter((c) => r[c] !== rows[0][c]);
        if (i > 0 && differs.length) {
          consistent = false;
          problem(lines[i], {
            field: differs[0],
            reason: `reference "${key}" is repeated from line ${lines[0]} with a different ${differs[0]}`,
          });
        }
      });
      if (!consistent) continue;
      const { input, encounterReferences } = complaintOfRows(rows);
      let found = true;
      encounterReferences.forEach((ref, i) => {
        const encounter = input.allegations[i].encounter;
        if (!ref || !encounter) return;
        const id = refs.get(`${encounter.kind}:${ref}`);
        if (id) encounter.id = id;
        else {
          found = false;
          problem(lines[i], {
            field: 'encounter_reference',
            reason: (CASE_TABLES as Record<string, string>)[encounter.kind]
              ? `no ${encounter.kind.replace(/_/g, ' ')} with reference "${ref}" in this force`
              : 'encounter_kind must be one of: stop_search, vehicle_stop, use_of_force',
          });
        }
      });
      if (!found) continue;
      const result = checkComplaint(input);
      if ('errors' in result) {
        for (const e of result.errors) {
          const { column, allegation } = columnOf(e.field);
          problem(lines[allegation ?? 0] ?? lines[0], { field: column, reason: e.message });
        }
        continue;
      }
      candidates.push({ key, lines, checked: result.complaint });
    }

    const { resolved, errors } = await resolveComplaints(
      runner,
      options.forceCode,
      candidates.map((c) => c.checked),
    );
    const stored = await storedCanonical(
      runner,
      options.forceCode,
      candidates.map((c) => c.checked.reference),
    );
    const toInsert: typeof candidates = [];
    let rowsDuplicate = 0;
    candidates.forEach((c, i) => {
      if (errors[i].length) {
        for (const e of errors[i]) {
          const { column, allegation } = columnOf(e.field);
          problem(c.lines[allegation ?? 0] ?? c.lines[0], { field: column, reason: e.message });
        }
        return;
      }
      const existing = stored.get(c.checked.reference);
      if (existing === undefined) toInsert.push(c);
      else if (existing === canonicalOf(resolved[i]!)) rowsDuplicate += c.lines.length;
      else
        problem(c.lines[0], {
          field: 'reference',
          reason: `complaint "${c.checked.reference}" exists with different values; not changed (correct it through the API)`,
        });
    });

    for (const line of [...rejected.keys()].sort((a, b) => a - b)) await reject(line, rejected.get(line)!);
    // All or nothing: one bad line and no complaint of the file is stored.
    if (rejected.size) return { rowsRead, rowsImported: 0, rowsDuplicate: 0 };
    let rowsImported = 0;
    for (const c of toInsert) {
      const i = candidates.indexOf(c);
      await insertComplaint(runner, options.forceCode, resolved[i]!, {
        source: 'csv-template',
        importId: options.importId,
        createdBy: null,
      });
      rowsImported += c.lines.length;
    }
    return { rowsRead, rowsImported, rowsDuplicate };
  });
}

/** Encounter ids by `kind:reference` for the force's own record references the rows name. */
async function encounterIds(
  q: { query(sql: string, params?: unknown[]): Promise<unknown> },
  forceCode: string,
  rows: ComplaintRow[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [kind, table] of Object.entries(CASE_TABLES)) {
    const refs = [
      ...new Set(
        rows.filter((r) => r.encounter_kind === kind && r.encounter_reference).map((r) => r.encounter_reference),
      ),
    ];
    if (!refs.length) continue;
    for (const r of (await q.query(
      `SELECT id, source_reference FROM ${table} WHERE force_code = $1 AND source_reference = ANY($2::text[])`,
      [forceCode, refs],
    )) as { id: string; source_reference: string }[])
      out.set(`${kind}:${r.source_reference}`, r.id);
  }
  return out;
}

/** The complaints format as the import pipeline runs it. */
export const COMPLAINTS_IMPORTER: RegisteredImporter = {
  checkHeader: checkComplaintHeader,
  run: importComplaintsCsv,
};
