import { parse } from 'csv-parse/sync';
import { DomainError } from '@scrutiny/core';
import {
  ETHNIC_GROUPS,
  ETHNIC_GROUP_LABEL,
  groupOfSelfDefined,
  SELF_DEFINED_CATEGORIES,
} from '../vocabulary/ethnicity';
import type { Characteristic } from './characteristics';
import { TS021_CATEGORIES, TS021_DOES_NOT_APPLY } from './ts021';

export interface CensusRow {
  line: number;
  areaCode: string;
  areaName: string;
  /**
   * Residents by category. Ethnicity: by self-defined code ('W1', …), grouped only when read (groupOfSelfDefined);
   * age: by single year ('0' … '100', 100 meaning 100 and over), banded only when read (ageBandOf); sex and
   * disability: by their group codes (CHARACTERISTIC_GROUPS).
   */
  counts: Record<string, number>;
}

export interface ParseProblem {
  line: number;
  message: string;
}

export const CENSUS_LAYOUTS = {
  ts021: { characteristic: 'ethnicity', table: 'TS021 ethnic group (19 categories)' },
  qs201ew: { characteristic: 'ethnicity', table: 'QS201EW ethnic group (18 categories)' },
  ts007: { characteristic: 'age', table: 'TS007 age by single year' },
  ts008: { characteristic: 'sex', table: 'TS008 sex' },
  ts038: { characteristic: 'disability', table: 'TS038 disability (Equality Act)' },
} as const satisfies Record<string, { characteristic: Characteristic; table: string }>;
export type CensusLayout = keyof typeof CENSUS_LAYOUTS;

export interface ParsedCensus {
  layout: CensusLayout;
  characteristic: Characteristic;
  table: string;
  rows: CensusRow[];
  problems: ParseProblem[];
  /** Rows for areas that are not local authorities (country, region, county), left out. */
  skipped: number;
}

const AREA_CODE = /^[EWSNK]\d{8}$/;
/** Local authority districts: unitary (E06), non-metropolitan (E07), metropolitan (E08), London boroughs (E09), Welsh (W06). */
const LOCAL_AUTHORITY_CODE = /^(E0[6-9]|W06)\d{6}$/;

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
  const text = raw.replace(/,/g, '').trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

function layoutOf(header: string[]): CensusLayout {
  const lower = header.map((h) => h.toLowerCase());
  if (lower.some((h) => /^ethnic group \(\d+ categories\) code$/.test(h)) && lower.includes('observation'))
    return 'ts021';
  if (lower.some((h) => h.startsWith('ethnic group:'))) return 'qs201ew';
  if (lower.some((h) => h.startsWith('age:'))) return 'ts007';
  if (lower.includes('female') && lower.includes('male')) return 'ts008';
  if (lower.includes('disabled under the equality act')) return 'ts038';
  if (ETHNIC_GROUPS.every((g) => lower.includes(g)))
    throw new DomainError(
      'UNPROCESSABLE',
      'a five-group ethnicity file is refused: give residents by category (Census 2021 TS021 or 2011 QS201EW), so they are grouped exactly as searches are (third-party five-group collapses differ, e.g. counting Mixed White and Black people as Black)',
    );
  throw new DomainError(
    'UNPROCESSABLE',
    'not a census table this system reads: expected TS021 (ethnic group, long), QS201EW or TS007 (Nomis), or TS008/TS038 (ONS census maps)',
  );
}

/** Keeps a row's area if it is a local authority; says why not otherwise. */
function areaOf(line: number, code: string, problems: ParseProblem[]): { ok: true } | { ok: false; skipped: boolean } {
  if (!AREA_CODE.test(code)) {
    problems.push({ line, message: `area code "${code}" is not an ONS code` });
    return { ok: false, skipped: false };
  }
  if (!LOCAL_AUTHORITY_CODE.test(code)) return { ok: false, skipped: true };
  return { ok: true };
}

/**
 * A census table by local authority, recognised by its header: TS021 (ONS long format, 19 ethnic categories),
 * QS201EW (Nomis, 18 ethnic categories), TS007 (Nomis, age by single year, held so and banded when read), TS008
 * and TS038 (ONS census maps layout: sex, disability). Rows for countries, regions and counties are skipped; a row
 * whose categories do not add up to its own total is a problem, never loaded.
 */
export function parseCensusTable(text: string): ParsedCensus {
  const { header, rows } = records(text);
  const layout = layoutOf(header);
  const parsed =
    layout === 'ts021'
      ? parseTs021(header, rows)
      : layout === 'qs201ew'
        ? parseQs201(header, rows)
        : layout === 'ts007'
          ? parseTs007(header, rows)
          : parseCensusMaps(layout, header, rows);
  return { layout, ...CENSUS_LAYOUTS[layout], ...parsed };
}

type Body = { rows: CensusRow[]; problems: ParseProblem[]; skipped: number };
type Lines = { line: number; cells: string[] }[];

function column(header: string[], test: (h: string) => boolean, what: string): number {
  const i = header.findIndex((h) => test(h.toLowerCase()));
  if (i < 0) throw new DomainError('UNPROCESSABLE', `no ${what} column`);
  return i;
}

function parseTs021(header: string[], lines: Lines): Body {
  const categoryCode = column(header, (h) => /^ethnic group \(\d+ categories\) code$/.test(h), 'ethnic group code');
  const categoryLabel = column(header, (h) => /^ethnic group \(\d+ categories\)$/.test(h), 'ethnic group label');
  const observation = column(header, (h) => h === 'observation', 'Observation');
  const areaCode = column(header, (h) => h.endsWith(' code') && !h.startsWith('ethnic group'), 'area code');
  const areaName = header.findIndex((h) => h === header[areaCode].replace(/ Code$/i, ''));
  const expected = new Map<number, (typeof TS021_CATEGORIES)[number]>(TS021_CATEGORIES.map((c) => [c.code, c]));

  const problems: ParseProblem[] = [];
  const byArea = new Map<string, { line: number; name: string; counts: Record<string, number>; seen: Set<number> }>();
  const bad = new Set<string>();
  let skipped = 0;
  for (const { line, cells } of lines) {
    const code = (cells[areaCode] ?? '').trim();
    const kept = areaOf(line, code, problems);
    if (!kept.ok) {
      if (kept.skipped) skipped++;
      continue;
    }
    const category = Number((cells[categoryCode] ?? '').trim());
    const label = (cells[categoryLabel] ?? '').trim();
    const n = toCount(cells[observation]);
    if (n === null) {
      problems.push({ line, message: `not a whole number in Observation` });
      bad.add(code);
      continue;
    }
    if (category === TS021_DOES_NOT_APPLY) {
      if (n !== 0) {
        problems.push({ line, message: `"Does not apply" holds ${n}: TS021 counts every usual resident` });
        bad.add(code);
      }
      continue;
    }
    const known = expected.get(category);
    if (!known || known.label !== label) {
      problems.push({
        line,
        message: known
          ? `category ${category} is "${label}", expected "${known.label}"`
          : `category ${category} ("${label}") is not one of TS021's 19`,
      });
      bad.add(code);
      continue;
    }
    let area = byArea.get(code);
    if (!area) {
      area = { line, name: areaName >= 0 ? (cells[areaName] ?? '').trim() : code, counts: {}, seen: new Set() };
      byArea.set(code, area);
    }
    if (area.seen.has(category)) {
      problems.push({ line, message: `${code} has category ${category} twice` });
      bad.add(code);
      continue;
    }
    area.seen.add(category);
    area.counts[known.selfDefined] = (area.counts[known.selfDefined] ?? 0) + n;
  }
  const rows: CensusRow[] = [];
  for (const [code, area] of byArea) {
    if (bad.has(code)) continue;
    const missing = TS021_CATEGORIES.filter((c) => !area.seen.has(c.code)).map((c) => c.code);
    if (missing.length) {
      problems.push({
        line: area.line,
        message: `${code} lacks categor${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')}`,
      });
      continue;
    }
    rows.push({ line: area.line, areaCode: code, areaName: area.name, counts: area.counts });
  }
  return { rows, problems, skipped };
}

function parseQs201(header: string[], lines: Lines): Body {
  const lower = header.map((h) => h.toLowerCase());
  const areaCode = column(header, (h) => h === 'geography code', '"geography code"');
  const areaName = lower.indexOf('geography');
  const ruralUrban = lower.indexOf('rural urban');
  const categories = SELF_DEFINED_CATEGORIES.map((c) => ({
    key: c.code,
    index: header.indexOf(`Ethnic Group: ${c.census}; measures: Value`),
  }));
  const missing = SELF_DEFINED_CATEGORIES.filter((_, i) => categories[i].index < 0).map((c) => `"${c.census}"`);
  if (missing.length)
    throw new DomainError(
      'UNPROCESSABLE',
      `no column for categor${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')}`,
    );
  // The group columns, where present, must be the sums of their categories (a check on the file, not loaded).
  const groups = ETHNIC_GROUPS.map((g) => ({
    group: g,
    index: header.indexOf(`Ethnic Group: ${ETHNIC_GROUP_LABEL[g]}; measures: Value`),
  })).filter((g) => g.index >= 0);
  const total = header.indexOf('Ethnic Group: All categories: Ethnic group; measures: Value');

  // Nomis repeats each area for rural/urban splits: keep the "Total" rows only.
  const totalRows = ruralUrban < 0 ? lines : lines.filter(({ cells }) => (cells[ruralUrban] ?? '').trim() === 'Total');
  return parseWide(totalRows, areaCode, areaName, categories, 'in', (counts, cells) => {
    const sums = sumBy(counts, (code) => groupOfSelfDefined(code));
    const mismatch: string[] = groups
      .filter((g) => toCount(cells[g.index]) !== (sums[g.group] ?? 0))
      .map((g) => g.group);
    const all = total >= 0 ? toCount(cells[total]) : null;
    if (total >= 0 && all !== Object.values(counts).reduce((a, b) => a + b, 0)) mismatch.push('all categories');
    return mismatch.length ? `the categories do not add up to the file's total for ${mismatch.join(', ')}` : null;
  });
}

function sumBy(counts: Record<string, number>, key: (k: string) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts)) {
    const to = key(k);
    if (to) out[to] = (out[to] ?? 0) + n;
  }
  return out;
}

/** The single year a TS007 column holds (0 = under 1, 100 = 100 and over); null for a band subtotal or the total. */
export function singleYearOfTs007Column(header: string): number | null {
  const m = /^Age: Aged (.+); measures: Value$/.exec(header.trim());
  if (!m) return null;
  if (m[1] === 'under 1 year') return 0;
  if (m[1] === '100 years and over') return 100;
  const year = /^(\d+) years?$/.exec(m[1]);
  return year ? Number(year[1]) : null;
}

function parseTs007(header: string[], lines: Lines): Body {
  const areaCode = column(header, (h) => h === 'geography code', '"geography code"');
  const areaName = header.findIndex((h) => h.toLowerCase() === 'geography');
  const total = column(header, (h) => h === 'age: total; measures: value', '"Age: Total"');
  // Only the single-year columns: the file interleaves band subtotals (e.g. "Aged 10 to 15 years") with them.
  const years = header
    .map((h, index) => ({ index, year: singleYearOfTs007Column(h) }))
    .filter((c): c is { index: number; year: number } => c.year !== null);
  const distinct = new Set(years.map((y) => y.year));
  if (years.length !== 101 || distinct.size !== 101)
    throw new DomainError(
      'UNPROCESSABLE',
      `expected 101 single-year age columns (under 1 … 100 and over), found ${distinct.size}`,
    );

  // Held by single year and banded when read (police.uk or use-of-force bands: AGE_BANDS).
  const columns = years.map(({ index, year }) => ({ key: String(year), index }));
  return parseWide(lines, areaCode, areaName, columns, 'for age', (counts, cells) => {
    const sum = Object.values(counts).reduce((a, b) => a + b, 0);
    return toCount(cells[total]) === sum ? null : `single years add up to ${sum}, the file's total is ${cells[total]}`;
  });
}

const CENSUS_MAPS_CATEGORIES: Record<'ts008' | 'ts038', Record<string, string>> = {
  ts008: { female: 'female', male: 'male' },
  ts038: { 'disabled under the equality act': 'disabled', 'not disabled under the equality act': 'not_disabled' },
};

function parseCensusMaps(layout: 'ts008' | 'ts038', header: string[], lines: Lines): Body {
  const lower = header.map((h) => h.toLowerCase());
  const areaCode = column(header, (h) => h === 'geography code', '"Geography code"');
  const areaName = lower.indexOf('geography label');
  const total = column(header, (h) => h === 'total', '"Total"');
  const categories = Object.entries(CENSUS_MAPS_CATEGORIES[layout]).map(([label, group]) => ({
    key: group,
    index: column(header, (h) => h === label, `"${label}"`),
  }));

  return parseWide(lines, areaCode, areaName, categories, 'in', (counts, cells) => {
    const sum = Object.values(counts).reduce((a, b) => a + b, 0);
    return toCount(cells[total]) === sum
      ? null
      : `the categories add up to ${sum}, the file's total is ${cells[total]}`;
  });
}

/**
 * The wide layouts (a row per area, a column per category): keeps the local authorities' rows whose categories are
 * whole numbers and agree with the file's totals (`totals` answers the problem, or null), skips other areas' rows
 * and reports the rest by line.
 */
function parseWide(
  lines: Lines,
  areaCode: number,
  areaName: number,
  categories: readonly { key: string; index: number }[],
  /** How the problem names the categories that are not whole numbers: "in" them, or "for age". */
  notWholeNumber: 'in' | 'for age',
  totals: (counts: Record<string, number>, cells: string[]) => string | null,
): Body {
  const rows: CensusRow[] = [];
  const problems: ParseProblem[] = [];
  let skipped = 0;
  for (const { line, cells } of lines) {
    const code = (cells[areaCode] ?? '').trim();
    const kept = areaOf(line, code, problems);
    if (!kept.ok) {
      if (kept.skipped) skipped++;
      continue;
    }
    const counts: Record<string, number> = {};
    const bad: string[] = [];
    for (const c of categories) {
      const n = toCount(cells[c.index]);
      if (n === null) bad.push(c.key);
      else counts[c.key] = n;
    }
    if (bad.length) {
      problems.push({ line, message: `not a whole number ${notWholeNumber} ${bad.join(', ')}` });
      continue;
    }
    const mismatch = totals(counts, cells);
    if (mismatch) {
      problems.push({ line, message: mismatch });
      continue;
    }
    rows.push({ line, areaCode: code, areaName: areaName >= 0 ? (cells[areaName] ?? '').trim() : code, counts });
  }
  return { rows, problems, skipped };
}

/** Local authority → police force area (and the authority's name), from an ONS lookup (LADyyCD … PFAyyCD). */
export function parseAreaLookup(text: string): Map<string, { force: string; name: string }> {
  const { header, rows } = records(text);
  const lad = header.findIndex((h) => /^LAD\d{2}CD$/i.test(h));
  const ladName = header.findIndex((h) => /^LAD\d{2}NM$/i.test(h));
  const pfa = header.findIndex((h) => /^PFA\d{2}CD$/i.test(h));
  if (lad < 0 || pfa < 0) throw new DomainError('UNPROCESSABLE', 'a lookup needs LADyyCD and PFAyyCD columns');
  return new Map(
    rows.map(({ cells }) => [
      cells[lad].trim(),
      { force: cells[pfa].trim(), name: ladName >= 0 ? cells[ladName].trim() : cells[lad].trim() },
    ]),
  );
}
