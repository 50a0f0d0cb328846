import { FORM_KINDS, formJsonSchema } from '@scrutiny/review';
import { CRITERION_SCALES } from './criteria-scales';

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}

/** Every closed-answer question of a form: dotted path (list entries' fields under the list's path) → its answers. */
function closedQuestions(schema: Schema, path: string[] = [], out = new Map<string, Set<string>>()) {
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) closedQuestions(branch, path, out);
  if (schema.enum) {
    const answers = out.get(path.join('.')) ?? new Set<string>();
    for (const v of schema.enum) if (typeof v === 'string') answers.add(v);
    out.set(path.join('.'), answers);
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) closedQuestions(child, [...path, key], out);
  if (schema.items) closedQuestions(schema.items, path, out);
  return out;
}

describe('the criteria table beside the review forms', () => {
  const questions = new Map<string, Set<string>>();
  for (const kind of FORM_KINDS) {
    for (const [path, answers] of closedQuestions(formJsonSchema(kind, 'review') as Schema)) {
      const all = questions.get(path) ?? new Set<string>();
      answers.forEach((a) => all.add(a));
      questions.set(path, all);
    }
  }
  // The tactic names which entry of the list is rated; it is not itself a rating.
  const entryKeys = new Set(
    Object.values(CRITERION_SCALES).flatMap((s) => (s.each ? [`${s.each.list}.${s.each.key}`] : [])),
  );

  it('gives every closed-answer question of every kind’s form a scale', () => {
    expect(questions.has('gowisely.grounds') && questions.has('useOfForce.tactics.proportionate')).toBe(true);
    const unscaled = [...questions.keys()].filter((q) => !entryKeys.has(q) && !CRITERION_SCALES[q]);
    expect(unscaled).toEqual([]);
  });

  it('names only questions the forms ask, and places every answer on the scale or among the missing', () => {
    for (const [criterion, scale] of Object.entries(CRITERION_SCALES)) {
      const answers = questions.get(criterion);
      expect({ criterion, asked: answers !== undefined }).toEqual({ criterion, asked: true });
      const unplaced = [...answers!].filter((a) => !scale.values.includes(a) && !scale.missing.includes(a));
      expect({ criterion, unplaced }).toEqual({ criterion, unplaced: [] });
    }
  });
});
