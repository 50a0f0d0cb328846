import type { SelfDefinedCode } from '../vocabulary/ethnicity';

/**
 * Census 2021 TS021's 19 ethnic group categories, each with the self-defined ethnicity code a search would carry
 * for the same answer. Residents are grouped through these codes, by the table that groups searches
 * (groupOfSelfDefined), so numerator and denominator cannot be grouped differently. data.police.uk's categories
 * (the 2011 Census list) have no Roma: a Roma person is recorded as "Any other White background" (W9).
 */
export const TS021_CATEGORIES = [
  { code: 1, label: 'Asian, Asian British or Asian Welsh: Bangladeshi', selfDefined: 'A3' },
  { code: 2, label: 'Asian, Asian British or Asian Welsh: Chinese', selfDefined: 'A4' },
  { code: 3, label: 'Asian, Asian British or Asian Welsh: Indian', selfDefined: 'A1' },
  { code: 4, label: 'Asian, Asian British or Asian Welsh: Pakistani', selfDefined: 'A2' },
  { code: 5, label: 'Asian, Asian British or Asian Welsh: Other Asian', selfDefined: 'A9' },
  { code: 6, label: 'Black, Black British, Black Welsh, Caribbean or African: African', selfDefined: 'B1' },
  { code: 7, label: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean', selfDefined: 'B2' },
  { code: 8, label: 'Black, Black British, Black Welsh, Caribbean or African: Other Black', selfDefined: 'B9' },
  { code: 9, label: 'Mixed or Multiple ethnic groups: White and Asian', selfDefined: 'M3' },
  { code: 10, label: 'Mixed or Multiple ethnic groups: White and Black African', selfDefined: 'M2' },
  { code: 11, label: 'Mixed or Multiple ethnic groups: White and Black Caribbean', selfDefined: 'M1' },
  { code: 12, label: 'Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups', selfDefined: 'M9' },
  { code: 13, label: 'White: English, Welsh, Scottish, Northern Irish or British', selfDefined: 'W1' },
  { code: 14, label: 'White: Irish', selfDefined: 'W2' },
  { code: 15, label: 'White: Gypsy or Irish Traveller', selfDefined: 'W3' },
  { code: 16, label: 'White: Roma', selfDefined: 'W9' },
  { code: 17, label: 'White: Other White', selfDefined: 'W9' },
  { code: 18, label: 'Other ethnic group: Arab', selfDefined: 'O1' },
  { code: 19, label: 'Other ethnic group: Any other ethnic group', selfDefined: 'O9' },
] as const satisfies readonly { code: number; label: string; selfDefined: SelfDefinedCode }[];

/** TS021's "Does not apply" row (0 in every authority: the table counts all usual residents). */
export const TS021_DOES_NOT_APPLY = -8;
