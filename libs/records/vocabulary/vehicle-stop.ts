/**
 * Vehicle stops under s163 Road Traffic Act 1988: why the vehicle was stopped and what came of it. Forces word
 * these differently; the codes are the common ground the CSV template and the API use.
 */
export const VEHICLE_STOP_REASONS = [
  'moving_traffic_offence',
  'vehicle_defect',
  'suspected_drink_or_drug_driving',
  'no_insurance_or_licence_anpr',
  'intelligence',
  'road_check_pace_s4',
  'suspected_crime',
  'routine_check',
  'other',
] as const;

export const VEHICLE_STOP_OUTCOMES = [
  'no_further_action',
  'words_of_advice',
  'vehicle_defect_rectification',
  'traffic_offence_report',
  'fixed_penalty_notice',
  'vehicle_seized',
  'search_conducted',
  'arrest',
  'other',
] as const;
