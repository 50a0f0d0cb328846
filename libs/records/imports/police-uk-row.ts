import {
  AGE_VOCAB,
  GENDER_VOCAB,
  LEGISLATION_VOCAB,
  OBJECT_VOCAB,
  OFFICER_DEFINED_VOCAB,
  OUTCOME_VOCAB,
  parseTriState,
  SEARCH_TYPE_VOCAB,
  SELF_DEFINED_VOCAB,
} from '../vocabulary/police-uk';

/** The data.police.uk stop-and-search header, in order. */
export const POLICE_UK_COLUMNS = [
  'Type',
  'Date',
  'Part of a policing operation',
  'Policing operation',
  'Latitude',
  'Longitude',
  'Gender',
  'Age range',
  'Self-defined ethnicity',
  'Officer-defined ethnicity',
  'Legislation',
  'Object of search',
  'Outcome',
  'Outcome linked to object of search',
  'Removal of more than just outer clothing',
] as const;

/** One stop search as mapped from a police.uk row: codes from the controlled vocabularies, null = unknown. */
export interface MappedStopSearch {
  searchType: string;
  occurredAt: string;
  partOfOperation: boolean | null;
  operationName: string | null;
  latitude: number | null;
  longitude: number | null;
  gender: string | null;
  ageRange: string | null;
  selfDefinedEthnicity: string | null;
  officerDefinedEthnicity: string | null;
  legislation: string | null;
  objectOfSearch: string | null;
  outcome: string | null;
  outcomeLinkedToObject: boolean | null;
  clothingRemoved: boolean | null;
}

export interface RowRejection {
  field: string;
  reason: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
// Control characters other than tab, and U+FFFD (what invalid UTF-8 decodes to), mark binary garbage.
// eslint-disable-next-line no-control-regex
const GARBAGE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/** Whether an ISO date-time's YYYY-MM-DD (checked by ISO_DATE) names a real day: no 2017-02-31, no 2018-13-01. */
function isCalendarDay(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** The index of the first cell holding binary data or invalid UTF-8, or -1. */
export function garbageCell(cells: string[]): number {
  // Cell by cell: joining them first cost a string per row (every character class tested is one code unit).
  for (let i = 0; i < cells.length; i++) if (GARBAGE.test(cells[i])) return i;
  return -1;
}

export function checkHeader(cells: string[]): string | null {
  const got = cells.map((c) => c.replace(/^\uFEFF/, '').trim());
  if (
    got.length !== POLICE_UK_COLUMNS.length ||
    got.some((c, i) => c.toLowerCase() !== POLICE_UK_COLUMNS[i].toLowerCase())
  ) {
    return `not a data.police.uk stop-and-search file: the header must be the 15 columns ${POLICE_UK_COLUMNS.join(', ')}; found ${got.length} column(s) starting "${got.slice(0, 3).join(', ')}"`;
  }
  return null;
}

// The problems of the row being mapped: one array reused row after row (mapping is synchronous), so a good row
// allocates no closures or arrays, only its record.
const problems: RowRejection[] = [];

function vocab<T extends string>(cells: string[], i: number, v: { parse: Map<string, T> }, required = false): T | null {
  const raw = cells[i].trim();
  if (raw === '') {
    if (required) problems.push({ field: POLICE_UK_COLUMNS[i], reason: 'is required' });
    return null;
  }
  const code = v.parse.get(raw) ?? v.parse.get(raw.toLowerCase());
  if (!code) problems.push({ field: POLICE_UK_COLUMNS[i], reason: `unknown value "${raw.slice(0, 80)}"` });
  return code ?? null;
}

function triState(cells: string[], i: number): boolean | null {
  const value = parseTriState(cells[i]);
  if (value === undefined) {
    problems.push({
      field: POLICE_UK_COLUMNS[i],
      reason: `"${cells[i].trim().slice(0, 40)}" is not True, False or blank`,
    });
    return null;
  }
  return value;
}

function coordinate(cells: string[], i: number, limit: number): number | null {
  const raw = cells[i].trim();
  if (raw === '') return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    problems.push({ field: POLICE_UK_COLUMNS[i], reason: `"${raw.slice(0, 40)}" is not a coordinate` });
    return null;
  }
  return n;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const twoDigits = (s: string, i: number) => {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * The UTC instant of a date-time written as data.police.uk writes every one (2018-03-31T23:00:00+00:00), as
 * toISOString would give it, or null for any other form (left to the general rule). Exactly what the general rule
 * answers for such a string, without parsing it as a Date twice.
 */
function policeUkInstant(raw: string): string | null {
  if (raw.length !== 25 || raw.charCodeAt(10) !== 84 || !raw.endsWith('+00:00')) return null;
  if (raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45 || raw.charCodeAt(13) !== 58 || raw.charCodeAt(16) !== 58)
    return null;
  const year = twoDigits(raw, 0) * 100 + twoDigits(raw, 2);
  const hour = twoDigits(raw, 11);
  const minute = twoDigits(raw, 14);
  const second = twoDigits(raw, 17);
  if (twoDigits(raw, 0) < 0 || twoDigits(raw, 2) < 0 || twoDigits(raw, 5) < 0 || twoDigits(raw, 8) < 0) return null;
  if (year < 1000 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  if (!isCalendarDay(raw)) return null;
  return `${raw.slice(0, 19)}.000Z`;
}

/** Maps one row; returns every problem in it, each naming its column. */
export function mapPoliceUkRow(cells: string[]): { record: MappedStopSearch } | { rejections: RowRejection[] } {
  if (cells.length !== POLICE_UK_COLUMNS.length) {
    return {
      rejections: [{ field: '(row)', reason: `expected ${POLICE_UK_COLUMNS.length} columns, found ${cells.length}` }],
    };
  }
  const garbage = garbageCell(cells);
  if (garbage >= 0)
    return {
      rejections: [
        { field: POLICE_UK_COLUMNS[garbage], reason: 'contains binary data or characters that are not valid UTF-8' },
      ],
    };

  problems.length = 0;
  const searchType = vocab(cells, 0, SEARCH_TYPE_VOCAB, true);
  const rawDate = cells[1].trim();
  let occurredAt = policeUkInstant(rawDate);
  if (occurredAt === null) {
    if (!rawDate) problems.push({ field: 'Date', reason: 'is required' });
    else if (!ISO_DATE.test(rawDate) || Number.isNaN(Date.parse(rawDate)))
      problems.push({ field: 'Date', reason: `"${rawDate.slice(0, 40)}" is not an ISO 8601 date-time with offset` });
    else if (!isCalendarDay(rawDate))
      // Date.parse rolls 2017-02-31 over into March: such a row would be filed under the wrong month.
      problems.push({ field: 'Date', reason: `"${rawDate.slice(0, 10)}" is not a date in the calendar` });
    else occurredAt = new Date(rawDate).toISOString();
  }
  const latitude = coordinate(cells, 4, 90);
  const longitude = coordinate(cells, 5, 180);
  if (
    (latitude === null) !== (longitude === null) &&
    !problems.some((r) => r.field === 'Latitude' || r.field === 'Longitude')
  ) {
    problems.push({
      field: latitude === null ? 'Latitude' : 'Longitude',
      reason: 'latitude and longitude must both be given or both be blank',
    });
  }
  const record: MappedStopSearch = {
    searchType: searchType ?? '',
    occurredAt: occurredAt ?? '',
    partOfOperation: triState(cells, 2),
    operationName: cells[3].trim() || null,
    latitude,
    longitude,
    gender: vocab(cells, 6, GENDER_VOCAB),
    ageRange: vocab(cells, 7, AGE_VOCAB),
    selfDefinedEthnicity: vocab(cells, 8, SELF_DEFINED_VOCAB),
    officerDefinedEthnicity: vocab(cells, 9, OFFICER_DEFINED_VOCAB),
    legislation: vocab(cells, 10, LEGISLATION_VOCAB),
    objectOfSearch: vocab(cells, 11, OBJECT_VOCAB),
    outcome: vocab(cells, 12, OUTCOME_VOCAB),
    outcomeLinkedToObject: triState(cells, 13),
    clothingRemoved: triState(cells, 14),
  };
  return problems.length ? { rejections: problems.splice(0) } : { record };
}

/** Renders a stored stop search back as a police.uk row (current wordings; UTC dates with +00:00). */
export function renderPoliceUkRow(r: Omit<MappedStopSearch, 'occurredAt'> & { occurredAt: Date }): string[] {
  const word = <T extends string>(v: { render: Map<T, string> }, code: string | null) =>
    code ? (v.render.get(code as T) ?? '') : '';
  const bool = (b: boolean | null) => (b === null ? '' : b ? 'True' : 'False');
  return [
    word(SEARCH_TYPE_VOCAB, r.searchType),
    r.occurredAt.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    bool(r.partOfOperation),
    r.operationName ?? '',
    r.latitude === null ? '' : String(r.latitude),
    r.longitude === null ? '' : String(r.longitude),
    word(GENDER_VOCAB, r.gender),
    word(AGE_VOCAB, r.ageRange),
    word(SELF_DEFINED_VOCAB, r.selfDefinedEthnicity),
    word(OFFICER_DEFINED_VOCAB, r.officerDefinedEthnicity),
    word(LEGISLATION_VOCAB, r.legislation),
    word(OBJECT_VOCAB, r.objectOfSearch),
    word(OUTCOME_VOCAB, r.outcome),
    bool(r.outcomeLinkedToObject),
    bool(r.clothingRemoved),
  ];
}
