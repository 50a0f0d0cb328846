import { z } from 'zod';
import type { CaseKind } from '@scrutiny/auth';
import type { FieldError } from '@scrutiny/core';
import {
  BWV_AVAILABILITY,
  CONDUCT_RATINGS,
  FINDING_OUTCOMES,
  FORM_CRITERION_LABELS,
  FORM_SECTION_LABELS,
  GIVEN,
  GROUNDS_JUDGEMENTS,
  RAG_RATINGS,
  REVIEW_OUTCOMES,
  UOF_TACTICS,
  YES_NO_UNKNOWN,
  YES_NO_UNKNOWN_NA,
  type FormCriterion,
} from '@scrutiny/records';

export { FINDING_OUTCOMES, REVIEW_OUTCOMES };

/**
 * The review form of domain §4, one per record kind, all built by one definition: the sections every kind shares
 * (body-worn video, lawfulness, conduct, assessment, outcome) and each kind's own (GOWISELY and the stop-search
 * record for a stop search; the stop explained for a vehicle stop; each tactic on the report for a use of force).
 * Supervisors' reviews and panel members' ratings use the review outcomes; consensus findings the panel's.
 *
 * The same definition gives the complete form (what submitting checks), the draft (every answer optional, but each
 * answer given must still be one the form allows) and the JSON Schema published for both, so the published schema
 * and the validation cannot disagree. Every answer is from a closed list (or short free text where the practice
 * asks for words), so reviews can be counted, compared and estimated from.
 */
export const FORM_KINDS = ['stop_search', 'vehicle_stop', 'use_of_force'] as const satisfies readonly CaseKind[];
export function isFormKind(kind: string): kind is CaseKind {
  return (FORM_KINDS as readonly string[]).includes(kind);
}
/** `review`: a supervisor's review and a panel member's rating; `finding`: a panel's consensus finding. */
export type FormPurpose = 'review' | 'finding';
export type FormStage = 'complete' | 'draft';

const THEME_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** The shapes of every kind's form at one stage; a draft makes every question (and section) optional. */
function formShapes<St extends FormStage>(stage: St) {
  type Maybe<S extends z.ZodType> = St extends 'draft' ? z.ZodOptional<S> : S;
  const draft = stage === 'draft';
  /** Titles a schema (and makes it optional in a draft). */
  const wrap = <S extends z.ZodType>(schema: S, meta: { title: string; description?: string }): Maybe<S> => {
    const described = schema.meta(meta.description ? meta : { title: meta.title });
    return (draft ? described.optional() : described) as Maybe<S>;
  };
  /** A question, titled from the vocabulary catalogue. */
  const ask = <S extends z.ZodType>(path: FormCriterion, schema: S, description?: string) =>
    wrap(schema, { title: FORM_CRITERION_LABELS[path], description });
  const section = <Sh extends z.ZodRawShape>(name: keyof typeof FORM_SECTION_LABELS, shape: Sh, description?: string) =>
    wrap(z.strictObject(shape), { title: FORM_SECTION_LABELS[name], description });
  const text = (max: number) => z.string().trim().max(max).nullable().default(null);
  const yesNo = z.enum(YES_NO_UNKNOWN);
  const yesNoNa = z.enum(YES_NO_UNKNOWN_NA);
  const given = z.enum(GIVEN);
  const conduct = z.enum(CONDUCT_RATINGS);

  const bwv = section('bwv', {
    availability: ask('bwv.availability', z.enum(BWV_AVAILABILITY)),
    activatedBeforeContact: ask('bwv.activatedBeforeContact', yesNo),
    gaps: ask('bwv.gaps', text(2000)),
  });
  const lawfulness = section(
    'lawfulness',
    {
      powerApplicable: ask('lawfulness.powerApplicable', yesNo),
      grounds: ask(
        'lawfulness.grounds',
        z.enum(GROUNDS_JUDGEMENTS),
        'Stop search: the grounds (objective, specific, not personal factors, not the smell of cannabis alone). Vehicle stop: the reason for the stop. Use of force: the justification for force',
      ),
      reason: ask(
        'lawfulness.reason',
        text(4000),
        'Required to submit when grounds is not "reasonable" (null or omitted otherwise)',
      ),
    },
    'Stop search: the power and the grounds. Vehicle stop: s163 Road Traffic Act 1988 and the reason for the stop. Use of force: the legal basis and the justification',
  );
  const conductSection = section('conduct', {
    communicationAndRespect: ask('conduct.communicationAndRespect', conduct),
    explanation: ask('conduct.explanation', conduct),
    deEscalation: ask('conduct.deEscalation', conduct),
    detentionKeptMinimal: ask('conduct.detentionKeptMinimal', conduct),
    dignity: ask('conduct.dignity', conduct),
    safeguardingChildren: ask('conduct.safeguardingChildren', conduct),
  });
  const themeList = z
    .array(z.string().regex(THEME_CODE, 'must be a theme code'))
    .max(30)
    .refine((codes) => new Set(codes).size === codes.length, 'lists a theme twice')
    .meta({ uniqueItems: true })
    .default([]);
  const assessment = section('assessment', {
    rag: ask('assessment.rag', z.enum(RAG_RATINGS)),
    goodPractice: ask('assessment.goodPractice', text(4000)),
    learningPoints: ask('assessment.learningPoints', text(4000), 'Required to submit a red rating'),
    questionsForForce: ask('assessment.questionsForForce', text(4000)),
    // Codes from the theme vocabulary (a database table admins manage); services check them against it.
    themes: ask('assessment.themes', themeList, 'Codes from GET /api/v1/themes, each once'),
  });
  /** The short use-of-force questions asked of a stop search or vehicle stop in which force was used. */
  const forceUsedDuring = wrap(
    z
      .strictObject({
        necessaryAndProportionate: ask('useOfForce.necessaryAndProportionate', yesNo),
        routineHandcuffing: ask('useOfForce.routineHandcuffing', yesNo),
        aftercare: ask('useOfForce.aftercare', yesNoNa),
      })
      .nullable()
      .default(null),
    {
      title: FORM_SECTION_LABELS.useOfForce,
      description: 'Only when force was used (null otherwise); the force itself is reviewed on its use-of-force report',
    },
  );

  const common = { bwv, lawfulness };
  return {
    stop_search: {
      ...common,
      /** PACE s2 / Code A 3.8: each element given, partly, not given, cannot tell (or not applicable: warrant card in uniform). */
      gowisely: section('gowisely', {
        grounds: ask('gowisely.grounds', given),
        object: ask('gowisely.object', given),
        warrantCard: ask('gowisely.warrantCard', given),
        identity: ask('gowisely.identity', given),
        station: ask('gowisely.station', given),
        entitlementToRecord: ask('gowisely.entitlementToRecord', given),
        legalPower: ask('gowisely.legalPower', given),
        youAreDetained: ask('gowisely.youAreDetained', given),
      }),
      recordQuality: section('recordQuality', {
        recordCompleted: ask('recordQuality.recordCompleted', yesNo),
        receiptOffered: ask('recordQuality.receiptOffered', yesNo),
        selfDefinedEthnicityAsked: ask('recordQuality.selfDefinedEthnicityAsked', yesNo),
        outcomeRecorded: ask('recordQuality.outcomeRecorded', yesNo),
        outcomeLinkRecorded: ask('recordQuality.outcomeLinkRecorded', yesNo),
      }),
      conduct: conductSection,
      useOfForce: forceUsedDuring,
      assessment,
    },
    vehicle_stop: {
      ...common,
      // s163 needs no grounds and gives no power to search, so GOWISELY does not apply; what the driver is told does.
      vehicleStop: section(
        'vehicleStop',
        {
          reasonExplained: ask('vehicleStop.reasonExplained', given),
          officerIdentified: ask('vehicleStop.officerIdentified', given),
          nextStepsExplained: ask('vehicleStop.nextStepsExplained', given),
          searchUnderSeparatePower: ask(
            'vehicleStop.searchUnderSeparatePower',
            yesNoNa,
            'not_applicable when nothing or no one was searched',
          ),
        },
        'What the driver was told at a stop under s163 Road Traffic Act 1988',
      ),
      recordQuality: section('recordQuality', {
        recordCompleted: ask('recordQuality.recordCompleted', yesNo),
        reasonRecorded: ask('recordQuality.reasonRecorded', yesNo),
        selfDefinedEthnicityAsked: ask('recordQuality.selfDefinedEthnicityAsked', yesNo),
        outcomeRecorded: ask('recordQuality.outcomeRecorded', yesNo),
      }),
      conduct: conductSection,
      useOfForce: forceUsedDuring,
      assessment,
    },
    use_of_force: {
      ...common,
      recordQuality: section('recordQuality', {
        recordCompleted: ask('recordQuality.recordCompleted', yesNo),
        tacticsRecorded: ask('recordQuality.tacticsRecorded', yesNo),
        reasonsRecorded: ask('recordQuality.reasonsRecorded', yesNo),
        impactFactorsRecorded: ask('recordQuality.impactFactorsRecorded', yesNo),
        injuriesRecorded: ask('recordQuality.injuriesRecorded', yesNo),
      }),
      conduct: conductSection,
      useOfForce: section(
        'useOfForce',
        {
          tactics: ask(
            'useOfForce.tactics',
            z
              .array(
                z.strictObject({
                  tactic: ask('useOfForce.tactics.tactic', z.enum(UOF_TACTICS)),
                  necessary: ask('useOfForce.tactics.necessary', yesNo),
                  proportionate: ask('useOfForce.tactics.proportionate', yesNo),
                }),
              )
              .min(draft ? 0 : 1)
              .max(UOF_TACTICS.length)
              .refine(
                (uses) => new Set(uses.map((u) => (u as { tactic?: string }).tactic)).size === uses.length,
                'lists a tactic twice',
              )
              .meta({ uniqueItems: true }),
            'One entry per tactic recorded on the report, each judged necessary and proportionate',
          ),
          routineHandcuffing: ask('useOfForce.routineHandcuffing', yesNo),
          deEscalationTried: ask('useOfForce.deEscalationTried', yesNoNa),
          medicalAttention: ask('useOfForce.medicalAttention', yesNoNa, 'not_applicable when no one was hurt'),
          aftercare: ask('useOfForce.aftercare', yesNoNa),
        },
        'Each tactic necessary and proportionate, handcuffing, de-escalation, injuries and aftercare',
      ),
      assessment,
    },
  };
}

/** The checks across answers, made only on submission (a draft may still lack the reason or the learning points). */
function requireReasons(answers: unknown, ctx: z.RefinementCtx): void {
  const form = answers as {
    lawfulness: { grounds: string; reason: string | null };
    assessment: { rag: string; learningPoints: string | null };
  };
  if (form.lawfulness.grounds !== 'reasonable' && !form.lawfulness.reason)
    ctx.addIssue({
      code: 'custom',
      path: ['lawfulness', 'reason'],
      message: 'is required when the grounds are not judged reasonable',
    });
  if (form.assessment.rag === 'red' && !form.assessment.learningPoints)
    ctx.addIssue({ code: 'custom', path: ['assessment', 'learningPoints'], message: 'is required with a red rating' });
}

const OUTCOMES = { review: REVIEW_OUTCOMES, finding: FINDING_OUTCOMES } as const;

function completeSchema<K extends (typeof FORM_KINDS)[number], P extends FormPurpose>(kind: K, purpose: P) {
  const outcome = z.enum(OUTCOMES[purpose] as (typeof OUTCOMES)[P]).meta({ title: FORM_CRITERION_LABELS.outcome });
  return z.strictObject({ ...formShapes('complete')[kind], outcome }).superRefine(requireReasons);
}

function draftSchema(kind: (typeof FORM_KINDS)[number], purpose: FormPurpose) {
  const outcome = z.enum(OUTCOMES[purpose]).meta({ title: FORM_CRITERION_LABELS.outcome }).optional();
  return z.strictObject({ ...formShapes('draft')[kind], outcome });
}

export type StopSearchReviewForm = z.infer<ReturnType<typeof completeSchema<'stop_search', 'review'>>>;
export type VehicleStopReviewForm = z.infer<ReturnType<typeof completeSchema<'vehicle_stop', 'review'>>>;
export type UseOfForceReviewForm = z.infer<ReturnType<typeof completeSchema<'use_of_force', 'review'>>>;
/** A complete supervisor's review or panel member's rating, of a record of any kind. */
export type ReviewForm = StopSearchReviewForm | VehicleStopReviewForm | UseOfForceReviewForm;
/** A complete consensus finding: a review form with the panel's outcomes. */
export type FindingForm =
  | z.infer<ReturnType<typeof completeSchema<'stop_search', 'finding'>>>
  | z.infer<ReturnType<typeof completeSchema<'vehicle_stop', 'finding'>>>
  | z.infer<ReturnType<typeof completeSchema<'use_of_force', 'finding'>>>;
/** A saved draft: any answers given so far (each one the form allows). */
export type DraftForm = z.infer<ReturnType<typeof draftSchema>>;

const cache = new Map<string, z.ZodType>();
/** The zod schema that checks a kind's form (built once). */
export function formSchema(kind: CaseKind, purpose: FormPurpose, stage: FormStage = 'complete'): z.ZodType {
  const key = `${kind}/${purpose}/${stage}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = stage === 'complete' ? completeSchema(kind, purpose) : draftSchema(kind, purpose);
    cache.set(key, schema);
  }
  return schema;
}

const KIND_NOUN: Record<CaseKind, string> = {
  stop_search: 'stop search',
  vehicle_stop: 'vehicle stop',
  use_of_force: 'use of force',
};

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[] } & Record<
  string,
  unknown
>;

const jsonCache = new Map<string, JsonSchema>();

/**
 * The JSON Schema of a kind's form, generated from the zod definition that checks it: what a client sends (defaults
 * applied by the server are not required). `openapi-3.0` for the OpenAPI document, JSON Schema 2020-12 otherwise.
 */
export function formJsonSchema(
  kind: CaseKind,
  purpose: FormPurpose,
  stage: FormStage = 'complete',
  target: 'draft-2020-12' | 'openapi-3.0' = 'draft-2020-12',
): JsonSchema {
  const key = `${kind}/${purpose}/${stage}/${target}`;
  const cached = jsonCache.get(key);
  if (cached) return cached;
  const schema = z.toJSONSchema(formSchema(kind, purpose, stage), { io: 'input', target }) as JsonSchema;
  const noun = KIND_NOUN[kind];
  const who = purpose === 'review' ? 'supervisor’s review or panel member’s rating' : 'panel’s consensus finding';
  const published: JsonSchema = {
    ...schema,
    title: `Review form: ${noun} (${purpose === 'review' ? 'review or rating' : 'finding'}${stage === 'draft' ? ', draft' : ''})`,
    description:
      stage === 'draft'
        ? `A saved draft of a ${who} of a ${noun}: any question may be left out, but every answer given must be one the form allows.`
        : `A ${who} of a ${noun}, complete (what submitting requires). Cross-answer rules: lawfulness.reason when grounds is not "reasonable"; assessment.learningPoints with a red rating.`,
  };
  jsonCache.set(key, published);
  return published;
}

/** The required questions under `path` that `input` leaves out, leaf by leaf (a missing section names its questions). */
function missingLeaves(schema: JsonSchema, input: unknown, path: string[]): string[][] {
  if (schema.type !== 'object' || !schema.properties) return input === undefined ? [path] : [];
  if (input === undefined)
    return (schema.required ?? []).flatMap((k) => missingLeaves(schema.properties![k], undefined, [...path, k]));
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [];
  return (schema.required ?? []).flatMap((k) =>
    missingLeaves(schema.properties![k], (input as Record<string, unknown>)[k], [...path, k]),
  );
}

/** One zod issue in plain words, as field errors named by their dotted path under `prefix`. */
function plainErrors(issue: z.core.$ZodIssue & { input?: unknown }, prefix: string, kind: CaseKind): FieldError[] {
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const error = (message: string, at = field) => ({ field: at, message: `${at} ${message}` });
  if (issue.code !== 'custom' && issue.input === undefined) return [error('is required')];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => error(`is not a question of the ${KIND_NOUN[kind]} form`, `${field}.${key}`));
    case 'invalid_value':
      return [error(`must be one of: ${issue.values.map(String).join(', ')}`)];
    case 'invalid_type':
      if (issue.expected === 'object') return [error('must be an object (a section of answers)')];
      if (issue.expected === 'array') return [error('must be a list')];
      if (issue.expected === 'string') return [error('must be text')];
      return [error(`must be ${issue.expected}`)];
    case 'too_big':
      return [
        error(
          issue.origin === 'array' ? `lists more than ${issue.maximum}` : `must be at most ${issue.maximum} characters`,
        ),
      ];
    case 'too_small':
      return [error(issue.origin === 'array' ? `must list at least ${issue.minimum}` : `is too short`)];
    default:
      return [error(issue.message)];
  }
}

/**
 * A kind's form checked for submission (`complete`) or for saving as a draft: the parsed form, or every problem as
 * a field error named by its dotted path under `prefix` ("form.lawfulness.grounds is required").
 */
export function parseForm(
  kind: string,
  purpose: FormPurpose,
  input: unknown,
  { stage = 'complete', prefix = 'form' }: { stage?: FormStage; prefix?: string } = {},
): { form: Record<string, unknown> } | { errors: FieldError[] } {
  if (!isFormKind(kind)) throw new Error(`No review form for records of kind ${kind}`);
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { errors: [{ field: prefix, message: `${prefix} must be an object (the review form)` }] };
  // The answers given first, so a submission with gaps reports both wrong answers and missing ones.
  const shape = formSchema(kind, purpose, 'draft').safeParse(input, { reportInput: true });
  const errors = shape.success ? [] : shape.error.issues.flatMap((i) => plainErrors(i, prefix, kind));
  if (stage === 'complete') {
    const missing = missingLeaves(formJsonSchema(kind, purpose), input, []);
    errors.push(
      ...missing.map((path) => {
        const field = [prefix, ...path].join('.');
        return { field, message: `${field} is required` };
      }),
    );
    if (!errors.length) {
      const complete = formSchema(kind, purpose, 'complete').safeParse(input, { reportInput: true });
      if (!complete.success) errors.push(...complete.error.issues.flatMap((i) => plainErrors(i, prefix, kind)));
      else return { form: complete.data as Record<string, unknown> };
    }
  }
  if (errors.length) return { errors };
  return { form: shape.data as Record<string, unknown> };
}
