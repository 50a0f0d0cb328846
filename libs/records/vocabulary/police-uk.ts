import { SELF_DEFINED_CATEGORIES, NOT_STATED, type OfficerDefined, type SelfDefinedValue } from './ethnicity';

/**
 * Controlled vocabularies for stop and search, and the one mapping from every data.police.uk string seen in
 * the data (old and new wordings) to them. Blank means unknown (null), never false or "none".
 */
export const SEARCH_TYPES = ['person', 'person_and_vehicle', 'vehicle'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export const GENDERS = ['male', 'female', 'other'] as const;
export const AGE_RANGES = ['under_10', '10_17', '18_24', '25_34', 'over_34'] as const;

export const OUTCOMES = [
  'no_further_action',
  'arrest',
  'community_resolution',
  'drugs_warning',
  'penalty_notice',
  'summons',
  'caution',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const LEGISLATION = [
  'misuse_of_drugs_act_s23',
  'pace_s1',
  'cjpoa_s60',
  'firearms_act_s47',
  'terrorism_act_s47a',
  'terrorism_act_s43',
  'psychoactive_substances_act_s36',
  'poaching_prevention_act_s2',
  'pace_s6',
  'wildlife_and_countryside_act_s19',
  'deer_act_s12',
  'aviation_security_act_s27',
  'crossbows_act_s4',
  'sporting_events_act_s7',
  'other',
] as const;
export type Legislation = (typeof LEGISLATION)[number];

export const OBJECTS_OF_SEARCH = [
  'controlled_drugs',
  'offensive_weapons',
  'stolen_goods',
  'criminal_damage_articles',
  'evidence_of_offences',
  'articles_to_threaten_or_harm',
  'theft_articles',
  'firearms',
  'fireworks',
  'psychoactive_substances',
  'crossbows',
  'goods_duty_unpaid',
  'game_or_poaching_equipment',
  'wildlife',
  'deer',
  'anything_for_terrorism',
  'other',
] as const;

/** police.uk string → code. The first wording listed for a code is the one used when exporting. */
function table<T extends string>(entries: [T, ...string[]][]): { parse: Map<string, T>; render: Map<T, string> } {
  const parse = new Map<string, T>();
  const render = new Map<T, string>();
  for (const [code, ...wordings] of entries) {
    render.set(code, wordings[0]);
    // Exact wordings first (the common case, no lower-casing needed), then lower-case for variants like TRUE/True.
    for (const w of wordings) parse.set(w, code).set(w.toLowerCase(), code);
  }
  return { parse, render };
}

export const SEARCH_TYPE_VOCAB = table<SearchType>([
  ['person', 'Person search'],
  ['person_and_vehicle', 'Person and Vehicle search'],
  ['vehicle', 'Vehicle search'],
]);

export const GENDER_VOCAB = table<(typeof GENDERS)[number]>([
  ['male', 'Male'],
  ['female', 'Female'],
  ['other', 'Other'],
]);

/** Excel turns "10-17" into "Oct-17" (and "18-24" survives); both are accepted. */
export const AGE_VOCAB = table<(typeof AGE_RANGES)[number]>([
  ['under_10', 'under 10'],
  ['10_17', '10-17', 'Oct-17', '17-Oct'],
  ['18_24', '18-24'],
  ['25_34', '25-34'],
  ['over_34', 'over 34'],
]);

export const OUTCOME_VOCAB = table<Outcome>([
  ['no_further_action', 'A no further action disposal', 'Nothing found - no further action', 'No further action'],
  ['arrest', 'Arrest', 'Suspect arrested'],
  ['community_resolution', 'Community resolution', 'Local resolution'],
  ['drugs_warning', 'Khat or Cannabis warning', 'Offender given drugs possession warning'],
  ['penalty_notice', 'Penalty Notice for Disorder', 'Offender given penalty notice'],
  ['summons', 'Summons / charged by post', 'Suspect summonsed to court'],
  ['caution', 'Caution (simple or conditional)', 'Offender cautioned'],
]);

export const LEGISLATION_VOCAB = table<Legislation>([
  ['misuse_of_drugs_act_s23', 'Misuse of Drugs Act 1971 (section 23)'],
  ['pace_s1', 'Police and Criminal Evidence Act 1984 (section 1)'],
  ['cjpoa_s60', 'Criminal Justice and Public Order Act 1994 (section 60)'],
  ['firearms_act_s47', 'Firearms Act 1968 (section 47)'],
  ['terrorism_act_s47a', 'Terrorism Act 2000 (section 47A)'],
  ['terrorism_act_s43', 'Terrorism Act 2000 (section 43)', 'Terrorism Act 2000 (section 43A)'],
  [
    'psychoactive_substances_act_s36',
    'Psychoactive Substances Act 2016 (s36(2))',
    'Psychoactive Substances Act 2016 (s37(2))',
  ],
  ['poaching_prevention_act_s2', 'Poaching Prevention Act 1862 (section 2)'],
  ['pace_s6', 'Police and Criminal Evidence Act 1984 (section 6)'],
  ['wildlife_and_countryside_act_s19', 'Wildlife and Countryside Act 1981 (section 19)'],
  ['deer_act_s12', 'Deer Act 1991 (section 12)'],
  ['aviation_security_act_s27', 'Aviation Security Act 1982 (section 27(1))'],
  ['crossbows_act_s4', 'Crossbows Act 1987 (section 4)'],
  ['sporting_events_act_s7', 'Sporting Events (Control of Alcohol etc.) Act 1985 (section 7)'],
  ['other', 'Other'],
]);

export const OBJECT_VOCAB = table<(typeof OBJECTS_OF_SEARCH)[number]>([
  ['controlled_drugs', 'Controlled drugs'],
  ['offensive_weapons', 'Offensive weapons'],
  ['stolen_goods', 'Stolen goods'],
  ['criminal_damage_articles', 'Articles for use in criminal damage'],
  ['evidence_of_offences', 'Evidence of offences under the Act'],
  ['articles_to_threaten_or_harm', 'Anything to threaten or harm anyone'],
  ['theft_articles', 'Article for use in theft'],
  ['firearms', 'Firearms'],
  ['fireworks', 'Fireworks'],
  ['psychoactive_substances', 'Psychoactive substances'],
  ['crossbows', 'Crossbows'],
  ['goods_duty_unpaid', 'Goods on which duty has not been paid etc.'],
  ['game_or_poaching_equipment', 'Game or poaching equipment'],
  ['wildlife', 'Evidence of wildlife offences'],
  ['deer', 'Detailed information about deer'],
  ['anything_for_terrorism', 'Anything to be used for terrorism', 'Evidence of terrorism'],
  ['other', 'Other'],
]);

export const SELF_DEFINED_VOCAB = table<SelfDefinedValue>([
  ...SELF_DEFINED_CATEGORIES.map((c) => [c.code, c.policeUk] as [SelfDefinedValue, string]),
  [NOT_STATED, 'Other ethnic group - Not stated'],
]);

export const OFFICER_DEFINED_VOCAB = table<OfficerDefined>([
  ['white', 'White'],
  ['black', 'Black'],
  ['asian', 'Asian'],
  ['other', 'Other'],
]);

/** `True`/`TRUE`/`true` → true, `False` … → false, blank → null (unknown). Anything else is not a boolean. */
export function parseTriState(raw: string): boolean | null | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '') return null;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}
