import type { CaseKind } from '@scrutiny/auth';
import { ETHNIC_GROUP_LABEL, ETHNIC_GROUPS, NOT_STATED, OFFICER_DEFINED, SELF_DEFINED_CATEGORIES } from './ethnicity';
import {
  AGE_RANGES,
  AGE_VOCAB,
  GENDER_VOCAB,
  GENDERS,
  LEGISLATION,
  LEGISLATION_VOCAB,
  OBJECT_VOCAB,
  OBJECTS_OF_SEARCH,
  OFFICER_DEFINED_VOCAB,
  OUTCOME_VOCAB,
  OUTCOMES,
  SEARCH_TYPE_VOCAB,
  SEARCH_TYPES,
} from './police-uk';
import {
  ANSWER_LABELS,
  BWV_AVAILABILITY,
  CONDUCT_RATINGS,
  FINDING_OUTCOMES,
  FORM_CRITERION_LABELS,
  FORM_SECTION_LABELS,
  GIVEN,
  GROUNDS_JUDGEMENTS,
  RAG_RATINGS,
  REVIEW_OUTCOMES,
  YES_NO_UNKNOWN_NA,
} from './review-answers';
import {
  UOF_AGE_RANGES,
  UOF_DISABILITIES,
  UOF_IMPACT_FACTORS,
  UOF_INJURIES,
  UOF_LOCATION_TYPES,
  UOF_OUTCOMES,
  UOF_REASONS,
  UOF_TACTICS,
} from './use-of-force';
import { VEHICLE_STOP_OUTCOMES, VEHICLE_STOP_REASONS } from './vehicle-stop';

/** One controlled vocabulary: what it is, and each code's words, in the order the code list gives them. */
export interface Vocabulary {
  label: string;
  codes: Readonly<Record<string, string>>;
}

/** What a blank (null) code reads as: unknown, never "no" or "none". */
export const NOT_RECORDED = 'Not recorded';

/** The code list's codes, each with its label; `labels` must name every code (checked by the compiler). */
function vocabulary<T extends string>(
  label: string,
  list: readonly T[],
  labels: Readonly<Record<T, string>> | ((code: T) => string),
): Vocabulary {
  const word = typeof labels === 'function' ? labels : (code: T) => labels[code];
  return { label, codes: Object.freeze(Object.fromEntries(list.map((code) => [code, word(code)]))) };
}

/** The data.police.uk wording (the first one a code is exported with), where it reads well as a label. */
const policeUk =
  <T extends string>(render: Map<T, string>, over: Partial<Record<T, string>> = {}) =>
  (code: T): string =>
    over[code] ?? render.get(code)!;

const KIND_LABELS: Record<CaseKind, string> = {
  stop_search: 'Stop search',
  vehicle_stop: 'Vehicle stop',
  use_of_force: 'Use of force',
};

const VEHICLE_STOP_REASON_LABELS: Record<(typeof VEHICLE_STOP_REASONS)[number], string> = {
  moving_traffic_offence: 'Moving traffic offence',
  vehicle_defect: 'Vehicle defect',
  suspected_drink_or_drug_driving: 'Suspected drink or drug driving',
  no_insurance_or_licence_anpr: 'No insurance or licence (ANPR)',
  intelligence: 'Intelligence',
  road_check_pace_s4: 'Road check (PACE s4)',
  suspected_crime: 'Suspected crime',
  routine_check: 'Routine check',
  other: 'Other',
};

const VEHICLE_STOP_OUTCOME_LABELS: Record<(typeof VEHICLE_STOP_OUTCOMES)[number], string> = {
  no_further_action: 'No further action',
  words_of_advice: 'Words of advice',
  vehicle_defect_rectification: 'Vehicle defect rectification notice',
  traffic_offence_report: 'Traffic offence report',
  fixed_penalty_notice: 'Fixed penalty notice',
  vehicle_seized: 'Vehicle seized',
  search_conducted: 'Search conducted',
  arrest: 'Arrest',
  other: 'Other',
};

const UOF_TACTIC_LABELS: Record<(typeof UOF_TACTICS)[number], string> = {
  tactical_communications: 'Tactical communications',
  compliant_handcuffing: 'Handcuffing (compliant)',
  non_compliant_handcuffing: 'Handcuffing (non-compliant)',
  unarmed_skills: 'Unarmed skills',
  ground_restraint: 'Ground restraint',
  limb_body_restraints: 'Limb or body restraints',
  spit_guard: 'Spit and bite guard',
  shield: 'Shield',
  irritant_spray_drawn: 'Irritant spray drawn',
  irritant_spray_used: 'Irritant spray used',
  baton_drawn: 'Baton drawn',
  baton_used: 'Baton used',
  aep_aimed: 'AEP (attenuating energy projectile) aimed',
  aep_fired: 'AEP fired',
  taser_drawn: 'Taser drawn',
  taser_aimed: 'Taser aimed',
  taser_arced: 'Taser arced',
  taser_red_dot: 'Taser red-dotted',
  taser_drive_stun: 'Taser drive-stun',
  taser_angled_drive_stun: 'Taser angle drive-stun',
  taser_fired: 'Taser fired',
  firearm_aimed: 'Firearm aimed',
  firearm_fired: 'Firearm fired',
  dog_deployed: 'Dog deployed',
  dog_bite: 'Dog bite',
  other_improvised: 'Other or improvised',
};

const UOF_IMPACT_FACTOR_LABELS: Record<(typeof UOF_IMPACT_FACTORS)[number], string> = {
  alcohol: 'Alcohol',
  drugs: 'Drugs',
  mental_health: 'Mental health',
  weapons: 'Weapons',
  prior_knowledge: 'Prior knowledge of the subject',
  size_gender_build: 'Size, gender or build',
  acute_behavioural_disorder: 'Acute behavioural disorder',
  crowd: 'Crowd',
  other: 'Other',
};

const UOF_REASON_LABELS: Record<(typeof UOF_REASONS)[number], string> = {
  protect_self: 'Protect self',
  protect_public: 'Protect the public',
  protect_subject: 'Protect the subject',
  protect_other_officers: 'Protect other officers',
  prevent_offence: 'Prevent an offence',
  secure_evidence: 'Secure evidence',
  effect_search: 'Effect a search',
  effect_arrest: 'Effect an arrest',
  method_of_entry: 'Method of entry',
  prevent_escape: 'Prevent escape',
  prevent_harm: 'Prevent harm',
  other: 'Other',
};

const UOF_OUTCOME_LABELS: Record<(typeof UOF_OUTCOMES)[number], string> = {
  arrested: 'Arrested',
  hospitalised: 'Hospitalised',
  detained_mental_health_act: 'Detained under the Mental Health Act',
  made_off_escaped: 'Made off or escaped',
  fatality: 'Fatality',
  other: 'Other',
};

const UOF_LOCATION_TYPE_LABELS: Record<(typeof UOF_LOCATION_TYPES)[number], string> = {
  street_highway: 'Street or highway',
  dwelling: 'Dwelling',
  public_transport: 'Public transport',
  retail_premises: 'Retail premises',
  open_ground: 'Open ground (park, field, car park)',
  licensed_premises: 'Licensed premises',
  sports_or_event_venue: 'Sports or event venue',
  hospital_a_and_e: 'Hospital A&E',
  hospital_other: 'Hospital (other)',
  mental_health_setting: 'Mental health setting',
  police_vehicle_with_cage: 'Police vehicle with cage',
  police_vehicle_without_cage: 'Police vehicle without cage',
  custody_block: 'Custody block',
  police_station_excluding_custody: 'Police station (not custody)',
  ambulance: 'Ambulance',
  other: 'Other',
};

const UOF_INJURY_LABELS: Record<(typeof UOF_INJURIES)[number], string> = {
  none: 'No injury',
  minor: 'Minor injury',
  severe: 'Severe injury',
  death: 'Death',
};

const UOF_AGE_RANGE_LABELS: Record<(typeof UOF_AGE_RANGES)[number], string> = {
  under_11: 'Under 11',
  '11_17': '11 to 17',
  '18_34': '18 to 34',
  '35_49': '35 to 49',
  '50_64': '50 to 64',
  '65_and_over': '65 and over',
};

const UOF_DISABILITY_LABELS: Record<(typeof UOF_DISABILITIES)[number], string> = {
  none: 'None perceived',
  physical: 'Physical',
  mental: 'Mental',
  physical_and_mental: 'Physical and mental',
};

const SELF_DEFINED_LABELS = new Map<string, string>([
  ...SELF_DEFINED_CATEGORIES.map((c) => [c.code, c.policeUk] as [string, string]),
  [NOT_STATED, 'Not stated'],
]);

const answers = <T extends keyof typeof ANSWER_LABELS>(label: string, list: readonly T[]) =>
  vocabulary(label, list, ANSWER_LABELS);
const keys = <K extends string>(labels: Record<K, string>) => Object.keys(labels) as K[];

/**
 * The words for every code a record or a review form uses, by vocabulary name (`GET /api/v1/vocabularies`; report
 * packs and CSVs print these). Built from the code lists themselves, so a new code without a label fails to compile
 * or fails the vocabulary test. Theme codes live in the `themes` table: the endpoint adds them as `theme`.
 */
export const VOCABULARIES = Object.freeze({
  record_kind: vocabulary('Record kind', keys(KIND_LABELS), KIND_LABELS),
  search_type: vocabulary('Type of search', SEARCH_TYPES, policeUk(SEARCH_TYPE_VOCAB.render)),
  legislation: vocabulary('Power (legislation)', LEGISLATION, policeUk(LEGISLATION_VOCAB.render)),
  object_of_search: vocabulary('Object of search', OBJECTS_OF_SEARCH, policeUk(OBJECT_VOCAB.render)),
  stop_search_outcome: vocabulary(
    'Outcome of a stop search',
    OUTCOMES,
    policeUk(OUTCOME_VOCAB.render, {
      no_further_action: 'No further action',
      drugs_warning: 'Drugs possession warning',
    }),
  ),
  gender: vocabulary('Gender', GENDERS, policeUk(GENDER_VOCAB.render)),
  age_range: vocabulary(
    'Age range',
    AGE_RANGES,
    policeUk(AGE_VOCAB.render, {
      under_10: 'Under 10',
      '10_17': '10 to 17',
      '18_24': '18 to 24',
      '25_34': '25 to 34',
      over_34: 'Over 34',
    }),
  ),
  self_defined_ethnicity: vocabulary(
    'Self-defined ethnicity (Census 2021 categories)',
    [...SELF_DEFINED_LABELS.keys()],
    (code) => SELF_DEFINED_LABELS.get(code)!,
  ),
  officer_defined_ethnicity: vocabulary(
    'Officer-defined ethnicity',
    OFFICER_DEFINED,
    policeUk(OFFICER_DEFINED_VOCAB.render),
  ),
  ethnic_group: vocabulary('Ethnic group (5 groups)', ETHNIC_GROUPS, ETHNIC_GROUP_LABEL),
  vehicle_stop_reason: vocabulary('Reason for a vehicle stop', VEHICLE_STOP_REASONS, VEHICLE_STOP_REASON_LABELS),
  vehicle_stop_outcome: vocabulary('Outcome of a vehicle stop', VEHICLE_STOP_OUTCOMES, VEHICLE_STOP_OUTCOME_LABELS),
  uof_tactic: vocabulary('Use-of-force tactic', UOF_TACTICS, UOF_TACTIC_LABELS),
  uof_impact_factor: vocabulary('Use-of-force impact factor', UOF_IMPACT_FACTORS, UOF_IMPACT_FACTOR_LABELS),
  uof_reason: vocabulary('Reason for using force', UOF_REASONS, UOF_REASON_LABELS),
  uof_outcome: vocabulary('Outcome of a use of force', UOF_OUTCOMES, UOF_OUTCOME_LABELS),
  uof_location_type: vocabulary('Where force was used', UOF_LOCATION_TYPES, UOF_LOCATION_TYPE_LABELS),
  uof_injury: vocabulary('Injury', UOF_INJURIES, UOF_INJURY_LABELS),
  uof_age_range: vocabulary('Age range (use of force)', UOF_AGE_RANGES, UOF_AGE_RANGE_LABELS),
  uof_disability: vocabulary('Perceived disability', UOF_DISABILITIES, UOF_DISABILITY_LABELS),
  form_yes_no: answers('Review form: yes or no', YES_NO_UNKNOWN_NA),
  form_given: answers('Review form: explanation given', GIVEN),
  form_conduct: answers('Review form: conduct', CONDUCT_RATINGS),
  form_bwv_availability: answers('Review form: body-worn video available', BWV_AVAILABILITY),
  form_grounds: answers('Review form: grounds judged', GROUNDS_JUDGEMENTS),
  form_rag: answers('Review form: RAG rating', RAG_RATINGS),
  review_outcome: answers('Outcome of a review or rating', REVIEW_OUTCOMES),
  finding_outcome: answers('Outcome of a panel finding', FINDING_OUTCOMES),
  form_section: vocabulary('Review form section', keys(FORM_SECTION_LABELS), FORM_SECTION_LABELS),
  form_criterion: vocabulary('Review form question', keys(FORM_CRITERION_LABELS), FORM_CRITERION_LABELS),
}) satisfies Readonly<Record<string, Vocabulary>>;

export type VocabularyName = keyof typeof VOCABULARIES;

/**
 * The words for a code: "Not recorded" for a blank (null) one, and the code itself for one the vocabulary does not
 * list (an old code in imported data, or a vocabulary name this catalogue does not have).
 */
export function labelOf(vocabulary: VocabularyName | (string & {}), code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return NOT_RECORDED;
  const codes = (VOCABULARIES as Record<string, Vocabulary>)[vocabulary]?.codes;
  return codes && Object.hasOwn(codes, code) ? codes[code] : code;
}

/**
 * Which vocabulary labels each coded field of each record kind (`{ stop_search: { legislation: 'legislation' } }`),
 * found by the field's code list: the vocabulary that lists exactly its codes.
 */
export function recordFieldVocabularies(
  kinds: readonly { kind: string; fields: readonly { name: string; vocabulary?: readonly string[] }[] }[],
): Record<string, Record<string, VocabularyName>> {
  const names = Object.keys(VOCABULARIES) as VocabularyName[];
  const sameCodes = (list: readonly string[], name: VocabularyName) => {
    const codes = Object.keys(VOCABULARIES[name].codes);
    return codes.length === list.length && list.every((c) => codes.includes(c));
  };
  return Object.fromEntries(
    kinds.map(({ kind, fields }) => [
      kind,
      Object.fromEntries(
        fields.flatMap((f) => {
          const name = f.vocabulary && names.find((n) => sameCodes(f.vocabulary!, n));
          return name ? [[f.name, name]] : [];
        }),
      ),
    ]),
  );
}
