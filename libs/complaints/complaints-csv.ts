import { isUuid } from '@scrutiny/core';
import type { ComplaintInput } from './complaint-input';

/** The import format name (`imports.format`). */
export const COMPLAINTS_FORMAT = 'complaints';

/**
 * The complaints CSV template (docs/csv-templates/complaints.csv): one line per allegation; the lines of one complaint
 * share its `reference` and repeat its complaint columns. Lists (themes, officer references) are separated by ";".
 */
export const COMPLAINT_TEMPLATE_COLUMNS = [
  'reference',
  'received_on',
  'logged_on',
  'finalised_on',
  'handling',
  'complainant_reference',
  'complainant_ethnicity',
  'complainant_sex',
  'complainant_age_band',
  'themes',
  'category',
  'sub_category',
  'characteristic',
  'officer_references',
  'encounter_kind',
  'encounter_reference',
  'outcome',
] as const;
type Column = (typeof COMPLAINT_TEMPLATE_COLUMNS)[number];

const REQUIRED: Column[] = ['reference', 'received_on', 'category', 'sub_category'];
/** The columns that belong to the complaint, not the allegation: every line of a complaint must agree on them. */
export const COMPLAINT_COLUMNS: Column[] = [
  'received_on',
  'logged_on',
  'finalised_on',
  'handling',
  'complainant_reference',
  'complainant_ethnicity',
  'complainant_sex',
  'complainant_age_band',
  'themes',
];

const header = (cells: string[]) =>
  cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );

/** Refuses a header lacking a required column, or naming one twice or one the template does not know. */
export function checkComplaintHeader(cells: string[]): string | null {
  const got = header(cells);
  const unknown = got.filter((c) => !(COMPLAINT_TEMPLATE_COLUMNS as readonly string[]).includes(c));
  if (unknown.length)
    return `unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}: expected the complaints template (${COMPLAINT_TEMPLATE_COLUMNS.join(', ')})`;
  const repeated = got.filter((c, i) => got.indexOf(c) !== i);
  if (repeated.length) return `column "${repeated[0]}" appears more than once`;
  const missing = REQUIRED.filter((c) => !got.includes(c));
  if (missing.length) return `missing required column(s): ${missing.join(', ')}`;
  return null;
}

export type ComplaintRow = Record<Column, string>;

/** A data line's cells by column (absent columns blank). */
export function rowOf(headerCells: string[], cells: string[]): ComplaintRow {
  const names = header(headerCells);
  const row = Object.fromEntries(COMPLAINT_TEMPLATE_COLUMNS.map((c) => [c, ''])) as ComplaintRow;
  names.forEach((name, i) => (row[name as Column] = (cells[i] ?? '').trim()));
  return row;
}

const list = (cell: string) =>
  cell
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The complaint the lines of one reference describe (first line's complaint columns; one allegation per line). The
 * encounter is named by the force's own record reference, or by its id; `encounterReferences` keeps what each line
 * gave so the importer can look references up.
 */
export function complaintOfRows(rows: ComplaintRow[]): {
  input: Omit<ComplaintInput, 'force'>;
  encounterReferences: (string | null)[];
} {
  const first = rows[0];
  return {
    input: {
      reference: first.reference,
      receivedOn: first.received_on,
      loggedOn: first.logged_on || null,
      finalisedOn: first.finalised_on || null,
      handling: first.handling || null,
      complainant: {
        reference: first.complainant_reference || null,
        ethnicity: first.complainant_ethnicity || null,
        sex: first.complainant_sex || null,
        ageBand: first.complainant_age_band || null,
      },
      themes: list(first.themes),
      allegations: rows.map((r) => ({
        category: r.category,
        subCategory: r.sub_category,
        characteristic: r.characteristic || null,
        officerReferences: list(r.officer_references),
        // A placeholder id until the reference is looked up; an id is taken as it is.
        encounter:
          r.encounter_kind || r.encounter_reference
            ? { kind: r.encounter_kind, id: isUuid(r.encounter_reference) ? r.encounter_reference : '' }
            : null,
        outcome: r.outcome || null,
      })),
    },
    encounterReferences: rows.map((r) =>
      r.encounter_reference && !isUuid(r.encounter_reference) ? r.encounter_reference : null,
    ),
  };
}

/** The template column an API field of a complaint is read from (for rejections by line and column). */
export function columnOf(field: string): { column: string; allegation: number | null } {
  const m = /^allegations\.(\d+)\.(.+)$/.exec(field);
  const api: Record<string, string> = {
    reference: 'reference',
    receivedOn: 'received_on',
    loggedOn: 'logged_on',
    finalisedOn: 'finalised_on',
    handling: 'handling',
    'complainant.reference': 'complainant_reference',
    'complainant.ethnicity': 'complainant_ethnicity',
    'complainant.sex': 'complainant_sex',
    'complainant.ageBand': 'complainant_age_band',
    themes: 'themes',
    allegations: 'category',
    category: 'category',
    subCategory: 'sub_category',
    characteristic: 'characteristic',
    officerReferences: 'officer_references',
    'encounter.kind': 'encounter_kind',
    'encounter.id': 'encounter_reference',
    outcome: 'outcome',
  };
  if (m) return { column: api[m[2]] ?? m[2], allegation: Number(m[1]) };
  return { column: api[field] ?? field, allegation: null };
}
