import type { RowRejection } from '../imports/police-uk-row';
import { renderPoliceUkRow } from '../imports/police-uk-row';
import { parseCell, renderCell } from './case-fields';
import type { CaseKindSpec } from './case-kinds';
import { checkCaseInput, COMMON_TEMPLATE_COLUMNS, type CaseInput } from './case-input';
import type { CaseRecordView } from './case-view';
import { spreadsheetSafe } from '../imports/spreadsheet-guard';

/** One CSV line (RFC 4180 quoting, formula cells guarded), without the line break: every CSV the system writes. */
export function csvLine(cells: readonly string[]): string {
  return cells
    .map(spreadsheetSafe)
    .map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
    .join(',');
}

/**
 * The CSV template of a kind: the common columns, then the kind's own, named as the database columns. Values are
 * the API's codes; lists are separated by ";"; tactics are `tactic:yes|no|` (effective, not effective, not
 * recorded); yes/no cells take yes/no, true/false, y/n or 1/0 and blank means unknown.
 */
export function templateColumns(spec: CaseKindSpec): string[] {
  return [...COMMON_TEMPLATE_COLUMNS, ...spec.fields.map((f) => f.column)];
}

/** Refuses a header that lacks a required column or has one the template does not know (columns may be in any order). */
export function checkTemplateHeader(spec: CaseKindSpec, cells: string[]): string | null {
  const known = templateColumns(spec);
  const got = cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const unknown = got.filter((c) => !known.includes(c));
  const required = ['reference', 'occurred_at', ...spec.fields.filter((f) => f.required).map((f) => f.column)];
  const missing = required.filter((c) => !got.includes(c));
  const repeated = got.filter((c, i) => got.indexOf(c) !== i);
  if (!unknown.length && !missing.length && !repeated.length) return null;
  return [
    `not a ${spec.noun.toLowerCase()} CSV template:`,
    missing.length ? `missing column(s) ${missing.join(', ')};` : '',
    unknown.length ? `unknown column(s) ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')};` : '',
    repeated.length ? `repeated column(s) ${repeated.join(', ')};` : '',
    `the template's columns are ${known.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A file's header as parseTemplateRow reads it: built once per file, not looked up cell by cell. */
export interface TemplateHeader {
  /** Columns per row. */
  width: number;
  /** Position of each column by name (BOM stripped, trimmed, lower-cased). */
  index: ReadonlyMap<string, number>;
  /** The column names in file order. */
  names: readonly string[];
}

/** The header row of a template file, indexed (a checked header: checkTemplateHeader refuses repeated columns). */
export function templateHeader(cells: readonly string[]): TemplateHeader {
  const names = cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  return { width: names.length, index, names };
}

/**
 * One template row as a record to create, or every problem in it (each naming its column). `header` is the file's
 * header (lower-cased names, or templateHeader's index of it, which an importer builds once per file); the force
 * comes from the import, not the file.
 */
export function parseTemplateRow(
  spec: CaseKindSpec,
  header: readonly string[] | TemplateHeader,
  cells: string[],
  force: string,
  now = Date.now(),
): { input: CaseInput } | { rejections: RowRejection[] } {
  const { width, index } = 'width' in header ? header : templateHeader(header);
  if (cells.length !== width)
    return { rejections: [{ field: '(row)', reason: `expected ${width} columns, found ${cells.length}` }] };
  const rejections: RowRejection[] = [];
  const cell = (column: string) => {
    const i = index.get(column);
    return i === undefined ? '' : cells[i].trim();
  };
  const number = (column: string): number | null => {
    const raw = cell(column);
    if (raw === '') return null;
    if (!NUMBER.test(raw)) rejections.push({ field: column, reason: `"${raw.slice(0, 40)}" is not a number` });
    return NUMBER.test(raw) ? Number(raw) : null;
  };
  const input: CaseInput = {
    force,
    reference: cell('reference') || null,
    occurredAt: cell('occurred_at'),
    areaCode: cell('area_code') || null,
    latitude: number('latitude'),
    longitude: number('longitude'),
    officerReference: cell('officer_reference') || null,
    teamCode: cell('team_code') || null,
  };
  if (!input.reference)
    rejections.push({
      field: 'reference',
      reason: 'is required (the force’s own id for the record, which makes re-imports safe)',
    });
  for (const f of spec.fields) {
    const parsed = parseCell(f, cell(f.column));
    if ('problem' in parsed) rejections.push({ field: f.column, reason: parsed.problem });
    else input[f.name] = parsed.value;
  }
  const problemColumns = new Set(rejections.map((r) => r.field));
  for (const e of checkCaseInput(spec, input, 'column', now))
    if (!problemColumns.has(e.field)) rejections.push({ field: e.field, reason: e.message });
  return rejections.length ? { rejections } : { input };
}

/** A case as a template row (the inverse of parseTemplateRow). */
export function renderTemplateRow(spec: CaseKindSpec, v: CaseRecordView): string[] {
  const value = (name: string, group?: string) => (group ? (v[group] as Record<string, unknown>)[name] : v[name]);
  return [
    v.reference ?? '',
    v.occurredAt,
    v.areaCode ?? '',
    v.location ? String(v.location.latitude) : '',
    v.location ? String(v.location.longitude) : '',
    v.officer ?? '',
    v.teamCode ?? '',
    ...spec.fields.map((f) => renderCell(f, value(f.name, f.group))),
  ];
}

/** A stop search view as a data.police.uk row. */
export function renderStopSearchAsPoliceUk(v: CaseRecordView): string[] {
  const s = v.subject as {
    gender: string | null;
    ageRange: string | null;
    selfDefinedEthnicity: string | null;
    officerDefinedEthnicity: string | null;
  };
  const text = (name: string) => v[name] as string | null;
  const bool = (name: string) => v[name] as boolean | null;
  return renderPoliceUkRow({
    searchType: text('searchType')!,
    occurredAt: new Date(v.occurredAt),
    partOfOperation: bool('partOfOperation'),
    operationName: text('operationName'),
    latitude: v.location?.latitude ?? null,
    longitude: v.location?.longitude ?? null,
    gender: s.gender,
    ageRange: s.ageRange,
    selfDefinedEthnicity: s.selfDefinedEthnicity,
    officerDefinedEthnicity: s.officerDefinedEthnicity,
    legislation: text('legislation'),
    objectOfSearch: text('objectOfSearch'),
    outcome: text('outcome'),
    outcomeLinkedToObject: bool('outcomeLinkedToObject'),
    clothingRemoved: bool('clothingRemoved'),
  });
}
