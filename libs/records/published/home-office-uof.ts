import type { UofTactic } from '../vocabulary/use-of-force';

/**
 * The Home Office "Police use of force statistics, England and Wales" tactic tables by force (by ethnicity, age and
 * disability), as the system reads them: which column is which group, and which of the system's tactic codes each
 * published tactic row counts. One table, documented here and in the README, used by the importer and by the
 * published-figure comparison alike.
 */

export const PUBLISHED_CHARACTERISTICS = ['ethnicity', 'age', 'disability'] as const;
export type PublishedCharacteristic = (typeof PUBLISHED_CHARACTERISTICS)[number];

/** Every table's last column: the count over all groups. Stored under the group `total`. */
export const PUBLISHED_TOTAL_COLUMN = 'Number of times tactic reported';
export const PUBLISHED_TOTAL_GROUP = 'total';

/** Each table's group columns (as published, case and spacing normalised when read) and the group code stored. */
export const PUBLISHED_GROUP_COLUMNS: Record<PublishedCharacteristic, readonly { column: string; group: string }[]> = {
  ethnicity: [
    { column: 'White', group: 'white' },
    { column: 'Black (or Black British)', group: 'black' },
    { column: 'Asian (or Asian British)', group: 'asian' },
    { column: 'Chinese', group: 'chinese' },
    { column: 'Mixed', group: 'mixed' },
    { column: 'Other', group: 'other' },
    { column: "Don't know", group: 'dont_know' },
    { column: 'Not reported', group: 'not_reported' },
  ],
  age: [
    { column: 'Under 11 years', group: 'under_11' },
    { column: '11 - 17 years', group: '11_17' },
    { column: '18 - 34 years', group: '18_34' },
    { column: '35 - 49 years', group: '35_49' },
    { column: '50 - 64 years', group: '50_64' },
    { column: '65 and over', group: '65_and_over' },
    { column: 'Not reported', group: 'not_reported' },
  ],
  disability: [
    { column: 'Mental', group: 'mental' },
    { column: 'Physical', group: 'physical' },
    { column: 'Physical and mental', group: 'physical_and_mental' },
    { column: 'None', group: 'none' },
    { column: 'Not reported', group: 'not_reported' },
  ],
};

/**
 * How a group of the comparison is formed on each side. `records` are the values of the report's field
 * (`null` = the field is blank); `published` the stored group codes whose counts are added.
 */
export interface ComparisonGroup {
  group: string;
  label: string;
  published: readonly string[];
  records: readonly (string | null)[] | 'all';
}

/** The report field each characteristic is read from. */
export const RECORD_COLUMN: Record<PublishedCharacteristic, string> = {
  ethnicity: 'perceived_ethnicity',
  age: 'age_range',
  disability: 'perceived_disability',
};

/**
 * The groups a force's records can be set against. The use-of-force form records five perceived groups with
 * Chinese inside Asian (as Census 2021 does) and no "don't know", so the Home Office's Chinese column is added to
 * Asian and its "Don't know" to "Not reported" before comparing; age bands and disability match one to one.
 */
export const COMPARISON_GROUPS: Record<PublishedCharacteristic, readonly ComparisonGroup[]> = {
  ethnicity: [
    { group: 'white', label: 'White', published: ['white'], records: ['white'] },
    { group: 'black', label: 'Black', published: ['black'], records: ['black'] },
    {
      group: 'asian',
      label: 'Asian (Home Office Asian + Chinese)',
      published: ['asian', 'chinese'],
      records: ['asian'],
    },
    { group: 'mixed', label: 'Mixed', published: ['mixed'], records: ['mixed'] },
    { group: 'other', label: 'Other', published: ['other'], records: ['other'] },
    {
      group: 'not_recorded',
      label: 'Not recorded (Home Office Don’t know + Not reported)',
      published: ['dont_know', 'not_reported'],
      records: [null],
    },
    { group: 'total', label: 'All', published: [PUBLISHED_TOTAL_GROUP], records: 'all' },
  ],
  age: [
    { group: 'under_11', label: 'Under 11', published: ['under_11'], records: ['under_11'] },
    { group: '11_17', label: '11–17', published: ['11_17'], records: ['11_17'] },
    { group: '18_34', label: '18–34', published: ['18_34'], records: ['18_34'] },
    { group: '35_49', label: '35–49', published: ['35_49'], records: ['35_49'] },
    { group: '50_64', label: '50–64', published: ['50_64'], records: ['50_64'] },
    { group: '65_and_over', label: '65 and over', published: ['65_and_over'], records: ['65_and_over'] },
    { group: 'not_recorded', label: 'Not recorded', published: ['not_reported'], records: [null] },
    { group: 'total', label: 'All', published: [PUBLISHED_TOTAL_GROUP], records: 'all' },
  ],
  disability: [
    { group: 'mental', label: 'Mental', published: ['mental'], records: ['mental'] },
    { group: 'physical', label: 'Physical', published: ['physical'], records: ['physical'] },
    {
      group: 'physical_and_mental',
      label: 'Physical and mental',
      published: ['physical_and_mental'],
      records: ['physical_and_mental'],
    },
    { group: 'none', label: 'None', published: ['none'], records: ['none'] },
    { group: 'not_recorded', label: 'Not recorded', published: ['not_reported'], records: [null] },
    { group: 'total', label: 'All', published: [PUBLISHED_TOTAL_GROUP], records: 'all' },
  ],
};

/**
 * How a published row is counted from the reports:
 * - `each`: one use per report listing the code (a report lists a tactic at most once);
 * - `once`: one use per report listing any of the codes (the form records CED and firearms once, at the highest
 *   level reached, where the system keeps each level as its own code);
 * - `no-tactic`: one per report listing no tactic ("*Total Not reported");
 * - `sum`: the sum of the rows named in `children` (the `*Total …` rows and the "X, of which" parents);
 * - `none`: the system cannot record it (e.g. "Not stated handcuffing": handcuffing whose kind was not stated).
 */
export type TacticCounting = 'each' | 'once' | 'no-tactic' | 'sum' | 'none';

export interface PublishedTacticMapping {
  /** The tactic exactly as published (trimmed). */
  homeOffice: string;
  /** total: a `*Total …` row; parent: an "X, of which" row; tactic: a row of its own. */
  kind: 'total' | 'parent' | 'tactic';
  /** The system's code where the row is exactly one tactic code; otherwise the row is stored by its published name. */
  code: UofTactic | null;
  counting: TacticCounting;
  codes: readonly UofTactic[];
  children: readonly string[];
}

const TASER: UofTactic[] = [
  'taser_drawn',
  'taser_aimed',
  'taser_arced',
  'taser_red_dot',
  'taser_drive_stun',
  'taser_angled_drive_stun',
  'taser_fired',
];

const leaf = (homeOffice: string, code: UofTactic): PublishedTacticMapping => ({
  homeOffice,
  kind: 'tactic',
  code,
  counting: 'each',
  codes: [code],
  children: [],
});
const unrecordable = (homeOffice: string): PublishedTacticMapping => ({
  homeOffice,
  kind: 'tactic',
  code: null,
  counting: 'none',
  codes: [],
  children: [],
});
const sum = (homeOffice: string, kind: 'total' | 'parent', children: string[]): PublishedTacticMapping => ({
  homeOffice,
  kind,
  code: null,
  counting: 'sum',
  codes: [],
  children,
});

/** The mapping table, in the order the Home Office publishes the rows. */
export const PUBLISHED_TACTICS: readonly PublishedTacticMapping[] = [
  sum('*Total Tactics', 'total', [
    '*Total Restraint',
    '*Total Unarmed skills',
    '*Total Other equipment',
    '*Total Less lethal weapons',
    '*Total Firearms',
    '*Total Other',
  ]),
  sum('*Total Restraint', 'total', ['Handcuffing, of which', 'Limb / Body restraints', 'Ground restraint']),
  sum('Handcuffing, of which', 'parent', [
    'Compliant handcuffing',
    'Non-compliant handcuffing',
    'Not stated handcuffing',
  ]),
  leaf('Compliant handcuffing', 'compliant_handcuffing'),
  leaf('Non-compliant handcuffing', 'non_compliant_handcuffing'),
  unrecordable('Not stated handcuffing'),
  leaf('Limb / Body restraints', 'limb_body_restraints'),
  leaf('Ground restraint', 'ground_restraint'),
  // A category with a single tactic: the total is the tactic.
  { ...leaf('*Total Unarmed skills', 'unarmed_skills'), kind: 'total' },
  sum('*Total Other equipment', 'total', [
    'Baton, of which',
    'Irritant spray, of which',
    'Spit and bite guard',
    'Shield',
  ]),
  sum('Baton, of which', 'parent', ['Baton drawn', 'Baton used', 'Not stated baton']),
  leaf('Baton drawn', 'baton_drawn'),
  leaf('Baton used', 'baton_used'),
  unrecordable('Not stated baton'),
  sum('Irritant spray, of which', 'parent', [
    'Irritant spray - drawn',
    'Irritant spray - used',
    'Not stated irritant spray',
  ]),
  leaf('Irritant spray - drawn', 'irritant_spray_drawn'),
  leaf('Irritant spray - used', 'irritant_spray_used'),
  unrecordable('Not stated irritant spray'),
  leaf('Spit and bite guard', 'spit_guard'),
  leaf('Shield', 'shield'),
  sum('*Total Less lethal weapons', 'total', ['CED', 'AEP, of which']),
  { homeOffice: 'CED', kind: 'tactic', code: null, counting: 'once', codes: TASER, children: [] },
  sum('AEP, of which', 'parent', ['AEP aimed', 'AEP fired', 'Not stated AEP']),
  leaf('AEP aimed', 'aep_aimed'),
  leaf('AEP fired', 'aep_fired'),
  unrecordable('Not stated AEP'),
  {
    homeOffice: '*Total Firearms',
    kind: 'total',
    code: null,
    counting: 'once',
    codes: ['firearm_aimed', 'firearm_fired'],
    children: [],
  },
  sum('*Total Other', 'total', ['Dog use, of which', 'Other / improvised']),
  sum('Dog use, of which', 'parent', ['Dog deployed', 'Dog bite', 'Not stated dog']),
  leaf('Dog deployed', 'dog_deployed'),
  leaf('Dog bite', 'dog_bite'),
  unrecordable('Not stated dog'),
  leaf('Other / improvised', 'other_improvised'),
  { homeOffice: '*Total Not reported', kind: 'total', code: null, counting: 'no-tactic', codes: [], children: [] },
  leaf('Tactical communication', 'tactical_communications'),
];

const normalise = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const BY_NAME = new Map(PUBLISHED_TACTICS.map((t) => [normalise(t.homeOffice), t]));

/** The mapping of a published tactic name; undefined for a name the table does not know. */
export function publishedTactic(name: string): PublishedTacticMapping | undefined {
  return BY_NAME.get(normalise(name));
}

/** What is stored in the `tactic` column: the system's code where the row is one code, else the published name. */
export function storedTacticKey(name: string): string {
  const mapping = publishedTactic(name);
  return mapping ? (mapping.code ?? mapping.homeOffice) : name.trim().replace(/\s+/g, ' ');
}

/**
 * The published rows beneath a row that the system cannot record (an unrecordable tactic, or a name the table does
 * not know): a sum over them counts only its recordable rows, so it matches only where the published rows beneath
 * it that cannot be recorded are 0.
 */
export function unrecordableBeneath(mapping: PublishedTacticMapping): string[] {
  if (mapping.counting === 'none') return [mapping.homeOffice];
  if (mapping.counting !== 'sum') return [];
  return mapping.children.flatMap((c) => {
    const m = publishedTactic(c);
    return m ? unrecordableBeneath(m) : [c];
  });
}

/** full: counted from the records; partial: a sum with rows beneath it that cannot be recorded; none: not counted. */
export function mappingCoverage(mapping: PublishedTacticMapping | undefined): 'full' | 'partial' | 'none' {
  if (!mapping || mapping.counting === 'none') return 'none';
  return unrecordableBeneath(mapping).length ? 'partial' : 'full';
}

/**
 * The uses a row counts on one report, from the report's distinct tactic codes; null where the system cannot count
 * the row (an unrecordable tactic, or an unknown name, anywhere beneath it).
 */
export function usesOnReport(mapping: PublishedTacticMapping, codes: ReadonlySet<string>): number | null {
  switch (mapping.counting) {
    case 'each':
      return mapping.codes.filter((c) => codes.has(c)).length;
    case 'once':
      return mapping.codes.some((c) => codes.has(c)) ? 1 : 0;
    case 'no-tactic':
      return codes.size === 0 ? 1 : 0;
    case 'none':
      return null;
    case 'sum': {
      let total = 0;
      for (const child of mapping.children) {
        const m = publishedTactic(child);
        // An unrecordable child adds nothing the records could hold: the sum is of the recordable children.
        if (!m || m.counting === 'none') continue;
        total += usesOnReport(m, codes)!;
      }
      return total;
    }
  }
}

/** Financial year "2018/19": April to March. */
export const FINANCIAL_YEAR = /^(\d{4})\/(\d{2})$/;

export function financialYearProblem(year: string): string | null {
  const m = FINANCIAL_YEAR.exec(year);
  if (!m) return 'must be a financial year like 2018/19';
  const start = Number(m[1]);
  if ((start + 1) % 100 !== Number(m[2]))
    return `must be a financial year like 2018/19 (${start}/${String((start + 1) % 100).padStart(2, '0')})`;
  if (start < 2000 || start > 2100) return 'must be a financial year between 2000/01 and 2100/01';
  return null;
}

/** The months a financial year covers (Europe/London), as the first days of its first and last months. */
export function financialYearMonths(year: string): { from: string; to: string; lastDay: string } {
  const start = Number(year.slice(0, 4));
  return { from: `${start}-04-01`, to: `${start + 1}-03-01`, lastDay: `${start + 1}-03-31` };
}

/** The financial year a Home Office file name names ("…apr2018-mar2019…", "…april2018-march2019…"), if any. */
export function financialYearOfFilename(filename: string): string | null {
  const m = /apr(?:il)?[-_ ]?(\d{4})[-_ ]+mar(?:ch)?[-_ ]?(\d{4})/i.exec(filename);
  if (!m || Number(m[2]) !== Number(m[1]) + 1) return null;
  return `${m[1]}/${m[2].slice(2)}`;
}
