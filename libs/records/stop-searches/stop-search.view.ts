import { officerToken, roundToHour, type CaseView } from '@scrutiny/auth';

/** A stop_searches row as read by the service (joined with the officer reference and area names). */
export interface StopSearchRow {
  id: string;
  force_code: string;
  area_code: string | null;
  district_code: string | null;
  occurred_at: Date;
  period: string;
  search_type: string;
  legislation: string | null;
  object_of_search: string | null;
  grounds: string | null;
  outcome: string | null;
  outcome_linked_to_object: boolean | null;
  clothing_removed: boolean | null;
  part_of_operation: boolean | null;
  operation_name: string | null;
  latitude: number | null;
  longitude: number | null;
  gender: string | null;
  age_range: string | null;
  self_defined_ethnicity: string | null;
  officer_defined_ethnicity: string | null;
  officer_reference: string | null;
  team_code: string | null;
  s60_authorisation_id: string | null;
  bwv_activated_before_encounter: boolean | null;
  source: string;
  import_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface StopSearchView {
  id: string;
  kind: 'stop_search';
  forceCode: string;
  areaCode: string | null;
  occurredAt: string;
  period: string;
  searchType: string;
  legislation: string | null;
  objectOfSearch: string | null;
  grounds: string | null;
  outcome: string | null;
  outcomeLinkedToObject: boolean | null;
  clothingRemoved: boolean | null;
  partOfOperation: boolean | null;
  operationName: string | null;
  location: { latitude: number; longitude: number } | null;
  subject: { gender: string | null; ageRange: string | null; selfDefinedEthnicity: string | null; officerDefinedEthnicity: string | null };
  officer: string | null;
  teamCode: string | null;
  s60AuthorisationId: string | null;
  bwvActivatedBeforeEncounter: boolean | null;
  source: string;
  version: number;
  pseudonymised: boolean;
}

/**
 * The one mapper from a row to the API's shape, so no route can forget pseudonymisation: an external panel sees
 * the officer as a per-panel token, the time rounded to the hour, the place only as its district, no subject
 * identifiers (coordinates, operation, authorisation), and free-text grounds only if the panel's policy allows.
 */
export function toStopSearchView(r: StopSearchRow, view: CaseView): StopSearchView {
  const full: StopSearchView = {
    id: r.id,
    kind: 'stop_search',
    forceCode: r.force_code,
    areaCode: r.area_code,
    occurredAt: r.occurred_at.toISOString(),
    period: r.period.slice(0, 7),
    searchType: r.search_type,
    legislation: r.legislation,
    objectOfSearch: r.object_of_search,
    grounds: r.grounds,
    outcome: r.outcome,
    outcomeLinkedToObject: r.outcome_linked_to_object,
    clothingRemoved: r.clothing_removed,
    partOfOperation: r.part_of_operation,
    operationName: r.operation_name,
    location: r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : null,
    subject: { gender: r.gender, ageRange: r.age_range, selfDefinedEthnicity: r.self_defined_ethnicity, officerDefinedEthnicity: r.officer_defined_ethnicity },
    officer: r.officer_reference,
    teamCode: r.team_code,
    s60AuthorisationId: r.s60_authorisation_id,
    bwvActivatedBeforeEncounter: r.bwv_activated_before_encounter,
    source: r.source,
    version: r.version,
    pseudonymised: false,
  };
  if (view.kind === 'full') return full;
  return {
    ...full,
    areaCode: r.district_code,
    occurredAt: roundToHour(r.occurred_at),
    grounds: view.showGrounds ? r.grounds : null,
    operationName: null,
    location: null,
    officer: r.officer_reference ? officerToken(view.key, view.panelId, r.officer_reference) : null,
    teamCode: null,
    s60AuthorisationId: null,
    pseudonymised: true,
  };
}
