import { isIsoDate, isUuid, type FieldError } from '@scrutiny/core';
import {
  COMPLAINANT_AGE_BANDS,
  COMPLAINANT_ETHNICITIES,
  COMPLAINANT_SEXES,
  DISCRIMINATORY_BEHAVIOUR,
  ENCOUNTER_KINDS,
  HANDLING_CODES,
  IOPC_CATEGORIES,
  OUTCOME_CODES,
} from './complaint-vocabularies';

export interface AllegationInput {
  category: string;
  subCategory: string;
  /** For discriminatory behaviour: the protected characteristic (its sub-category says the same). */
  characteristic?: string | null;
  /** Officers of the complaint's force, by their reference in the officer register. */
  officerReferences?: string[];
  /** The encounter it arises from: a stop search, vehicle stop or use-of-force report of the same force. */
  encounter?: { kind: string; id: string } | null;
  outcome?: string | null;
}

export interface ComplainantInput {
  /** The force's reference for the complainant: never a name or contact details. */
  reference?: string | null;
  ethnicity?: string | null;
  sex?: string | null;
  ageBand?: string | null;
}

export interface ComplaintInput {
  force: string;
  reference: string;
  receivedOn: string;
  loggedOn?: string | null;
  finalisedOn?: string | null;
  handling?: string | null;
  complainant?: ComplainantInput | null;
  themes?: string[];
  allegations: AllegationInput[];
}

export type ComplaintChange = Partial<Omit<ComplaintInput, 'force'>> & { version: number };

/** A complaint's fields once checked: every optional one present (null when not given). */
export interface CheckedComplaint {
  reference: string;
  receivedOn: string;
  loggedOn: string | null;
  finalisedOn: string | null;
  handling: string | null;
  complainant: { reference: string | null; ethnicity: string | null; sex: string | null; ageBand: string | null };
  themes: string[];
  allegations: {
    category: string;
    subCategory: string;
    characteristic: string | null;
    officerReferences: string[];
    encounter: { kind: string; id: string } | null;
    outcome: string | null;
  }[];
}

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}$/;
export const MAX_ALLEGATIONS = 50;

const oneOf = (list: readonly string[]) => `must be one of: ${list.join(', ')}`;
const blank = (v: unknown) => v === undefined || v === null || v === '';

/**
 * The rules a complaint must meet, whether it comes through the API or an import row group: IOPC category and a
 * sub-category of it, the protected characteristic exactly when the category is discriminatory behaviour, dates in
 * order, codes from the vocabularies. `field` names follow the API (`allegations.0.subCategory`); the importer maps
 * them to its columns.
 */
export function checkComplaint(
  input: Omit<ComplaintInput, 'force'>,
): { complaint: CheckedComplaint } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field, message });
  if (typeof input.reference !== 'string' || !input.reference.trim()) err('reference', 'is required');
  else if (!REFERENCE.test(input.reference.trim()))
    err('reference', 'must be the force’s complaint reference: letters, digits and / _ . - (at most 64)');
  const dates = ['receivedOn', 'loggedOn', 'finalisedOn'] as const;
  for (const f of dates) {
    const v = input[f];
    if (f === 'receivedOn' && blank(v)) err(f, 'is required');
    else if (!blank(v) && !isIsoDate(v)) err(f, 'must be a date like 2024-03-31');
  }
  const day = (v: unknown) => (typeof v === 'string' && isIsoDate(v) ? v : null);
  const received = day(input.receivedOn);
  if (received && day(input.loggedOn) && day(input.loggedOn)! < received)
    err('loggedOn', 'must not be before receivedOn');
  if (received && day(input.finalisedOn) && day(input.finalisedOn)! < received)
    err('finalisedOn', 'must not be before receivedOn');
  if (!blank(input.handling) && !(HANDLING_CODES as readonly string[]).includes(input.handling!))
    err('handling', oneOf(HANDLING_CODES));
  const c = input.complainant ?? {};
  if (!blank(c.reference) && (typeof c.reference !== 'string' || !REFERENCE.test(c.reference)))
    err('complainant.reference', 'must be a reference (letters, digits and / _ . -), never a name');
  if (!blank(c.ethnicity) && !COMPLAINANT_ETHNICITIES.includes(c.ethnicity!))
    err('complainant.ethnicity', oneOf(COMPLAINANT_ETHNICITIES));
  if (!blank(c.sex) && !Object.hasOwn(COMPLAINANT_SEXES, c.sex!))
    err('complainant.sex', oneOf(Object.keys(COMPLAINANT_SEXES)));
  if (!blank(c.ageBand) && !Object.hasOwn(COMPLAINANT_AGE_BANDS, c.ageBand!))
    err('complainant.ageBand', oneOf(Object.keys(COMPLAINANT_AGE_BANDS)));
  const themes = input.themes ?? [];
  if (!Array.isArray(themes) || themes.some((t) => typeof t !== 'string'))
    err('themes', 'must be a list of theme codes');
  if (!Array.isArray(input.allegations) || !input.allegations.length) err('allegations', 'must list at least 1');
  else if (input.allegations.length > MAX_ALLEGATIONS) err('allegations', `lists more than ${MAX_ALLEGATIONS}`);
  const allegations: CheckedComplaint['allegations'] = [];
  (Array.isArray(input.allegations) ? input.allegations : []).forEach((a, i) => {
    const at = (f: string) => `allegations.${i}.${f}`;
    const category = IOPC_CATEGORIES[a?.category];
    if (!a || blank(a.category)) err(at('category'), 'is required');
    else if (!category || !Object.hasOwn(IOPC_CATEGORIES, a.category))
      err(at('category'), oneOf(Object.keys(IOPC_CATEGORIES)));
    if (!a || blank(a.subCategory)) err(at('subCategory'), 'is required');
    else if (category && !Object.hasOwn(category.sub, a.subCategory))
      err(at('subCategory'), `is not a sub-category of ${a.category}: ${oneOf(Object.keys(category.sub))}`);
    const discrimination = a?.category === DISCRIMINATORY_BEHAVIOUR;
    let characteristic: string | null = null;
    if (discrimination) {
      characteristic = blank(a.characteristic) ? (a.subCategory ?? null) : a.characteristic!;
      if (!blank(a.characteristic) && a.characteristic !== a.subCategory)
        err(at('characteristic'), 'must be the protected characteristic its sub-category names');
    } else if (a && !blank(a.characteristic))
      err(at('characteristic'), 'is given only for discriminatory behaviour (the protected characteristic)');
    const officers = a?.officerReferences ?? [];
    if (!Array.isArray(officers) || officers.some((o) => typeof o !== 'string' || !o.trim()))
      err(at('officerReferences'), 'must be a list of officer references');
    const encounter = a?.encounter ?? null;
    if (encounter) {
      if (!(ENCOUNTER_KINDS as readonly string[]).includes(encounter.kind))
        err(at('encounter.kind'), oneOf(ENCOUNTER_KINDS));
      if (!isUuid(encounter.id))
        err(at('encounter.id'), 'must be the id of a stop search, vehicle stop or use-of-force report');
    }
    if (a && !blank(a.outcome) && !(OUTCOME_CODES as readonly string[]).includes(a.outcome!))
      err(at('outcome'), oneOf(OUTCOME_CODES));
    if (a)
      allegations.push({
        category: a.category,
        subCategory: a.subCategory,
        characteristic,
        officerReferences: Array.isArray(officers) ? [...new Set(officers.map((o) => String(o).trim()))] : [],
        encounter: encounter && { kind: encounter.kind, id: String(encounter.id).toLowerCase() },
        outcome: blank(a.outcome) ? null : a.outcome!,
      });
  });
  if (errors.length) return { errors };
  return {
    complaint: {
      reference: input.reference.trim(),
      receivedOn: input.receivedOn,
      loggedOn: input.loggedOn || null,
      finalisedOn: input.finalisedOn || null,
      handling: input.handling || null,
      complainant: {
        reference: c.reference || null,
        ethnicity: c.ethnicity || null,
        sex: c.sex || null,
        ageBand: c.ageBand || null,
      },
      themes: [...new Set(themes)].sort(),
      allegations,
    },
  };
}
