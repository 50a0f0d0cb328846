import type { CaseKind } from '@scrutiny/auth';
import { isUuid, type FieldError } from '@scrutiny/core';

/**
 * How a kind-specific column of a case record is typed, validated, shown and written to the CSV template. One
 * list of these per record kind drives the API's validation, the response mapper (pseudonymisation included), the
 * CSV template importer and the exporter, so the four cannot disagree.
 */
export type CaseFieldType =
  /** One code from `vocabulary`. */
  | 'code'
  /** A set of codes from `vocabulary` (text[]; order kept, no repeats). */
  | 'codes'
  /** true / false / null (unknown: never read a blank as false). */
  | 'boolean'
  /** Free text up to `maxLength`. */
  | 'text'
  /** The id of another case of kind `links` (uuid). */
  | 'case-link'
  /** Use-of-force tactics: [{ tactic, effective }], tactic from `vocabulary` (jsonb). */
  | 'tactics';

export interface CaseField {
  /** The API name (camelCase). */
  name: string;
  /** The column, which is also the CSV template's column name. */
  column: string;
  type: CaseFieldType;
  vocabulary?: readonly string[];
  required?: boolean;
  maxLength?: number;
  /** Nests the field in the response under this key (e.g. subject demographics). */
  group?: string;
  /**
   * For an external panel's pseudonymised view: `hide` removes the value (identifying detail), `grounds` shows
   * free text only when the panel's policy allows it.
   */
  pseudonymised?: 'hide' | 'grounds';
  /** Case-link target kind. */
  links?: CaseKind;
}

export type TacticUse = { tactic: string; effective: boolean | null };

const SQL_TYPES: Record<CaseFieldType, string> = {
  code: 'text',
  codes: 'text[]',
  boolean: 'boolean',
  text: 'text',
  'case-link': 'uuid',
  tactics: 'jsonb',
};

export function sqlTypeOf(field: CaseField): string {
  return SQL_TYPES[field.type];
}

/** The value to bind for a field (jsonb is bound as its JSON text). */
export function bindValue(field: CaseField, value: unknown): unknown {
  if (value === undefined || value === null) return field.type === 'codes' ? [] : null;
  return field.type === 'tactics' ? JSON.stringify(value) : value;
}

/** Problems with the kind-specific values of one record, each naming its field (API name, or column for the CSV). */
export function checkFields(
  fields: readonly CaseField[],
  input: Record<string, unknown>,
  naming: 'name' | 'column' = 'name',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of fields) {
    const field = f[naming];
    const value = input[f.name];
    const oneOf = () => `must be one of ${f.vocabulary!.join(', ')}`;
    if (
      value === undefined ||
      value === null ||
      (f.type === 'codes' && Array.isArray(value) && !value.length && f.required)
    ) {
      if (f.required) errors.push({ field, message: 'is required' });
      continue;
    }
    switch (f.type) {
      case 'code':
        if (typeof value !== 'string' || !f.vocabulary!.includes(value)) errors.push({ field, message: oneOf() });
        break;
      case 'codes': {
        if (!Array.isArray(value)) {
          errors.push({ field, message: 'must be a list' });
          break;
        }
        const bad = value.filter((v) => typeof v !== 'string' || !f.vocabulary!.includes(v));
        if (bad.length)
          errors.push({
            field,
            message: `unknown value${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${String(b).slice(0, 40)}"`).join(', ')}: ${oneOf()}`,
          });
        else if (new Set(value).size !== value.length) errors.push({ field, message: 'lists a value twice' });
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') errors.push({ field, message: 'must be true, false or null (unknown)' });
        break;
      case 'text':
        if (typeof value !== 'string') errors.push({ field, message: 'must be text' });
        else if (f.maxLength && value.length > f.maxLength)
          errors.push({ field, message: `must be at most ${f.maxLength} characters` });
        break;
      case 'case-link':
        if (typeof value !== 'string' || !isUuid(value)) errors.push({ field, message: 'must be a case id (uuid)' });
        break;
      case 'tactics': {
        if (!Array.isArray(value)) {
          errors.push({ field, message: 'must be a list of { tactic, effective }' });
          break;
        }
        const seen = new Set<string>();
        value.forEach((t: unknown, i) => {
          const use = t as Partial<TacticUse> | null;
          const at = naming === 'name' ? `${field}.${i}` : field;
          if (
            !use ||
            typeof use !== 'object' ||
            typeof use.tactic !== 'string' ||
            !f.vocabulary!.includes(use.tactic)
          ) {
            errors.push({
              field: naming === 'name' ? `${at}.tactic` : at,
              message: `unknown tactic "${String(use?.tactic ?? '').slice(0, 40)}": ${oneOf()}`,
            });
          } else if (seen.has(use.tactic)) {
            errors.push({ field: naming === 'name' ? `${at}.tactic` : at, message: `"${use.tactic}" is listed twice` });
          } else seen.add(use.tactic);
          if (
            use &&
            typeof use === 'object' &&
            use.effective !== null &&
            use.effective !== undefined &&
            typeof use.effective !== 'boolean'
          ) {
            errors.push({
              field: naming === 'name' ? `${at}.effective` : at,
              message: 'effective must be true, false or null (not recorded)',
            });
          }
        });
        break;
      }
    }
  }
  return errors;
}

/** Yes/no cells of the CSV template: true/false, yes/no, y/n, 1/0 in any case; blank = unknown. */
export function parseYesNo(raw: string): boolean | null | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '') return null;
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  return undefined;
}

/** A CSV template cell as the field's value; `undefined` with a reason when it cannot be read. */
export function parseCell(f: CaseField, raw: string): { value: unknown } | { problem: string } {
  const cell = raw.trim();
  switch (f.type) {
    case 'code':
    case 'text':
    case 'case-link':
      return { value: cell === '' ? null : cell };
    case 'codes':
      return {
        value:
          cell === ''
            ? []
            : cell
                .split(';')
                .map((c) => c.trim())
                .filter(Boolean),
      };
    case 'boolean': {
      const value = parseYesNo(cell);
      return value === undefined ? { problem: `"${cell.slice(0, 40)}" is not yes, no or blank` } : { value };
    }
    case 'tactics': {
      if (cell === '') return { value: [] };
      const uses: TacticUse[] = [];
      for (const part of cell
        .split(';')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const [tactic, effective = ''] = part.split(':');
        const parsed = parseYesNo(effective);
        if (parsed === undefined)
          return { problem: `"${part.slice(0, 60)}": effectiveness must be yes, no or blank (tactic:yes)` };
        uses.push({ tactic: tactic.trim(), effective: parsed });
      }
      return { value: uses };
    }
  }
}

/** A field's value as a CSV template cell (the inverse of parseCell). */
export function renderCell(f: CaseField, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (f.type) {
    case 'codes':
      return (value as string[]).join(';');
    case 'boolean':
      return value ? 'yes' : 'no';
    case 'tactics':
      return (value as TacticUse[])
        .map((t) => `${t.tactic}:${t.effective === null ? '' : t.effective ? 'yes' : 'no'}`)
        .join(';');
    default:
      return String(value);
  }
}
