/**
 * The closed answer lists of the review form (domain §4) and the words for its sections and questions. The form
 * itself (per record kind, in libs/review) is built from these lists, and the vocabulary catalogue labels them, so
 * a code the form accepts cannot lack a label.
 */
export const YES_NO_UNKNOWN = ['yes', 'no', 'unknown'] as const;
/** Where the question may not arise (no aftercare needed, no search made). */
export const YES_NO_UNKNOWN_NA = ['yes', 'no', 'unknown', 'not_applicable'] as const;
/** Each element of an explanation: given, partly, not given, cannot tell, or not applicable (warrant card in uniform). */
export const GIVEN = ['given', 'partly', 'not_given', 'cannot_tell', 'not_applicable'] as const;
export const CONDUCT_RATINGS = ['good', 'adequate', 'poor', 'not_applicable'] as const;
export const BWV_AVAILABILITY = ['full', 'partial', 'none'] as const;
export const GROUNDS_JUDGEMENTS = ['reasonable', 'not_reasonable', 'insufficient_information'] as const;
export const RAG_RATINGS = ['green', 'amber', 'red'] as const;

/** What a supervisor's review (and a panel member's rating) can conclude. */
export const REVIEW_OUTCOMES = [
  'no_action',
  'supervisor_debrief',
  'organisational_learning',
  'referral_to_professional_standards',
] as const;

/** What a panel can decide for a case (domain §5, the consensus finding). */
export const FINDING_OUTCOMES = [
  'no_action',
  'feedback_to_officer',
  'organisational_learning',
  'referral_to_professional_standards',
] as const;

export const ANSWER_LABELS = {
  yes: 'Yes',
  no: 'No',
  unknown: 'Unknown',
  not_applicable: 'Not applicable',
  given: 'Given',
  partly: 'Partly given',
  not_given: 'Not given',
  cannot_tell: 'Cannot tell',
  good: 'Good',
  adequate: 'Adequate',
  poor: 'Poor',
  full: 'Available in full',
  partial: 'Available in part',
  none: 'Not available',
  reasonable: 'Reasonable',
  not_reasonable: 'Not reasonable',
  insufficient_information: 'Insufficient information to judge',
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
  no_action: 'No action',
  supervisor_debrief: 'Supervisor debrief',
  feedback_to_officer: 'Feedback to the officer',
  organisational_learning: 'Organisational learning',
  referral_to_professional_standards: 'Referral to professional standards',
} as const satisfies Record<
  | (typeof YES_NO_UNKNOWN_NA)[number]
  | (typeof GIVEN)[number]
  | (typeof CONDUCT_RATINGS)[number]
  | (typeof BWV_AVAILABILITY)[number]
  | (typeof GROUNDS_JUDGEMENTS)[number]
  | (typeof RAG_RATINGS)[number]
  | (typeof REVIEW_OUTCOMES)[number]
  | (typeof FINDING_OUTCOMES)[number],
  string
>;

/** The form's sections, by their key in the form. */
export const FORM_SECTION_LABELS = {
  bwv: 'Body-worn video',
  lawfulness: 'Lawfulness',
  gowisely: 'GOWISELY (PACE s2, Code A 3.8)',
  vehicleStop: 'The stop explained (s163 Road Traffic Act 1988)',
  recordQuality: 'Record quality',
  conduct: 'Conduct',
  useOfForce: 'Use of force',
  assessment: 'Assessment',
  outcome: 'Outcome',
} as const;

/**
 * Every question of every kind's form, by its dotted path in the form (array items by the array's path). The form
 * definitions take their titles from here; a test checks that every field of every form has one and none is unused.
 */
export const FORM_CRITERION_LABELS = {
  'bwv.availability': 'Body-worn video available',
  'bwv.activatedBeforeContact': 'Body-worn video activated before contact',
  'bwv.gaps': 'Gaps in the footage and the reason given',
  'lawfulness.powerApplicable': 'The power (or legal basis) used applies',
  'lawfulness.grounds': 'Grounds for the search, reason for the stop or justification for force',
  'lawfulness.reason': 'Why the grounds were judged so',
  'gowisely.grounds': 'Grounds for the search',
  'gowisely.object': 'Object of the search',
  'gowisely.warrantCard': 'Warrant card shown (if not in uniform)',
  'gowisely.identity': 'Identity of the officer',
  'gowisely.station': 'Station the officer works from',
  'gowisely.entitlementToRecord': 'Entitlement to a copy of the record',
  'gowisely.legalPower': 'Legal power used',
  'gowisely.youAreDetained': 'Told they are detained for the purpose of the search',
  'vehicleStop.reasonExplained': 'Reason for the stop explained to the driver',
  'vehicleStop.officerIdentified': 'Officer gave their name or number',
  'vehicleStop.nextStepsExplained': 'Driver told what happens next and their rights (documents, free to go)',
  'vehicleStop.searchUnderSeparatePower': 'Any search made under a search power and recorded as a stop search',
  'recordQuality.recordCompleted': 'Record completed',
  'recordQuality.receiptOffered': 'Receipt offered',
  'recordQuality.selfDefinedEthnicityAsked': 'Self-defined ethnicity asked',
  'recordQuality.outcomeRecorded': 'Outcome recorded',
  'recordQuality.outcomeLinkRecorded': 'Whether the outcome was linked to the object recorded',
  'recordQuality.reasonRecorded': 'Reason for the stop recorded',
  'recordQuality.tacticsRecorded': 'Every tactic recorded, with whether it was effective',
  'recordQuality.reasonsRecorded': 'Reasons for using force recorded',
  'recordQuality.impactFactorsRecorded': 'Impact factors recorded',
  'recordQuality.injuriesRecorded': 'Injuries to the subject and officers recorded',
  'conduct.communicationAndRespect': 'Communication and respect',
  'conduct.explanation': 'Explanation',
  'conduct.deEscalation': 'De-escalation',
  'conduct.detentionKeptMinimal': 'Detention kept to a minimum',
  'conduct.dignity': 'Dignity (location and extent of any search)',
  'conduct.safeguardingChildren': 'Safeguarding of children (appropriate adult)',
  'useOfForce.necessaryAndProportionate': 'Force necessary and proportionate',
  'useOfForce.tactics': 'Each tactic on the report',
  'useOfForce.tactics.tactic': 'Tactic',
  'useOfForce.tactics.necessary': 'Tactic necessary',
  'useOfForce.tactics.proportionate': 'Tactic proportionate',
  'useOfForce.routineHandcuffing': 'Handcuffs used routinely rather than for a reason particular to the person',
  'useOfForce.deEscalationTried': 'De-escalation tried before force (communication, time, distance)',
  'useOfForce.medicalAttention': 'Injuries checked and medical attention given where needed',
  'useOfForce.aftercare': 'Aftercare (welfare checked, restraints removed when no longer needed)',
  'assessment.rag': 'RAG rating',
  'assessment.goodPractice': 'Good practice',
  'assessment.learningPoints': 'Learning points',
  'assessment.questionsForForce': 'Questions for the force',
  'assessment.themes': 'Themes',
  outcome: 'Outcome',
} as const;
export type FormCriterion = keyof typeof FORM_CRITERION_LABELS;
