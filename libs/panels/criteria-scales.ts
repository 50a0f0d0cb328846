/**
 * The level of measurement of each review-form criterion that panel agreement is measured on, in one table beside
 * the form (libs/review/review-form.ts defines the answers; this says how they relate to each other).
 *
 * - `nominal`: answers are categories with no order (yes/no, which outcome). Any disagreement weighs the same.
 * - `ordinal`: answers are ranked (`values`, best first); disagreeing by one step weighs less than by two, with
 *   Krippendorff's ordinal metric, which spaces the ranks by how often each was used.
 * - `interval`: answers are numbers (`values` read as numbers); no form criterion is one today.
 *
 * `missing` answers say the rater could not judge (cannot tell, unknown, not applicable, insufficient information):
 * they are not a position on the scale, so they are left out as if unrated, never counted as a disagreement.
 */
export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval';

export interface CriterionScale {
  level: MeasurementLevel;
  /** The answers on the scale: in order for ordinal and interval scales; for nominal ones, the expected categories. */
  values: readonly string[];
  /** Answers treated as no rating. */
  missing: readonly string[];
  /**
   * For a question asked of each entry of a list (each tactic of a use of force): the list's path and the field that
   * names the entry. Each (case, entry) pair is then a unit rated by the members who listed that entry.
   */
  each?: { list: string; key: string };
}

/** Answers that never place a case on a scale, whichever criterion they answer. */
export const NOT_A_RATING = ['cannot_tell', 'not_applicable', 'unknown', 'insufficient_information'] as const;

const yesNo: CriterionScale = { level: 'nominal', values: ['yes', 'no'], missing: NOT_A_RATING };
const given: CriterionScale = { level: 'ordinal', values: ['given', 'partly', 'not_given'], missing: NOT_A_RATING };
const conduct: CriterionScale = { level: 'ordinal', values: ['good', 'adequate', 'poor'], missing: NOT_A_RATING };
const perTactic = { list: 'useOfForce.tactics', key: 'tactic' };

/**
 * Criterion (dotted path in the form; shared paths mean the same question on every record kind's form) → its scale.
 * The order of the table is the order of the agreement report. A test checks it against every kind's form.
 */
export const CRITERION_SCALES: Readonly<Record<string, CriterionScale>> = {
  'bwv.availability': { level: 'ordinal', values: ['full', 'partial', 'none'], missing: NOT_A_RATING },
  'bwv.activatedBeforeContact': yesNo,
  'lawfulness.powerApplicable': yesNo,
  // "Insufficient information" says the record does not let the grounds be judged: not a judgement between the two.
  'lawfulness.grounds': { level: 'nominal', values: ['reasonable', 'not_reasonable'], missing: NOT_A_RATING },
  'gowisely.grounds': given,
  'gowisely.object': given,
  'gowisely.warrantCard': given,
  'gowisely.identity': given,
  'gowisely.station': given,
  'gowisely.entitlementToRecord': given,
  'gowisely.legalPower': given,
  'gowisely.youAreDetained': given,
  'recordQuality.recordCompleted': yesNo,
  'recordQuality.receiptOffered': yesNo,
  'recordQuality.selfDefinedEthnicityAsked': yesNo,
  'recordQuality.outcomeRecorded': yesNo,
  'recordQuality.outcomeLinkRecorded': yesNo,
  'recordQuality.reasonRecorded': yesNo,
  'recordQuality.tacticsRecorded': yesNo,
  'recordQuality.reasonsRecorded': yesNo,
  'recordQuality.impactFactorsRecorded': yesNo,
  'recordQuality.injuriesRecorded': yesNo,
  'vehicleStop.reasonExplained': given,
  'vehicleStop.officerIdentified': given,
  'vehicleStop.nextStepsExplained': given,
  'vehicleStop.searchUnderSeparatePower': yesNo,
  'conduct.communicationAndRespect': conduct,
  'conduct.explanation': conduct,
  'conduct.deEscalation': conduct,
  'conduct.detentionKeptMinimal': conduct,
  'conduct.dignity': conduct,
  'conduct.safeguardingChildren': conduct,
  'useOfForce.necessaryAndProportionate': yesNo,
  'useOfForce.tactics.necessary': { ...yesNo, each: perTactic },
  'useOfForce.tactics.proportionate': { ...yesNo, each: perTactic },
  'useOfForce.routineHandcuffing': yesNo,
  'useOfForce.deEscalationTried': yesNo,
  'useOfForce.medicalAttention': yesNo,
  'useOfForce.aftercare': yesNo,
  'assessment.rag': { level: 'ordinal', values: ['green', 'amber', 'red'], missing: NOT_A_RATING },
  // Outcomes are different courses of action, not degrees of one thing.
  outcome: {
    level: 'nominal',
    values: ['no_action', 'supervisor_debrief', 'organisational_learning', 'referral_to_professional_standards'],
    missing: NOT_A_RATING,
  },
};
