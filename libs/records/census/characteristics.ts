import { ETHNIC_GROUPS } from '../vocabulary/ethnicity';

/** The protected characteristics a census population base is held for. */
export const CHARACTERISTICS = ['ethnicity', 'sex', 'age', 'disability'] as const;
export type Characteristic = (typeof CHARACTERISTICS)[number];

/** The group codes of each characteristic, in the order results list them. Age: the data.police.uk bands. */
export const CHARACTERISTIC_GROUPS = {
  ethnicity: ETHNIC_GROUPS,
  sex: ['female', 'male'],
  age: ['under-10', '10-17', '18-24', '25-34', 'over-34'],
  disability: ['disabled', 'not_disabled'],
} as const satisfies Record<Characteristic, readonly string[]>;

export type AgeBand = (typeof CHARACTERISTIC_GROUPS.age)[number];

/** The data.police.uk age band of a completed age in years (TS007 single years; 100 means 100 and over). */
export function ageBandOf(years: number): AgeBand {
  if (years < 10) return 'under-10';
  if (years <= 17) return '10-17';
  if (years <= 24) return '18-24';
  if (years <= 34) return '25-34';
  return 'over-34';
}
