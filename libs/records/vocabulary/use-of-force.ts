/**
 * The Home Office use-of-force form (one form per officer per subject), as codes. The tactic list follows the Home
 * Office statistical tables (`Tactic` column of the "by ethnicity/age/disability" tables); each tactic used is
 * recorded with whether it was effective.
 */
export const UOF_TACTICS = [
  'tactical_communications',
  'compliant_handcuffing',
  'non_compliant_handcuffing',
  'unarmed_skills',
  'ground_restraint',
  'limb_body_restraints',
  'spit_guard',
  'shield',
  'irritant_spray_drawn',
  'irritant_spray_used',
  'baton_drawn',
  'baton_used',
  'aep_aimed',
  'aep_fired',
  'taser_drawn',
  'taser_aimed',
  'taser_arced',
  'taser_red_dot',
  'taser_drive_stun',
  'taser_angled_drive_stun',
  'taser_fired',
  'firearm_aimed',
  'firearm_fired',
  'dog_deployed',
  'dog_bite',
  'other_improvised',
] as const;
export type UofTactic = (typeof UOF_TACTICS)[number];

export const UOF_IMPACT_FACTORS = [
  'alcohol',
  'drugs',
  'mental_health',
  'weapons',
  'prior_knowledge',
  'size_gender_build',
  'acute_behavioural_disorder',
  'crowd',
  'other',
] as const;

export const UOF_REASONS = [
  'protect_self',
  'protect_public',
  'protect_subject',
  'protect_other_officers',
  'prevent_offence',
  'secure_evidence',
  'effect_search',
  'effect_arrest',
  'method_of_entry',
  'prevent_escape',
  'prevent_harm',
  'other',
] as const;

export const UOF_OUTCOMES = [
  'arrested',
  'hospitalised',
  'detained_mental_health_act',
  'made_off_escaped',
  'fatality',
  'other',
] as const;

export const UOF_LOCATION_TYPES = [
  'street_highway',
  'dwelling',
  'public_transport',
  'retail_premises',
  'open_ground',
  'licensed_premises',
  'sports_or_event_venue',
  'hospital_a_and_e',
  'hospital_other',
  'mental_health_setting',
  'police_vehicle_with_cage',
  'police_vehicle_without_cage',
  'custody_block',
  'police_station_excluding_custody',
  'ambulance',
  'other',
] as const;

/** Injury to the subject or officer; null = not recorded. */
export const UOF_INJURIES = ['none', 'minor', 'severe', 'death'] as const;

/** Age bands of the Home Office tables. */
export const UOF_AGE_RANGES = ['under_11', '11_17', '18_34', '35_49', '50_64', '65_and_over'] as const;

/** Perceived disability, as the Home Office form records it. */
export const UOF_DISABILITIES = ['none', 'physical', 'mental', 'physical_and_mental'] as const;

/** A tactic used, and whether it was effective (null = not recorded). */
export interface UofTacticUse {
  tactic: UofTactic;
  effective: boolean | null;
}
