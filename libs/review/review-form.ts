import { z } from 'zod';
import type { FieldError } from '@scrutiny/core';

/**
 * The review form of domain §4, shared by the supervisor's review of a sampled record and a panel member's rating
 * of a case. Every answer is from a closed list (or short free text where the practice asks for words), so reviews
 * can be counted, compared and estimated from.
 */
const yesNoUnknown = z.enum(['yes', 'no', 'unknown']);
const given = z.enum(['given', 'partly', 'not_given', 'cannot_tell', 'not_applicable']);
const conductRating = z.enum(['good', 'adequate', 'poor', 'not_applicable']);
const text = (max: number) => z.string().trim().max(max).nullable().default(null);

const REVIEW_OUTCOMES = [
  'no_action',
  'supervisor_debrief',
  'organisational_learning',
  'referral_to_professional_standards',
] as const;
const GROUNDS_JUDGEMENTS = ['reasonable', 'not_reasonable', 'insufficient_information'] as const;
const RAG_RATINGS = ['green', 'amber', 'red'] as const;

/** The form's fields, without the outcome (a review and a panel finding choose from different outcomes). */
const FORM_FIELDS = {
  bwv: z.strictObject({
    availability: z.enum(['full', 'partial', 'none']),
    activatedBeforeContact: yesNoUnknown,
    gaps: text(2000),
  }),
  lawfulness: z.strictObject({
    powerApplicable: yesNoUnknown,
    grounds: z.enum(GROUNDS_JUDGEMENTS),
    reason: text(4000),
  }),
  /** PACE s2 / Code A 3.8: each element given, partly, not given, cannot tell (or not applicable: warrant card in uniform). */
  gowisely: z.strictObject({
    grounds: given,
    object: given,
    warrantCard: given,
    identity: given,
    station: given,
    entitlementToRecord: given,
    legalPower: given,
    youAreDetained: given,
  }),
  recordQuality: z.strictObject({
    recordCompleted: yesNoUnknown,
    receiptOffered: yesNoUnknown,
    selfDefinedEthnicityAsked: yesNoUnknown,
    outcomeRecorded: yesNoUnknown,
    outcomeLinkRecorded: yesNoUnknown,
  }),
  conduct: z.strictObject({
    communicationAndRespect: conductRating,
    explanation: conductRating,
    deEscalation: conductRating,
    detentionKeptMinimal: conductRating,
    dignity: conductRating,
    safeguardingChildren: conductRating,
  }),
  /** Only when force was used. */
  useOfForce: z
    .strictObject({
      necessaryAndProportionate: yesNoUnknown,
      routineHandcuffing: yesNoUnknown,
      aftercare: z.enum(['yes', 'no', 'unknown', 'not_applicable']),
    })
    .nullable()
    .default(null),
  assessment: z.strictObject({
    rag: z.enum(RAG_RATINGS),
    goodPractice: text(4000),
    learningPoints: text(4000),
    questionsForForce: text(4000),
    // Codes from the theme vocabulary (a database table admins manage); services check them against it.
    themes: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a theme code'))
      .max(30)
      .default([]),
  }),
};

type FormFields = z.infer<z.ZodObject<typeof FORM_FIELDS>>;

function refine(form: FormFields, ctx: z.RefinementCtx): void {
  // A judgement against the grounds must say why; so must a red rating.
  if (form.lawfulness.grounds !== 'reasonable' && !form.lawfulness.reason) {
    ctx.addIssue({
      code: 'custom',
      path: ['lawfulness', 'reason'],
      message: 'give the reason when the grounds are not judged reasonable',
    });
  }
  if (form.assessment.rag === 'red' && !form.assessment.learningPoints) {
    ctx.addIssue({
      code: 'custom',
      path: ['assessment', 'learningPoints'],
      message: 'a red rating needs learning points',
    });
  }
  if (new Set(form.assessment.themes).size !== form.assessment.themes.length) {
    ctx.addIssue({ code: 'custom', path: ['assessment', 'themes'], message: 'lists a theme twice' });
  }
}

/** A supervisor's review, and a panel member's rating. */
const ReviewFormSchema = z.strictObject({ ...FORM_FIELDS, outcome: z.enum(REVIEW_OUTCOMES) }).superRefine(refine);
export type ReviewForm = z.infer<typeof ReviewFormSchema>;

/** What a panel can decide for a case (domain §5, the consensus finding). */
export const FINDING_OUTCOMES = [
  'no_action',
  'feedback_to_officer',
  'organisational_learning',
  'referral_to_professional_standards',
] as const;

/** A panel's consensus finding: the same form, with the panel's outcomes. */
const FindingFormSchema = z.strictObject({ ...FORM_FIELDS, outcome: z.enum(FINDING_OUTCOMES) }).superRefine(refine);
export type FindingForm = z.infer<typeof FindingFormSchema>;

/** A form checked in full: the parsed form, or one error per failing field named by its dotted path under `prefix`. */
function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = 'form',
): { form: z.infer<S> } | { errors: FieldError[] } {
  const result = schema.safeParse(input);
  if (result.success) return { form: result.data };
  return {
    errors: result.error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      message: issue.message,
    })),
  };
}

export function parseReviewForm(input: unknown, prefix = 'form'): { form: ReviewForm } | { errors: FieldError[] } {
  return parseForm(ReviewFormSchema, input, prefix);
}

export function parseFindingForm(input: unknown, prefix = 'form'): { form: FindingForm } | { errors: FieldError[] } {
  return parseForm(FindingFormSchema, input, prefix);
}
