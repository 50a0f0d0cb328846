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
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
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

  const rejections: RowRejection[] = [];
  const col = (i: number) => cells[i].trim();
  const vocab = <T extends string>(i: number, v: { parse: Map<string, T> }, required = false): T | null => {
    const raw = col(i);
    if (raw === '') {
      if (required) rejections.push({ field: POLICE_UK_COLUMNS[i], reason: 'is required' });
      return null;
    }
    const code = v.parse.get(raw) ?? v.parse.get(raw.toLowerCase());
    if (!code) rejections.push({ field: POLICE_UK_COLUMNS[i], reason: `unknown value "${raw.slice(0, 80)}"` });
    return code ?? null;
  };
  const triState = (i: number): boolean | null => {
    const value = parseTriState(col(i));
    if (value === undefined) {
      rejections.push({ field: POLICE_UK_COLUMNS[i], reason: `"${col(i).slice(0, 40)}" is not True, False or blank` });
      return null;
    }
    return value;
  };
  const coordinate = (i: number, limit: number): number | null => {
    const raw = col(i);
    if (raw === '') return null;
    const n = Number(raw);
    if (!Number.isFinite(n) || Math.abs(n) > limit) {
      rejections.push({ field: POLICE_UK_COLUMNS[i], reason: `"${raw.slice(0, 40)}" is not a coordinate` });
      return null;
    }
    return n;
  };

  const searchType = vocab(0, SEARCH_TYPE_VOCAB, true);
  const rawDate = col(1);
  let occurredAt: string | null = null;
  if (!rawDate) rejections.push({ field: 'Date', reason: 'is required' });
  else if (!ISO_DATE.test(rawDate) || Number.isNaN(Date.parse(rawDate)))
    rejections.push({ field: 'Date', reason: `"${rawDate.slice(0, 40)}" is not an ISO 8601 date-time with offset` });
  else if (!isCalendarDay(rawDate))
    // Date.parse rolls 2017-02-31 over into March: such a row would be filed under the wrong month.
    rejections.push({ field: 'Date', reason: `"${rawDate.slice(0, 10)}" is not a date in the calendar` });
  else occurredAt = new Date(rawDate).toISOString();
  const latitude = coordinate(4, 90);
  const longitude = coordinate(5, 180);
  if (
    (latitude === null) !== (longitude === null) &&
    !rejections.some((r) => r.field === 'Latitude' || r.field === 'Longitude')
  ) {
    rejections.push({
      field: latitude === null ? 'Latitude' : 'Longitude',
      reason: 'latitude and longitude must both be given or both be blank',
    });
  }
  const record: MappedStopSearch = {
    searchType: searchType ?? '',
    occurredAt: occurredAt ?? '',
    partOfOperation: triState(2),
    operationName: col(3) || null,
    latitude,
    longitude,
    gender: vocab(6, GENDER_VOCAB),
    ageRange: vocab(7, AGE_VOCAB),
    selfDefinedEthnicity: vocab(8, SELF_DEFINED_VOCAB),
    officerDefinedEthnicity: vocab(9, OFFICER_DEFINED_VOCAB),
    legislation: vocab(10, LEGISLATION_VOCAB),
    objectOfSearch: vocab(11, OBJECT_VOCAB),
    outcome: vocab(12, OUTCOME_VOCAB),
    outcomeLinkedToObject: triState(13),
    clothingRemoved: triState(14),
  };
  return rejections.length ? { rejections } : { record };
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
