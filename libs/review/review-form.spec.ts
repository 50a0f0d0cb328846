import { FORM_CRITERION_LABELS, VOCABULARIES } from '@scrutiny/records';
import {
  EXAMPLE_FORMS,
  EXAMPLE_REVIEW_FORM,
  EXAMPLE_USE_OF_FORCE_FORM,
  EXAMPLE_VEHICLE_STOP_FORM,
} from './example-form';
import { FORM_KINDS, formJsonSchema, parseForm, type FormPurpose } from './review-form';

type Schema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  anyOf?: Schema[];
  items?: Schema;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  uniqueItems?: boolean;
};

/** A small JSON Schema check: the keywords the published form schemas use, and nothing else. */
function jsonSchemaErrors(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.anyOf) {
    const fits = schema.anyOf.some((s) => jsonSchemaErrors(s, value, at).length === 0);
    return fits ? [] : [`${at} matches no alternative`];
  }
  const known = ['type', 'enum', 'properties', 'required', 'additionalProperties', 'anyOf', 'items', 'maxLength'];
  const unknown = Object.keys(schema).filter(
    (k) =>
      ![
        ...known,
        'minItems',
        'maxItems',
        'pattern',
        'uniqueItems',
        'title',
        'description',
        'default',
        '$schema',
      ].includes(k),
  );
  if (unknown.length) return [`${at}: the check does not know ${unknown.join(', ')}`];
  const errors: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (schema.type && typeOf(value) !== schema.type) return [`${at} is ${typeOf(value)}, not ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at} is not in the enum`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at} too long`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at} does not match the pattern`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at} too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at} too many items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      errors.push(`${at} repeats an item`);
    value.forEach((v, i) => schema.items && errors.push(...jsonSchemaErrors(schema.items, v, `${at}[${i}]`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${at}.${key} is required`);
    for (const [key, v] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...jsonSchemaErrors(property, v, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${key} is not allowed`);
    }
  }
  return errors;
}

/** Every answer of a schema: its dotted path, whether the object holding it requires it, and its enum. */
function leaves(
  schema: Schema,
  path: string[] = [],
  required = true,
): { path: string[]; required: boolean; enum?: unknown[] }[] {
  const object = schema.anyOf?.find((s) => s.type === 'object') ?? schema;
  if (object.type === 'object' && object.properties)
    return Object.entries(object.properties).flatMap(([k, s]) =>
      leaves(s, [...path, k], (object.required ?? []).includes(k)),
    );
  // An array of answers (the tactics): the array itself, and the answers of its first item.
  if (object.type === 'array' && object.items?.type === 'object')
    return [{ path, required }, ...leaves(object.items, [...path, '0'], true)];
  return [{ path, required, enum: object.enum ?? object.anyOf?.find((s) => s.enum)?.enum }];
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** A copy of `form` with the answer at `path` changed (removed when undefined), or null when no section holds it. */
function withAt(form: unknown, path: string[], value: unknown): Record<string, unknown> | null {
  const copy = clone(form) as Record<string, unknown>;
  let node: unknown = copy;
  for (const key of path.slice(0, -1))
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : null;
  if (!node || typeof node !== 'object') return null;
  if (value === undefined) delete (node as Record<string, unknown>)[path[path.length - 1]];
  else (node as Record<string, unknown>)[path[path.length - 1]] = value;
  return copy;
}
const exampleFor = (kind: (typeof FORM_KINDS)[number], purpose: FormPurpose) =>
  purpose === 'review' ? EXAMPLE_FORMS[kind] : { ...EXAMPLE_FORMS[kind], outcome: 'feedback_to_officer' };

describe('review forms, one per record kind', () => {
  const cases = FORM_KINDS.flatMap((kind) =>
    (['review', 'finding'] as const).map((purpose) => [kind, purpose] as const),
  );

  it.each(cases)('the %s %s example is complete, and valid against the published JSON Schema', (kind, purpose) => {
    const example = exampleFor(kind, purpose);
    expect(parseForm(kind, purpose, example)).toEqual({ form: example });
    expect(jsonSchemaErrors(formJsonSchema(kind, purpose), example)).toEqual([]);
    expect(jsonSchemaErrors(formJsonSchema(kind, purpose, 'draft'), example)).toEqual([]);
    expect(jsonSchemaErrors(formJsonSchema(kind, purpose, 'draft'), {})).toEqual([]);
  });

  it.each(cases)('the %s %s JSON Schema requires what the form requires and lists what it accepts', (kind, purpose) => {
    // One tactic, so trying each tactic code never repeats one: "each tactic once" is a rule the schema states in words.
    const full = exampleFor(kind, purpose);
    const example =
      'tactics' in (full.useOfForce ?? {})
        ? withAt(full, ['useOfForce', 'tactics'], [EXAMPLE_USE_OF_FORCE_FORM.useOfForce.tactics[0]])!
        : full;
    const schema = formJsonSchema(kind, purpose) as Schema;
    for (const leaf of leaves(schema)) {
      const without = withAt(example, leaf.path, undefined);
      // A question of a section the example leaves out (force used during a stop search) is checked by the draft below.
      if (!without) continue;
      const parsed = parseForm(kind, purpose, without);
      const field = ['form', ...leaf.path].join('.');
      // Leaving out a question the schema requires fails both, naming it; one it does not require passes both.
      expect([field, 'errors' in parsed]).toEqual([field, leaf.required]);
      expect([field, jsonSchemaErrors(schema, without).length > 0]).toEqual([field, leaf.required]);
      if (leaf.required && 'errors' in parsed)
        expect(parsed.errors).toContainEqual({ field, message: `${field} is required` });
      for (const value of leaf.enum ?? []) {
        const answered = withAt(example, leaf.path, value);
        const ok = parseForm(kind, purpose, answered, { stage: 'draft' });
        expect([field, value, 'form' in ok]).toEqual([field, value, true]);
        expect([field, value, jsonSchemaErrors(schema, answered)]).toEqual([field, value, []]);
      }
      if (leaf.enum) {
        const wrong = withAt(example, leaf.path, 'not_a_listed_answer');
        expect([field, 'errors' in parseForm(kind, purpose, wrong, { stage: 'draft' })]).toEqual([field, true]);
        expect([field, jsonSchemaErrors(schema, wrong).length > 0]).toEqual([field, true]);
      }
    }
  });

  it('titles every question from the vocabulary catalogue, and labels every answer', () => {
    const used = new Set<string>();
    const answerLabels = Object.entries(VOCABULARIES)
      .filter(([name]) => name.startsWith('form_') || name.endsWith('_outcome') || name === 'uof_tactic')
      .flatMap(([, v]) => Object.keys(v.codes));
    for (const kind of FORM_KINDS) {
      for (const purpose of ['review', 'finding'] as const) {
        for (const leaf of leaves(formJsonSchema(kind, purpose) as Schema)) {
          const path = leaf.path.filter((k) => !/^\d+$/.test(k)).join('.');
          used.add(path);
          expect([path, path in FORM_CRITERION_LABELS]).toEqual([path, true]);
          for (const code of leaf.enum ?? [])
            expect([path, code, answerLabels.includes(String(code))]).toEqual([path, code, true]);
        }
      }
    }
    expect(Object.keys(FORM_CRITERION_LABELS).filter((path) => !used.has(path))).toEqual([]);
  });

  it('rates a vehicle stop without GOWISELY or the outcome link, and names the stop-search questions it does not ask', () => {
    expect(parseForm('vehicle_stop', 'review', EXAMPLE_VEHICLE_STOP_FORM)).toEqual({ form: EXAMPLE_VEHICLE_STOP_FORM });
    const asStopSearch = parseForm('vehicle_stop', 'review', {
      ...EXAMPLE_VEHICLE_STOP_FORM,
      gowisely: EXAMPLE_REVIEW_FORM.gowisely,
      recordQuality: { ...EXAMPLE_VEHICLE_STOP_FORM.recordQuality, outcomeLinkRecorded: 'yes' },
    });
    expect(asStopSearch).toEqual({
      errors: expect.arrayContaining([
        { field: 'form.gowisely', message: 'form.gowisely is not a question of the vehicle stop form' },
        {
          field: 'form.recordQuality.outcomeLinkRecorded',
          message: 'form.recordQuality.outcomeLinkRecorded is not a question of the vehicle stop form',
        },
      ]),
    });
    // The stop-search form is what it was: forms stored before still read, and the stop explained is not part of it.
    expect(parseForm('stop_search', 'review', EXAMPLE_REVIEW_FORM)).toEqual({ form: EXAMPLE_REVIEW_FORM });
    expect(parseForm('stop_search', 'review', { ...EXAMPLE_REVIEW_FORM, vehicleStop: {} })).toHaveProperty('errors');
  });

  it('asks of a use of force each tactic, handcuffing, de-escalation, injuries and aftercare', () => {
    const tactics = EXAMPLE_USE_OF_FORCE_FORM.useOfForce.tactics;
    expect(parseForm('use_of_force', 'review', EXAMPLE_USE_OF_FORCE_FORM)).toHaveProperty('form');
    const twice = parseForm('use_of_force', 'review', {
      ...EXAMPLE_USE_OF_FORCE_FORM,
      useOfForce: { ...EXAMPLE_USE_OF_FORCE_FORM.useOfForce, tactics: [tactics[0], tactics[0]] },
    });
    expect(twice).toEqual({
      errors: [{ field: 'form.useOfForce.tactics', message: 'form.useOfForce.tactics lists a tactic twice' }],
    });
    const none = parseForm('use_of_force', 'review', withAt(EXAMPLE_USE_OF_FORCE_FORM, ['useOfForce'], undefined)!);
    expect(none).toEqual({
      errors: ['tactics', 'routineHandcuffing', 'deEscalationTried', 'medicalAttention', 'aftercare'].map((k) => ({
        field: `form.useOfForce.${k}`,
        message: `form.useOfForce.${k} is required`,
      })),
    });
  });

  it('saves a draft with questions left out, but not with an answer the form does not allow', () => {
    const draft = { bwv: { availability: 'partial' }, lawfulness: { grounds: 'not_reasonable' } };
    expect(parseForm('stop_search', 'review', draft, { stage: 'draft' })).toEqual({
      form: {
        bwv: { availability: 'partial', gaps: null },
        lawfulness: { grounds: 'not_reasonable', reason: null },
        useOfForce: null,
      },
    });
    expect(
      parseForm('vehicle_stop', 'review', { vehicleStop: { reasonExplained: 'yes' } }, { stage: 'draft' }),
    ).toEqual({
      errors: [
        {
          field: 'form.vehicleStop.reasonExplained',
          message:
            'form.vehicleStop.reasonExplained must be one of: given, partly, not_given, cannot_tell, not_applicable',
        },
      ],
    });
    const submitted = parseForm('stop_search', 'review', draft);
    expect('errors' in submitted && submitted.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'form.bwv.activatedBeforeContact is required',
        'form.lawfulness.powerApplicable is required',
        'form.gowisely.grounds is required',
        'form.gowisely.youAreDetained is required',
        'form.outcome is required',
      ]),
    );
    expect(parseForm('stop_search', 'review', 'not a form', { stage: 'draft' })).toEqual({
      errors: [{ field: 'form', message: 'form must be an object (the review form)' }],
    });
  });

  it('asks for the reason and the learning points only on submission', () => {
    const noReason = withAt(EXAMPLE_REVIEW_FORM, ['lawfulness', 'grounds'], 'not_reasonable')!;
    expect(parseForm('stop_search', 'review', noReason, { stage: 'draft' })).toHaveProperty('form');
    expect(parseForm('stop_search', 'review', noReason)).toEqual({
      errors: [
        {
          field: 'form.lawfulness.reason',
          message: 'form.lawfulness.reason is required when the grounds are not judged reasonable',
        },
      ],
    });
  });
});
