import type { CaseKind } from '@scrutiny/auth';
import type { StopSearchReviewForm, UseOfForceReviewForm, VehicleStopReviewForm } from './review-form';

/** A complete, valid stop-search review form: the shape to follow (API documentation, demo data, tests and benchmarks start from it). */
export const EXAMPLE_REVIEW_FORM: StopSearchReviewForm = {
  bwv: { availability: 'full', activatedBeforeContact: 'yes', gaps: null },
  lawfulness: { powerApplicable: 'yes', grounds: 'reasonable', reason: null },
  gowisely: {
    grounds: 'given',
    object: 'given',
    warrantCard: 'not_applicable',
    identity: 'given',
    station: 'given',
    entitlementToRecord: 'given',
    legalPower: 'given',
    youAreDetained: 'given',
  },
  recordQuality: {
    recordCompleted: 'yes',
    receiptOffered: 'yes',
    selfDefinedEthnicityAsked: 'yes',
    outcomeRecorded: 'yes',
    outcomeLinkRecorded: 'yes',
  },
  conduct: {
    communicationAndRespect: 'good',
    explanation: 'good',
    deEscalation: 'not_applicable',
    detentionKeptMinimal: 'good',
    dignity: 'good',
    safeguardingChildren: 'not_applicable',
  },
  useOfForce: null,
  assessment: {
    rag: 'green',
    goodPractice: 'Clear explanation of grounds',
    learningPoints: null,
    questionsForForce: null,
    themes: ['good_practice'],
  },
  outcome: 'no_action',
};

/** A complete, valid vehicle-stop review form. */
export const EXAMPLE_VEHICLE_STOP_FORM: VehicleStopReviewForm = {
  bwv: { availability: 'full', activatedBeforeContact: 'yes', gaps: null },
  lawfulness: { powerApplicable: 'yes', grounds: 'reasonable', reason: null },
  vehicleStop: {
    reasonExplained: 'given',
    officerIdentified: 'given',
    nextStepsExplained: 'partly',
    searchUnderSeparatePower: 'not_applicable',
  },
  recordQuality: {
    recordCompleted: 'yes',
    reasonRecorded: 'yes',
    selfDefinedEthnicityAsked: 'no',
    outcomeRecorded: 'yes',
  },
  conduct: {
    communicationAndRespect: 'good',
    explanation: 'adequate',
    deEscalation: 'not_applicable',
    detentionKeptMinimal: 'good',
    dignity: 'not_applicable',
    safeguardingChildren: 'not_applicable',
  },
  useOfForce: null,
  assessment: {
    rag: 'amber',
    goodPractice: null,
    learningPoints: 'Tell the driver what happens next and ask their self-defined ethnicity',
    questionsForForce: null,
    themes: [],
  },
  outcome: 'supervisor_debrief',
};

/** A complete, valid use-of-force review form, for a report recording tactical communications and compliant handcuffing. */
export const EXAMPLE_USE_OF_FORCE_FORM: UseOfForceReviewForm = {
  bwv: {
    availability: 'partial',
    activatedBeforeContact: 'no',
    gaps: 'Camera switched on after the handcuffs were applied',
  },
  lawfulness: { powerApplicable: 'yes', grounds: 'reasonable', reason: null },
  recordQuality: {
    recordCompleted: 'yes',
    tacticsRecorded: 'yes',
    reasonsRecorded: 'yes',
    impactFactorsRecorded: 'yes',
    injuriesRecorded: 'yes',
  },
  conduct: {
    communicationAndRespect: 'good',
    explanation: 'good',
    deEscalation: 'good',
    detentionKeptMinimal: 'adequate',
    dignity: 'good',
    safeguardingChildren: 'not_applicable',
  },
  useOfForce: {
    tactics: [
      { tactic: 'tactical_communications', necessary: 'yes', proportionate: 'yes' },
      { tactic: 'compliant_handcuffing', necessary: 'yes', proportionate: 'yes' },
    ],
    routineHandcuffing: 'no',
    deEscalationTried: 'yes',
    medicalAttention: 'not_applicable',
    aftercare: 'yes',
  },
  assessment: {
    rag: 'green',
    goodPractice: 'Handcuffs explained and removed as soon as the person was calm',
    learningPoints: null,
    questionsForForce: null,
    themes: [],
  },
  outcome: 'no_action',
};

/** A complete example review form for each record kind (a finding is the same with one of the panel's outcomes). */
export const EXAMPLE_FORMS: Record<CaseKind, StopSearchReviewForm | VehicleStopReviewForm | UseOfForceReviewForm> = {
  stop_search: EXAMPLE_REVIEW_FORM,
  vehicle_stop: EXAMPLE_VEHICLE_STOP_FORM,
  use_of_force: EXAMPLE_USE_OF_FORCE_FORM,
};
