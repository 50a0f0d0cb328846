import { z } from 'zod';
import { parseFields } from './plain-zod';

const Form = z.strictObject({
  outcome: z.enum(['no_action', 'feedback']),
  note: z.string().max(5).optional(),
  reasons: z.array(z.string().min(1)).min(1),
  score: z.int().min(1).max(3),
  when: z.iso.date(),
  id: z.uuid(),
  themes: z.array(z.string().regex(/^[a-z]+$/, 'must be a theme code')),
  grounds: z.strictObject({ given: z.boolean() }),
  either: z.union([z.string(), z.number()]),
});

function errorsOf(input: unknown, prefix = 'form') {
  const parsed = parseFields(Form, input, prefix);
  if (parsed.success) throw new Error('expected the input to be refused');
  return parsed.errors;
}

describe('parseFields: zod issues in plain words', () => {
  it('says a missing field is required, not "Invalid input"', () => {
    expect(errorsOf({})).toEqual([
      { field: 'form.outcome', message: 'is required (one of: no_action, feedback)' },
      { field: 'form.reasons', message: 'is required' },
      { field: 'form.score', message: 'is required' },
      { field: 'form.when', message: 'is required' },
      { field: 'form.id', message: 'is required' },
      { field: 'form.themes', message: 'is required' },
      { field: 'form.grounds', message: 'is required' },
      { field: 'form.either', message: 'is required' },
    ]);
  });

  it('words each problem from its parameters and keeps the schema’s own messages', () => {
    expect(
      errorsOf({
        outcome: 'maybe',
        note: 'too long',
        reasons: [],
        score: 1.5,
        when: '31/03/2024',
        id: 'x',
        themes: ['Bad'],
        grounds: { given: 'yes', extra: 1 },
        either: true,
        stray: 1,
      }),
    ).toEqual([
      { field: 'form.outcome', message: 'must be one of: no_action, feedback' },
      { field: 'form.note', message: 'must be at most 5 characters' },
      { field: 'form.reasons', message: 'must have at least 1 item' },
      { field: 'form.score', message: 'must be a whole number' },
      { field: 'form.when', message: 'must be a date like 2024-03-31' },
      { field: 'form.id', message: 'must be an id (a UUID)' },
      { field: 'form.themes.0', message: 'must be a theme code' },
      { field: 'form.grounds.given', message: 'must be true or false' },
      { field: 'form.grounds.extra', message: 'is not a field it takes' },
      { field: 'form.either', message: 'is none of the values it takes' },
      { field: 'form.stray', message: 'is not a field it takes' },
    ]);
  });

  it('returns the parsed data when the input is valid', () => {
    const input = {
      outcome: 'feedback',
      reasons: ['r'],
      score: 2,
      when: '2024-03-31',
      id: '0190a5d2-7b1c-7cc1-8e2a-5f0e9c1d2b3a',
      themes: [],
      grounds: { given: true },
      either: 1,
    };
    expect(parseFields(Form, input)).toEqual({ success: true, data: input });
  });
});
