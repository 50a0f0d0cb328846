import type { DataSource, EntityManager } from 'typeorm';
import { HOME_OFFICE_UOF_TACTICS_2018_19 } from '../reference/data/home-office/embedded';
import { forceNameKey, parsePublishedTactics, type PublishedParseProblem } from './home-office-uof-csv';
import {
  financialYearOfFilename,
  financialYearProblem,
  mappingCoverage,
  publishedTactic,
  storedTacticKey,
  type PublishedCharacteristic,
} from './home-office-uof';

export interface HomeOfficeUofImportInput {
  csv: string;
  /** The file's name (its base name is the source: re-importing the same file replaces its rows). */
  filename: string;
  /** "2018/19"; when absent, read from the file name ("…apr2018-mar2019…"). */
  year?: string;
}

export interface HomeOfficeUofImportResult {
  /** imported: every row stored; rejected: nothing stored (see problems). */
  status: 'imported' | 'rejected';
  sourceFile: string;
  year: string | null;
  characteristic: PublishedCharacteristic | null;
  forces: number;
  /** Published rows (tactic × force) stored, and the cells (× group) they hold. */
  rows: number;
  cells: number;
  /** Cells the force did not supply (empty in the file): stored as null. */
  notSupplied: number;
  /** Cells of an earlier import of the same file, year, force and characteristic that these replaced. */
  replaced: number;
  /** England and Wales and region total rows, not stored (not a force). */
  totalRows: number;
  /** Published tactics the system cannot count from its records (kept by name; the comparison shows them unmatched). */
  unmapped: string[];
  /** Published tactics the mapping table does not know (kept by name, also unmapped). */
  unknownTactics: string[];
  problems: PublishedParseProblem[];
}

/**
 * Imports one Home Office use-of-force tactic table by force, all or nothing: a malformed row or a force that is
 * not a police force area is reported by line and nothing is written. Rows from an earlier import of the same file
 * for the same year, force and characteristic are replaced. In the caller's transaction.
 */
export async function importHomeOfficeUofTactics(
  m: EntityManager,
  input: HomeOfficeUofImportInput,
): Promise<HomeOfficeUofImportResult> {
  const sourceFile = input.filename.split(/[\\/]/).pop() ?? input.filename;
  const parsed = parsePublishedTactics(input.csv);
  const problems = [...parsed.problems];
  const year = input.year ?? financialYearOfFilename(sourceFile);
  if (!year)
    problems.unshift({ line: 0, message: 'give the financial year (e.g. --year 2018/19): the file name does not say' });
  else {
    const wrong = financialYearProblem(year);
    if (wrong) problems.unshift({ line: 0, message: `year ${wrong}` });
  }

  const forces = (await m.query(`SELECT code, name, police_uk_id FROM areas WHERE level = 'force'`)) as {
    code: string;
    name: string;
    police_uk_id: string | null;
  }[];
  const forceByKey = new Map<string, string>();
  for (const f of forces) {
    forceByKey.set(forceNameKey(f.name), f.code);
    if (f.police_uk_id) forceByKey.set(forceNameKey(f.police_uk_id), f.code);
  }
  const forceCodes: string[] = [];
  for (const row of parsed.rows) {
    const code = forceByKey.get(forceNameKey(row.force));
    if (!code)
      problems.push({ line: row.line, message: `"${row.force}" is not a police force area of England and Wales` });
    forceCodes.push(code ?? '');
  }
  problems.sort((a, b) => a.line - b.line);

  const tacticNames = [...new Set(parsed.rows.map((r) => r.tactic))];
  const unknownTactics = tacticNames.filter((t) => !publishedTactic(t));
  const unmapped = tacticNames.filter((t) => mappingCoverage(publishedTactic(t)) === 'none');
  const result: HomeOfficeUofImportResult = {
    status: 'rejected',
    sourceFile,
    year,
    characteristic: parsed.characteristic,
    forces: 0,
    rows: 0,
    cells: 0,
    notSupplied: 0,
    replaced: 0,
    totalRows: parsed.totalRows.length,
    unmapped,
    unknownTactics,
    problems,
  };
  if (problems.length || !parsed.characteristic || !year) return result;
  if (!parsed.rows.length) {
    result.problems.push({ line: 1, message: 'the file has no force rows' });
    return result;
  }

  const distinctForces = [...new Set(forceCodes)];
  const [{ n: replaced }] = (await m.query(
    `WITH gone AS (
       DELETE FROM published_uof_tactics WHERE financial_year = $1 AND characteristic = $2 AND source_file = $3 AND force_code = ANY($4::text[])
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [year, parsed.characteristic, sourceFile, distinctForces],
  )) as { n: number }[];
  const cells = {
    force: [] as string[],
    group: [] as string[],
    tactic: [] as string[],
    homeOffice: [] as string[],
    typeOfForce: [] as string[],
    count: [] as (number | null)[],
    line: [] as number[],
  };
  parsed.rows.forEach((row, i) => {
    for (const group of parsed.groups) {
      cells.force.push(forceCodes[i]);
      cells.group.push(group);
      cells.tactic.push(storedTacticKey(row.tactic));
      cells.homeOffice.push(row.tactic);
      cells.typeOfForce.push(row.typeOfForce);
      cells.count.push(row.counts[group]);
      cells.line.push(row.line);
    }
  });
  await m.query(
    `INSERT INTO published_uof_tactics (financial_year, force_code, characteristic, group_code, tactic, home_office_tactic, type_of_force, count, source_file, source_line)
     SELECT $1, f, $2, g, t, h, y, c, $3, l
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[]) AS x(f, g, t, h, y, c, l)`,
    [
      year,
      parsed.characteristic,
      sourceFile,
      cells.force,
      cells.group,
      cells.tactic,
      cells.homeOffice,
      cells.typeOfForce,
      cells.count,
      cells.line,
    ],
  );
  return {
    ...result,
    status: 'imported',
    forces: distinctForces.length,
    rows: parsed.rows.length,
    cells: cells.count.length,
    notSupplied: cells.count.filter((c) => c === null).length,
    replaced,
  };
}

/**
 * The built-in Home Office tactic tables (2018/19 by ethnicity, age and disability), each imported once: skipped
 * when rows from that file and year are present (a later import of the same file replaces them).
 */
export async function seedHomeOfficeUofTactics(dataSource: DataSource): Promise<void> {
  for (const file of HOME_OFFICE_UOF_TACTICS_2018_19) {
    const [present] = (await dataSource.query(
      `SELECT 1 FROM published_uof_tactics WHERE financial_year = $1 AND source_file = $2 LIMIT 1`,
      [file.year, file.filename],
    )) as unknown[];
    if (present) continue;
    await dataSource.transaction(async (m) => {
      const result = await importHomeOfficeUofTactics(m, { csv: file.csv, filename: file.filename, year: file.year });
      if (result.status !== 'imported')
        throw new Error(
          `Built-in Home Office figures are inconsistent: ${JSON.stringify(result.problems.slice(0, 5))}`,
        );
    });
  }
}
