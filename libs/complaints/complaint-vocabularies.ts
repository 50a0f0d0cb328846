import { NOT_STATED, SELF_DEFINED_CATEGORIES, type Vocabulary } from '@scrutiny/records';

/**
 * Complaint categories. Source: Independent Office for Police Conduct, "Guidance on capturing data about police
 * complaints", published February 2020 (updated January 2021), issued under the Home Secretary's statutory power to
 * require complaints data from forces (the Annual Data Requirement); its annex lists the categories an allegation is
 * logged under.
 *
 * The ten top-level categories follow the guidance; the sub-categories are those it lists as we read it (check them
 * against the annex of the edition in force before reporting to the IOPC: its own reference codes are not carried
 * here). Codes are our snake_case names. Under discriminatory behaviour the sub-category is the protected
 * characteristic of the Equality Act 2010 that the allegation names.
 */
export const IOPC_GUIDANCE = {
  title: 'Guidance on capturing data about police complaints',
  publisher: 'Independent Office for Police Conduct',
  published: 'February 2020, updated January 2021',
} as const;

/** The nine protected characteristics of the Equality Act 2010 (s.4). */
export const PROTECTED_CHARACTERISTICS = [
  'age',
  'disability',
  'gender_reassignment',
  'marriage_and_civil_partnership',
  'pregnancy_and_maternity',
  'race',
  'religion_or_belief',
  'sex',
  'sexual_orientation',
] as const;
export type ProtectedCharacteristic = (typeof PROTECTED_CHARACTERISTICS)[number];

export const PROTECTED_CHARACTERISTIC_LABELS: Record<ProtectedCharacteristic, string> = {
  age: 'Age',
  disability: 'Disability',
  gender_reassignment: 'Gender reassignment',
  marriage_and_civil_partnership: 'Marriage and civil partnership',
  pregnancy_and_maternity: 'Pregnancy and maternity',
  race: 'Race',
  religion_or_belief: 'Religion or belief',
  sex: 'Sex',
  sexual_orientation: 'Sexual orientation',
};

export const DISCRIMINATORY_BEHAVIOUR = 'discriminatory_behaviour';

interface CategorySpec {
  label: string;
  /** Sub-category code → label. */
  sub: Readonly<Record<string, string>>;
}

/** Category code → label and sub-categories. */
export const IOPC_CATEGORIES: Record<string, CategorySpec> = {
  delivery_of_duties_and_service: {
    label: 'Delivery of duties and service',
    sub: {
      police_action_following_contact: 'Police action following contact',
      decisions: 'Decisions',
      information: 'Information',
      general_level_of_service: 'General level of service',
    },
  },
  police_powers_policies_and_procedures: {
    label: 'Police powers, policies and procedures',
    sub: {
      arrest: 'Arrest',
      detention_in_police_custody: 'Detention in police custody',
      bail_identification_and_interview: 'Bail, identification and interview',
      searching_premises_and_seizure_of_property: 'Searching of premises and seizure of property',
      stop_and_search: 'Stop and search',
      use_of_force: 'Use of force',
      road_traffic_powers: 'Road traffic powers (vehicle stops)',
      handling_of_or_damage_to_property: 'Handling of or damage to property or items',
      other_policies_and_procedures: 'Other policies and procedures',
    },
  },
  access_and_disclosure_of_information: {
    label: 'Access to and disclosure of information',
    sub: {
      disclosure_of_information: 'Disclosure of information',
      data_protection_and_access: 'Access to information and data protection',
    },
  },
  use_of_police_vehicles: {
    label: 'Use of police vehicles',
    sub: { use_of_police_vehicles: 'Use of police vehicles' },
  },
  [DISCRIMINATORY_BEHAVIOUR]: {
    label: 'Discriminatory behaviour',
    sub: PROTECTED_CHARACTERISTIC_LABELS,
  },
  abuse_of_position_or_corruption: {
    label: 'Abuse of position or corruption',
    sub: {
      abuse_of_position_for_sexual_purpose: 'Abuse of position for a sexual purpose',
      abuse_of_position_for_other_purpose: 'Abuse of position for another purpose',
      corrupt_practice: 'Corrupt practice',
    },
  },
  individual_behaviours: {
    label: 'Individual behaviours',
    sub: {
      impolite_language_or_tone: 'Impolite language or tone',
      impolite_and_intolerant_actions: 'Impolite and intolerant actions',
      lack_of_fairness_and_impartiality: 'Lack of fairness and impartiality',
      overbearing_or_harassing_behaviours: 'Overbearing or harassing behaviours',
      unprofessional_attitude_and_disrespect: 'Unprofessional attitude and disrespect',
    },
  },
  sexual_conduct: {
    label: 'Sexual conduct',
    sub: {
      sexual_assault: 'Sexual assault',
      sexual_harassment: 'Sexual harassment',
      other_sexual_conduct: 'Other sexual conduct',
    },
  },
  discreditable_conduct: {
    label: 'Discreditable conduct',
    sub: { discreditable_conduct: 'Discreditable conduct' },
  },
  other: { label: 'Other', sub: { other: 'Other' } },
};

export const COMPLAINT_CATEGORIES = Object.keys(IOPC_CATEGORIES);
/** Every sub-category code (unique across categories). */
export const COMPLAINT_SUB_CATEGORIES = Object.values(IOPC_CATEGORIES).flatMap((c) => Object.keys(c.sub));

/** How a complaint is handled (Police Reform Act 2002, Schedule 3, as amended by the Policing and Crime Act 2017). */
export const COMPLAINT_HANDLING = {
  outside_schedule_3: 'Outside Schedule 3 (resolved without recording)',
  schedule_3_reasonable_and_proportionate: 'Schedule 3: handled otherwise than by investigation',
  local_investigation: 'Schedule 3: local investigation',
  directed_investigation: 'Schedule 3: directed investigation (IOPC)',
  independent_investigation: 'Schedule 3: independent investigation (IOPC)',
  referred_to_iopc: 'Referred to the IOPC (mode of investigation awaited)',
} as const;
export const HANDLING_CODES = Object.keys(COMPLAINT_HANDLING) as (keyof typeof COMPLAINT_HANDLING)[];

/** What an allegation came to. */
export const ALLEGATION_OUTCOMES = {
  service_acceptable: 'Service acceptable',
  service_not_acceptable: 'Service not acceptable',
  case_to_answer_misconduct: 'Case to answer: misconduct',
  case_to_answer_gross_misconduct: 'Case to answer: gross misconduct',
  no_case_to_answer: 'No case to answer',
  reflective_practice: 'Reflective practice review process (RPRP)',
  no_further_action: 'No further action',
} as const;
export const OUTCOME_CODES = Object.keys(ALLEGATION_OUTCOMES) as (keyof typeof ALLEGATION_OUTCOMES)[];

/** Outcomes that find something wrong: the review counts them, and they are where actions come from. */
export const ADVERSE_OUTCOMES: readonly string[] = [
  'service_not_acceptable',
  'case_to_answer_misconduct',
  'case_to_answer_gross_misconduct',
  'reflective_practice',
];

/** The complainant's sex as they gave it (blank: not given). */
export const COMPLAINANT_SEXES = { female: 'Female', male: 'Male', other: 'Other' } as const;
export const COMPLAINANT_AGE_BANDS = {
  under_18: 'Under 18',
  '18_24': '18 to 24',
  '25_34': '25 to 34',
  '35_44': '35 to 44',
  '45_54': '45 to 54',
  '55_64': '55 to 64',
  '65_and_over': '65 and over',
} as const;

/** Self-defined ethnicity: the same Census 2021 categories (and "not stated") as stop searches. */
export const COMPLAINANT_ETHNICITIES: readonly string[] = [...SELF_DEFINED_CATEGORIES.map((c) => c.code), NOT_STATED];

export const ENCOUNTER_KINDS = ['stop_search', 'vehicle_stop', 'use_of_force'] as const;
export const COMPLAINT_STATUSES = ['open', 'finalised'] as const;

/** The complaint vocabularies, merged into `GET /api/v1/vocabularies` beside the records' own. */
export const COMPLAINT_VOCABULARIES: Record<string, Vocabulary> = {
  complaint_category: {
    label: 'Complaint category (IOPC)',
    codes: Object.fromEntries(Object.entries(IOPC_CATEGORIES).map(([k, v]) => [k, v.label])),
  },
  complaint_sub_category: {
    label: 'Complaint sub-category (IOPC)',
    codes: Object.fromEntries(Object.values(IOPC_CATEGORIES).flatMap((c) => Object.entries(c.sub))),
  },
  protected_characteristic: {
    label: 'Protected characteristic (Equality Act 2010)',
    codes: PROTECTED_CHARACTERISTIC_LABELS,
  },
  complaint_handling: { label: 'How a complaint is handled', codes: COMPLAINT_HANDLING },
  allegation_outcome: { label: 'Outcome of an allegation', codes: ALLEGATION_OUTCOMES },
  complainant_sex: { label: "Complainant's sex (as given)", codes: COMPLAINANT_SEXES },
  complainant_age_band: { label: "Complainant's age band", codes: COMPLAINANT_AGE_BANDS },
};

/** The words for a complaint code ("Not recorded" for none; the code itself for one the vocabulary lacks). */
export function complaintLabel(vocabulary: keyof typeof COMPLAINT_VOCABULARIES | string, code: string | null): string {
  if (!code) return 'Not recorded';
  const codes = COMPLAINT_VOCABULARIES[vocabulary]?.codes;
  return codes && Object.hasOwn(codes, code) ? codes[code] : code;
}

/** The category a sub-category belongs to, or null. */
export function categoryOf(subCategory: string): string | null {
  return Object.entries(IOPC_CATEGORIES).find(([, c]) => Object.hasOwn(c.sub, subCategory))?.[0] ?? null;
}
