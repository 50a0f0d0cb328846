const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;
const NOT_EMPTY = 'must not be empty';

/**
 * The plain wording of validation messages, shared by the zod error map (plainZodError) and the HTTP validation
 * pipe's class-validator translation, so a field says the same thing whichever checks it. Predicates: the field is
 * named beside them.
 */
export const PLAIN_WORDS = {
  text: 'must be text',
  number: 'must be a number',
  wholeNumber: 'must be a whole number',
  trueOrFalse: 'must be true or false',
  list: 'must be a list',
  object: 'must be an object',
  notEmpty: NOT_EMPTY,
  uuid: 'must be an id (a UUID)',
  date: 'must be a date like 2024-03-31',
  otherFormat: 'is not in the expected format',
  oneOf: (values: string) => `must be one of: ${values}`,
  atMost: (n: number | bigint) => `must be at most ${n}`,
  atLeast: (n: number | bigint) => `must be at least ${n}`,
  atMostCharacters: (n: number | bigint) => `must be at most ${plural(n, 'character')}`,
  atLeastCharacters: (n: number | bigint) => (n === 1 ? NOT_EMPTY : `must be at least ${plural(n, 'character')}`),
  atMostItems: (n: number | bigint) => `must have at most ${plural(n, 'item')}`,
  atLeastItems: (n: number | bigint) => `must have at least ${plural(n, 'item')}`,
};
