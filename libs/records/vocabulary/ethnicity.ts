/**
 * Ethnicity, the one place it is defined. Self-defined ethnicity uses the 18 census categories (plus "not
 * stated"); officer-defined uses four groups (officers record no Mixed). Both reduce to the 5 groups that
 * population benchmarks and disproportionality use.
 */
export const ETHNIC_GROUPS = ['asian', 'black', 'mixed', 'other', 'white'] as const;
export type EthnicGroup = (typeof ETHNIC_GROUPS)[number];

export const ETHNIC_GROUP_LABEL: Record<EthnicGroup, string> = {
  asian: 'Asian',
  black: 'Black',
  mixed: 'Mixed',
  other: 'Other',
  white: 'White',
};

/** The self-defined categories: code, group, and the exact data.police.uk wording. */
export const SELF_DEFINED_CATEGORIES = [
  {
    code: 'W1',
    group: 'white',
    policeUk: 'White - English/Welsh/Scottish/Northern Irish/British',
    census: 'White: English/Welsh/Scottish/Northern Irish/British',
  },
  { code: 'W2', group: 'white', policeUk: 'White - Irish', census: 'White: Irish' },
  {
    code: 'W3',
    group: 'white',
    policeUk: 'White - Gypsy or Irish Traveller',
    census: 'White: Gypsy or Irish Traveller',
  },
  { code: 'W9', group: 'white', policeUk: 'White - Any other White background', census: 'White: Other White' },
  {
    code: 'M1',
    group: 'mixed',
    policeUk: 'Mixed/Multiple ethnic groups - White and Black Caribbean',
    census: 'Mixed/multiple ethnic group: White and Black Caribbean',
  },
  {
    code: 'M2',
    group: 'mixed',
    policeUk: 'Mixed/Multiple ethnic groups - White and Black African',
    census: 'Mixed/multiple ethnic group: White and Black African',
  },
  {
    code: 'M3',
    group: 'mixed',
    policeUk: 'Mixed/Multiple ethnic groups - White and Asian',
    census: 'Mixed/multiple ethnic group: White and Asian',
  },
  {
    code: 'M9',
    group: 'mixed',
    policeUk: 'Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background',
    census: 'Mixed/multiple ethnic group: Other Mixed',
  },
  { code: 'A1', group: 'asian', policeUk: 'Asian/Asian British - Indian', census: 'Asian/Asian British: Indian' },
  { code: 'A2', group: 'asian', policeUk: 'Asian/Asian British - Pakistani', census: 'Asian/Asian British: Pakistani' },
  {
    code: 'A3',
    group: 'asian',
    policeUk: 'Asian/Asian British - Bangladeshi',
    census: 'Asian/Asian British: Bangladeshi',
  },
  { code: 'A4', group: 'asian', policeUk: 'Asian/Asian British - Chinese', census: 'Asian/Asian British: Chinese' },
  {
    code: 'A9',
    group: 'asian',
    policeUk: 'Asian/Asian British - Any other Asian background',
    census: 'Asian/Asian British: Other Asian',
  },
  {
    code: 'B1',
    group: 'black',
    policeUk: 'Black/African/Caribbean/Black British - African',
    census: 'Black/African/Caribbean/Black British: African',
  },
  {
    code: 'B2',
    group: 'black',
    policeUk: 'Black/African/Caribbean/Black British - Caribbean',
    census: 'Black/African/Caribbean/Black British: Caribbean',
  },
  {
    code: 'B9',
    group: 'black',
    policeUk: 'Black/African/Caribbean/Black British - Any other Black/African/Caribbean background',
    census: 'Black/African/Caribbean/Black British: Other Black',
  },
  { code: 'O1', group: 'other', policeUk: 'Other ethnic group - Arab', census: 'Other ethnic group: Arab' },
  {
    code: 'O9',
    group: 'other',
    policeUk: 'Other ethnic group - Any other ethnic group',
    census: 'Other ethnic group: Any other ethnic group',
  },
] as const satisfies readonly { code: string; group: EthnicGroup; policeUk: string; census: string }[];

export type SelfDefinedCode = (typeof SELF_DEFINED_CATEGORIES)[number]['code'];
/** The "+1": the person was asked and declined. Distinct from blank (not recorded). */
export const NOT_STATED = 'NS';
export type SelfDefinedValue = SelfDefinedCode | typeof NOT_STATED;
export const SELF_DEFINED_CODES: readonly SelfDefinedValue[] = [
  ...SELF_DEFINED_CATEGORIES.map((c) => c.code),
  NOT_STATED,
];

export const OFFICER_DEFINED = ['asian', 'black', 'other', 'white'] as const;
export type OfficerDefined = (typeof OFFICER_DEFINED)[number];

const BY_CODE = new Map<string, EthnicGroup>(SELF_DEFINED_CATEGORIES.map((c) => [c.code, c.group]));

/** The 5-group of a self-defined category; null for not stated or unknown. */
export function groupOfSelfDefined(code: string | null | undefined): EthnicGroup | null {
  return code ? (BY_CODE.get(code) ?? null) : null;
}

/** SQL CASE expression mapping a self-defined code column to its 5-group, generated from the same table. */
export function selfDefinedGroupSql(column: string): string {
  const whens = SELF_DEFINED_CATEGORIES.map((c) => `WHEN '${c.code}' THEN '${c.group}'`).join(' ');
  return `(CASE ${column} ${whens} ELSE NULL END)`;
}
