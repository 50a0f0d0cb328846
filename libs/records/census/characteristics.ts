import { ETHNIC_GROUPS } from '../vocabulary/ethnicity';

/** The protected characteristics a census population base is held for. */
export const CHARACTERISTICS = ['ethnicity', 'sex', 'age', 'disability'] as const;
export type Characteristic = (typeof CHARACTERISTICS)[number];

/**
 * Age bands a census's single years of age are summed into when read (populations hold single years): the
 * data.police.uk bands that stop searches and vehicle stops record, and the Home Office bands of the use-of-force form
 * (UOF_AGE_RANGES in ../vocabulary/use-of-force.ts, written with hyphens as the API writes them).
 */
export const AGE_BANDINGS = ['police_uk', 'use_of_force'] as const;
export type AgeBanding = (typeof AGE_BANDINGS)[number];

export const AGE_BANDS = {
  police_uk: ['under-10', '10-17', '18-24', '25-34', 'over-34'],
  use_of_force: ['under-11', '11-17', '18-34', '35-49', '50-64', '65-and-over'],
} as const satisfies Record<AgeBanding, readonly string[]>;

/** The group codes of each characteristic, in the order results list them. Age: the data.police.uk bands. */
export const CHARACTERISTIC_GROUPS = {
  ethnicity: ETHNIC_GROUPS,
  sex: ['female', 'male'],
  age: AGE_BANDS.police_uk,
  disability: ['disabled', 'not_disabled'],
} as const satisfies Record<Characteristic, readonly string[]>;

export type AgeBand = (typeof CHARACTERISTIC_GROUPS.age)[number];

/** Census single years of age run 0 ("under 1") to this, which means "this age and over" (TS007). */
export const OLDEST_SINGLE_YEAR = 100;

/** The band of a completed age in years (TS007 single years; 100 means 100 and over); police.uk bands by default. */
export function ageBandOf(years: number, banding: AgeBanding = 'police_uk'): string {
  if (banding === 'use_of_force') {
    if (years < 11) return 'under-11';
    if (years <= 17) return '11-17';
    if (years <= 34) return '18-34';
    if (years <= 49) return '35-49';
    if (years <= 64) return '50-64';
    return '65-and-over';
  }
  if (years < 10) return 'under-10';
  if (years <= 17) return '10-17';
  if (years <= 24) return '18-24';
  if (years <= 34) return '25-34';
  return 'over-34';
}

/** A census age category as held (a single year, '0' … '100'), or null for anything else. */
export function singleYearOfCategory(category: string): number | null {
  if (!/^\d{1,3}$/.test(category)) return null;
  const year = Number(category);
  return year <= OLDEST_SINGLE_YEAR ? year : null;
}
