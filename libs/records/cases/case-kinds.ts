import type { CaseKind } from '@scrutiny/auth';
import { ETHNIC_GROUPS, OFFICER_DEFINED, SELF_DEFINED_CODES } from '../vocabulary/ethnicity';
import { AGE_RANGES, GENDERS, LEGISLATION, OBJECTS_OF_SEARCH, OUTCOMES, SEARCH_TYPES } from '../vocabulary/police-uk';
import { VEHICLE_STOP_OUTCOMES, VEHICLE_STOP_REASONS } from '../vocabulary/vehicle-stop';
import {
  UOF_AGE_RANGES,
  UOF_DISABILITIES,
  UOF_IMPACT_FACTORS,
  UOF_INJURIES,
  UOF_LOCATION_TYPES,
  UOF_OUTCOMES,
  UOF_REASONS,
  UOF_TACTICS,
} from '../vocabulary/use-of-force';
import type { CaseField } from './case-fields';

/**
 * One record kind: its table, its own fields (beside the ones every case has: reference, force, area, time,
 * place, officer, team) and which columns the list filters use.
 */
export interface CaseKindSpec {
  kind: CaseKind;
  table: string;
  /** "Stop search", for messages. */
  noun: string;
  fields: readonly CaseField[];
  filters: {
    /** The power (legislation) column, if the kind has one. */
    power?: { column: string; vocabulary: readonly string[] };
    outcome: { column: string; vocabulary: readonly string[]; many: boolean };
    /** Ethnicity columns by basis: self-defined codes (mapped to 5 groups) and officer-defined/perceived groups. */
    ethnicity: { self?: string; officer: string };
  };
}

/** The force's pseudonymous reference for the person (finds repeat encounters); never shown to external panels. */
const SUBJECT_REFERENCE = (group: string): CaseField => ({
  name: 'subjectReference',
  column: 'subject_reference',
  type: 'text',
  maxLength: 64,
  group,
  pseudonymised: 'hide',
});

/** The person stopped as stop searches and vehicle stops record them: both ethnicities, nested under `group`. */
function personFields(group: string): CaseField[] {
  return [
    { name: 'gender', column: 'gender', type: 'code', vocabulary: GENDERS, group },
    { name: 'ageRange', column: 'age_range', type: 'code', vocabulary: AGE_RANGES, group },
    {
      name: 'selfDefinedEthnicity',
      column: 'self_defined_ethnicity',
      type: 'code',
      vocabulary: SELF_DEFINED_CODES,
      group,
    },
    {
      name: 'officerDefinedEthnicity',
      column: 'officer_defined_ethnicity',
      type: 'code',
      vocabulary: OFFICER_DEFINED,
      group,
    },
    SUBJECT_REFERENCE(group),
  ];
}

const BOTH_ETHNICITIES = { self: 'self_defined_ethnicity', officer: 'officer_defined_ethnicity' };

export const STOP_SEARCH: CaseKindSpec = {
  kind: 'stop_search',
  table: 'stop_searches',
  noun: 'Stop search',
  fields: [
    { name: 'searchType', column: 'search_type', type: 'code', vocabulary: SEARCH_TYPES, required: true },
    { name: 'legislation', column: 'legislation', type: 'code', vocabulary: LEGISLATION },
    { name: 'objectOfSearch', column: 'object_of_search', type: 'code', vocabulary: OBJECTS_OF_SEARCH },
    { name: 'grounds', column: 'grounds', type: 'text', maxLength: 4000, pseudonymised: 'grounds' },
    { name: 'outcome', column: 'outcome', type: 'code', vocabulary: OUTCOMES },
    { name: 'outcomeLinkedToObject', column: 'outcome_linked_to_object', type: 'boolean' },
    { name: 'clothingRemoved', column: 'clothing_removed', type: 'boolean' },
    { name: 'partOfOperation', column: 'part_of_operation', type: 'boolean' },
    { name: 'operationName', column: 'operation_name', type: 'text', maxLength: 200, pseudonymised: 'hide' },
    ...personFields('subject'),
    { name: 's60AuthorisationId', column: 's60_authorisation_id', type: 'text', maxLength: 64, pseudonymised: 'hide' },
    { name: 'bwvActivatedBeforeEncounter', column: 'bwv_activated_before_encounter', type: 'boolean' },
  ],
  filters: {
    power: { column: 'legislation', vocabulary: LEGISLATION },
    outcome: { column: 'outcome', vocabulary: OUTCOMES, many: false },
    ethnicity: BOTH_ETHNICITIES,
  },
};

export const VEHICLE_STOP: CaseKindSpec = {
  kind: 'vehicle_stop',
  table: 'vehicle_stops',
  noun: 'Vehicle stop',
  fields: [
    { name: 'reason', column: 'reason', type: 'code', vocabulary: VEHICLE_STOP_REASONS, required: true },
    { name: 'reasonDetail', column: 'reason_detail', type: 'text', maxLength: 4000, pseudonymised: 'grounds' },
    { name: 'outcome', column: 'outcome', type: 'code', vocabulary: VEHICLE_STOP_OUTCOMES },
    ...personFields('driver'),
    {
      name: 'linkedStopSearchId',
      column: 'linked_stop_search_id',
      type: 'case-link',
      links: 'stop_search',
      pseudonymised: 'hide',
    },
    { name: 'bwvActivatedBeforeEncounter', column: 'bwv_activated_before_encounter', type: 'boolean' },
  ],
  filters: {
    outcome: { column: 'outcome', vocabulary: VEHICLE_STOP_OUTCOMES, many: false },
    ethnicity: BOTH_ETHNICITIES,
  },
};

export const USE_OF_FORCE: CaseKindSpec = {
  kind: 'use_of_force',
  table: 'use_of_force_reports',
  noun: 'Use-of-force report',
  fields: [
    { name: 'locationType', column: 'location_type', type: 'code', vocabulary: UOF_LOCATION_TYPES },
    { name: 'tactics', column: 'tactics', type: 'tactics', vocabulary: UOF_TACTICS, required: true },
    { name: 'impactFactors', column: 'impact_factors', type: 'codes', vocabulary: UOF_IMPACT_FACTORS },
    { name: 'reasons', column: 'reasons', type: 'codes', vocabulary: UOF_REASONS },
    { name: 'outcomes', column: 'outcomes', type: 'codes', vocabulary: UOF_OUTCOMES },
    { name: 'subjectInjury', column: 'subject_injury', type: 'code', vocabulary: UOF_INJURIES, group: 'injuries' },
    { name: 'officerInjury', column: 'officer_injury', type: 'code', vocabulary: UOF_INJURIES, group: 'injuries' },
    { name: 'officerAssaulted', column: 'officer_assaulted', type: 'boolean', group: 'injuries' },
    { name: 'gender', column: 'gender', type: 'code', vocabulary: GENDERS, group: 'subject' },
    { name: 'ageRange', column: 'age_range', type: 'code', vocabulary: UOF_AGE_RANGES, group: 'subject' },
    {
      name: 'perceivedEthnicity',
      column: 'perceived_ethnicity',
      type: 'code',
      vocabulary: ETHNIC_GROUPS,
      group: 'subject',
    },
    {
      name: 'perceivedDisability',
      column: 'perceived_disability',
      type: 'code',
      vocabulary: UOF_DISABILITIES,
      group: 'subject',
    },
    SUBJECT_REFERENCE('subject'),
    {
      name: 'linkedStopSearchId',
      column: 'linked_stop_search_id',
      type: 'case-link',
      links: 'stop_search',
      pseudonymised: 'hide',
    },
    { name: 'bwvActivated', column: 'bwv_activated', type: 'boolean' },
  ],
  filters: {
    outcome: { column: 'outcomes', vocabulary: UOF_OUTCOMES, many: true },
    // The form records only the officer's perception of ethnicity (5 groups, Chinese counted as Asian as in Census 2021).
    ethnicity: { officer: 'perceived_ethnicity' },
  },
};

export const CASE_KIND_SPECS: Record<CaseKind, CaseKindSpec> = {
  stop_search: STOP_SEARCH,
  vehicle_stop: VEHICLE_STOP,
  use_of_force: USE_OF_FORCE,
};
