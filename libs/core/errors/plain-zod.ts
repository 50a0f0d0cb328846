import type { z } from 'zod';
import type { FieldError } from './error-codes';

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;
const quote = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  bigint: 'must be a whole number',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be an object',
  date: 'must be a date like 2024-03-31',
  record: 'must be an object',
  tuple: 'must be a list',
};

const FORMAT_WORDS: Record<string, string> = {
  date: 'must be a date like 2024-03-31',
  datetime: 'must be a date and time like 2024-03-31T09:30:00Z',
  time: 'must be a time like 09:30',
  uuid: 'must be an id (a UUID)',
  guid: 'must be an id (a UUID)',
  email: 'must be an email address',
  url: 'must be a URL',
};

function tooBig(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const n = issue.maximum as number;
  if (issue.origin === 'string') return `must be at most ${plural(n, 'character')}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${plural(n, 'item')}`;
  return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
}

function tooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const n = issue.minimum as number;
  if (issue.origin === 'string') return n === 1 ? 'must not be empty' : `must be at least ${plural(n, 'character')}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${plural(n, 'item')}`;
  return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
}

/**
 * Zod's default messages in plain words, as a per-parse error map: `schema.safeParse(input, { error: plainZodError })`.
 * A message given in the schema (`.regex(re, 'must be a theme code')`, `ctx.addIssue({ message })`) still wins.
 * Messages are predicates ("is required", "must be one of: a, b"): the field is named beside them.
 */
export function plainZodError(issue: z.core.$ZodRawIssue): string {
  // Zod leaves the input of an absent field undefined; `null` for a field that takes no null means the same here.
  const missing = issue.input === undefined || issue.input === null;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'is required';
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return 'must be a number';
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
    case 'invalid_value':
      if (missing && issue.values.length > 1) return `is required (one of: ${issue.values.map(quote).join(', ')})`;
      return issue.values.length === 1
        ? `must be ${quote(issue.values[0])}`
        : `must be one of: ${issue.values.map(quote).join(', ')}`;
    case 'too_big':
      return tooBig(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'invalid_format':
      return FORMAT_WORDS[issue.format] ?? 'is not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `has fields it does not take: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return missing ? 'is required' : 'is none of the values it takes';
    case 'invalid_key':
      return 'has a key it does not take';
    case 'invalid_element':
      return 'has an item it does not take';
    default:
      return missing ? 'is required' : 'is not valid';
  }
}

/**
 * One field error per zod issue, named by its dotted path under `prefix`; an unknown field is named by its own path
 * (zod reports it once at the object that holds it).
 */
export function zodFieldErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const name = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.');
  const seen = new Set<string>();
  return issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: name([...issue.path, key]), message: 'is not a field it takes' }))
        : [{ field: name(issue.path) || '(value)', message: issue.message }],
    )
    .filter((e) => {
      const key = `${e.field}\u0000${e.message}`;
      return !seen.has(key) && (seen.add(key), true);
    });
}

/** Parses with plain messages: the data, or one plain field error per problem. */
export function parseFields<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
): { success: true; data: z.output<S> } | { success: false; errors: FieldError[] } {
  const result = schema.safeParse(input, { error: plainZodError });
  return result.success
    ? { success: true, data: result.data }
    : { success: false, errors: zodFieldErrors(result.error.issues, prefix) };
}
