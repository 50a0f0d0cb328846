import { isIsoInstant, type FieldError } from '@scrutiny/core';
import { checkFields, type CaseField } from './case-fields';
import type { CaseKindSpec } from './case-kinds';

/** What a caller gives to create or replace a case: the common fields, and the kind's own by API name. */
export interface CaseInput {
  /** Force: data.police.uk id or ONS code. */
  force: string;
  /** The force's own id for the record; unique within the force. */
  reference?: string | null;
  areaCode?: string | null;
  occurredAt: string;
  latitude?: number | null;
  longitude?: number | null;
  officerReference?: string | null;
  teamCode?: string | null;
  [field: string]: unknown;
}

/** The common fields as columns, for the CSV template (the kind's own fields follow them). */
export const COMMON_TEMPLATE_COLUMNS = [
  'reference',
  'occurred_at',
  'area_code',
  'latitude',
  'longitude',
  'officer_reference',
  'team_code',
] as const;

export const OFFICER_REFERENCE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Problems with a record's values that need no database: the common fields and the kind's own. `naming` picks
 * API names (camelCase) or CSV template columns for the `field` of each problem.
 */
export function checkCaseInput(
  spec: CaseKindSpec,
  input: CaseInput,
  naming: 'name' | 'column',
  now = Date.now(),
): FieldError[] {
  const name = (api: string, column: string) => (naming === 'name' ? api : column);
  const errors: FieldError[] = [];
  const occurredAt = input.occurredAt;
  if (typeof occurredAt !== 'string' || !occurredAt)
    errors.push({ field: name('occurredAt', 'occurred_at'), message: 'is required' });
  else if (!isIsoInstant(occurredAt)) {
    errors.push({
      field: name('occurredAt', 'occurred_at'),
      message: `"${occurredAt.slice(0, 40)}" is not an ISO 8601 date-time with a time zone offset (e.g. 2024-05-03T21:47:00+01:00)`,
    });
  } else if (Date.parse(occurredAt) > now + 5 * 60_000)
    errors.push({ field: name('occurredAt', 'occurred_at'), message: 'must not be in the future' });
  const lat = input.latitude ?? null;
  const lon = input.longitude ?? null;
  if ((lat === null) !== (lon === null))
    errors.push({
      field: name(lat === null ? 'latitude' : 'longitude', lat === null ? 'latitude' : 'longitude'),
      message: 'latitude and longitude go together',
    });
  if (lat !== null && (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90))
    errors.push({ field: 'latitude', message: 'must be a number from -90 to 90' });
  if (lon !== null && (typeof lon !== 'number' || !Number.isFinite(lon) || Math.abs(lon) > 180))
    errors.push({ field: 'longitude', message: 'must be a number from -180 to 180' });
  if (input.officerReference && !OFFICER_REFERENCE.test(input.officerReference)) {
    errors.push({
      field: name('officerReference', 'officer_reference'),
      message: 'must be 1 to 32 letters, digits, "_" or "-"',
    });
  }
  if (input.teamCode && input.teamCode.length > 32)
    errors.push({ field: name('teamCode', 'team_code'), message: 'must be at most 32 characters' });
  if (input.reference && input.reference.length > 64)
    errors.push({ field: 'reference', message: 'must be at most 64 characters' });
  errors.push(...checkFields(spec.fields, input, naming));
  return errors;
}

/** The case-link fields of a kind (ids of other cases to check exist). */
export function caseLinks(spec: CaseKindSpec): CaseField[] {
  return spec.fields.filter((f) => f.type === 'case-link');
}
