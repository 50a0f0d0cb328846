import { DomainError } from '@scrutiny/core';
import { labelOf } from '@scrutiny/records';
import { EXAMPLE_FORMS } from './example-form';
import { FORM_KINDS, formJsonSchema, isFormKind } from './review-form';

/** What `GET /api/v1/review-forms/:kind` answers: a kind's form as JSON Schema (2020-12), with examples. */
export interface ReviewFormDocument {
  kind: string;
  label: string;
  /** Supervisors' reviews and panel members' ratings: `schema` to submit, `draft` to save unfinished. */
  review: { schema: object; draft: object; example: object };
  /** A panel's consensus finding (recorded complete). */
  finding: { schema: object; example: object };
}

export function reviewFormDocument(kind: string): ReviewFormDocument {
  if (!isFormKind(kind))
    throw new DomainError('NOT_FOUND', `There is no review form for "${kind}": the kinds are ${FORM_KINDS.join(', ')}`);
  const example = EXAMPLE_FORMS[kind];
  return {
    kind,
    label: labelOf('record_kind', kind),
    review: {
      schema: formJsonSchema(kind, 'review'),
      draft: formJsonSchema(kind, 'review', 'draft'),
      example,
    },
    finding: { schema: formJsonSchema(kind, 'finding'), example: { ...example, outcome: 'feedback_to_officer' } },
  };
}

const PASCAL: Record<(typeof FORM_KINDS)[number], string> = {
  stop_search: 'StopSearch',
  vehicle_stop: 'VehicleStop',
  use_of_force: 'UseOfForce',
};

/** The OpenAPI component name of a kind's form: StopSearchReviewForm, VehicleStopFindingForm, UseOfForceReviewFormDraft… */
export function formComponentName(kind: (typeof FORM_KINDS)[number], purpose: 'review' | 'finding', draft = false) {
  return `${PASCAL[kind]}${purpose === 'review' ? 'Review' : 'Finding'}Form${draft ? 'Draft' : ''}`;
}

/** Every kind's form as OpenAPI 3.0 schema components, generated from the zod definitions that check them. */
export function formOpenApiComponents(): Record<string, object> {
  const components: Record<string, object> = {};
  for (const kind of FORM_KINDS) {
    components[formComponentName(kind, 'review')] = formJsonSchema(kind, 'review', 'complete', 'openapi-3.0');
    components[formComponentName(kind, 'review', true)] = formJsonSchema(kind, 'review', 'draft', 'openapi-3.0');
    components[formComponentName(kind, 'finding')] = formJsonSchema(kind, 'finding', 'complete', 'openapi-3.0');
  }
  return components;
}

/** `$ref`s for a DTO's `form` property: any kind's form (the record's kind decides which applies). */
export function formRefs(purpose: 'review' | 'finding', drafts: boolean): { $ref: string }[] {
  return FORM_KINDS.flatMap((kind) => [
    { $ref: `#/components/schemas/${formComponentName(kind, purpose)}` },
    ...(drafts ? [{ $ref: `#/components/schemas/${formComponentName(kind, purpose, true)}` }] : []),
  ]);
}
