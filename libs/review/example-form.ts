import type { ReviewForm } from './review-form';

/** A complete, valid review form: the shape to follow (API documentation, demo data, tests and benchmarks start from it). */
export const EXAMPLE_REVIEW_FORM: ReviewForm = {
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
