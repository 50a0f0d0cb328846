import { parse } from 'csv-parse/sync';
import { DomainError } from '@scrutiny/core';
import { ETHNIC_GROUPS, SELF_DEFINED_CATEGORIES, type EthnicGroup } from '../vocabulary/ethnicity';

export interface CensusRow {
  line: number;
  areaCode: string;
  areaName: string;
  /** Keys: the 5 group names ('white', …) and, where the source has them, the 18 category codes ('W1', …). */
  counts: Record<string, number>;
}

export interface ParseProblem {
  line: number;
  message: string;
}

const AREA_CODE = /^[EWSN]\d{8}$/;

function records(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const all = parse(text.replace(/^\uFEFF/, ''), {
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  if (!all.length) throw new DomainError('UNPROCESSABLE', 'the file is empty');
  return {
    header: all[0].record.map((h) => h.trim()),
    rows: all.slice(1).map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

function toCount(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const value = Number(raw.replace(/,/g, '').trim());
  return Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * Population by area and ethnicity from an ONS-style CSV. Two layouts are recognised by their header:
 * 5 groups (`LAD_code,Asian,Black,Mixed,Other,White`, as published collapsed from TS021) and Nomis QS201EW
 * (`geography code` plus one `Ethnic Group: …; measures: Value` column per group and category).
 */
export function parseCensusPopulation(text: string): {
  rows: CensusRow[];
  problems: ParseProblem[];
  layout: '5-groups' | 'nomis-18';
} {
  const { header, rows } = records(text);
  const lower = header.map((h) => h.toLowerCase());
  const codeIndex = lower.findIndex(
    (h) => h === 'lad_code' || h === 'geography code' || /^lad\d{2}cd$/.test(h) || h === 'area_code',
  );
  const nameIndex = lower.findIndex(
    (h) => h === 'lad' || h === 'geography' || /^lad\d{2}nm$/.test(h) || h === 'area_name',
  );
  if (codeIndex < 0)
    throw new DomainError('UNPROCESSABLE', 'no area code column (expected LAD_code, LADyyCD or "geography code")');

  const columns = new Map<string, number>();
  let layout: '5-groups' | 'nomis-18';
  if (lower.some((h) => h.startsWith('ethnic group:'))) {
    layout = 'nomis-18';
    const groupHeader: Record<EthnicGroup, string> = {
      white: 'White',
      mixed: 'Mixed',
      asian: 'Asian',
      black: 'Black',
      other: 'Other',
    };
    for (const g of ETHNIC_GROUPS) {
      const i = header.findIndex((h) => h === `Ethnic Group: ${groupHeader[g]}; measures: Value`);
      if (i >= 0) columns.set(g, i);
    }
    for (const c of SELF_DEFINED_CATEGORIES) {
      const i = header.findIndex((h) => h === `Ethnic Group: ${c.census}; measures: Value`);
      if (i >= 0) columns.set(c.code, i);
    }
  } else {
    layout = '5-groups';
    for (const g of ETHNIC_GROUPS) {
      const i = lower.indexOf(g);
      if (i >= 0) columns.set(g, i);
    }
  }
  const missingGroups = ETHNIC_GROUPS.filter((g) => !columns.has(g));
  if (missingGroups.length)
    throw new DomainError('UNPROCESSABLE', `no column for group(s): ${missingGroups.join(', ')}`);

  const out: CensusRow[] = [];
  const problems: ParseProblem[] = [];
  for (const { line, cells } of rows) {
    const areaCode = (cells[codeIndex] ?? '').trim();
    if (!AREA_CODE.test(areaCode)) {
      problems.push({ line, message: `area code "${areaCode}" is not an ONS code` });
      continue;
    }
    // Nomis repeats each area for rural/urban splits: keep the "Total" rows only.
    const ruralUrban = lower.indexOf('rural urban');
    if (ruralUrban >= 0 && (cells[ruralUrban] ?? '').trim() !== 'Total') continue;
    const counts: Record<string, number> = {};
    const bad: string[] = [];
    for (const [key, i] of columns) {
      const n = toCount(cells[i]);
      if (n === null) bad.push(key);
      else counts[key] = n;
    }
    if (bad.length) {
      problems.push({ line, message: `not a whole number in ${bad.join(', ')}` });
      continue;
    }
    out.push({ line, areaCode, areaName: nameIndex >= 0 ? (cells[nameIndex] ?? '').trim() : areaCode, counts });
  }
  return { rows: out, problems, layout };
}

/** Local authority → police force area, from an ONS lookup (LADyyCD … PFAyyCD columns). */
export function parseAreaLookup(text: string): Map<string, string> {
  const { header, rows } = records(text);
  const lad = header.findIndex((h) => /^LAD\d{2}CD$/i.test(h));
  const pfa = header.findIndex((h) => /^PFA\d{2}CD$/i.test(h));
  if (lad < 0 || pfa < 0) throw new DomainError('UNPROCESSABLE', 'a lookup needs LADyyCD and PFAyyCD columns');
  return new Map(rows.map(({ cells }) => [cells[lad].trim(), cells[pfa].trim()]));
}
