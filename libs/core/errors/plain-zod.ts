import type { z } from 'zod';
import type { FieldError } from './error-codes';
import { PLAIN_WORDS as W } from './plain-words';

const quote = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

const TYPE_WORDS: Record<string, string> = {
  string: W.text,
  number: W.number,
  int: W.wholeNumber,
  bigint: W.wholeNumber,
  boolean: W.trueOrFalse,
  array: W.list,
  object: W.object,
  date: W.date,
  record: W.object,
  tuple: W.list,
};

const FORMAT_WORDS: Record<string, string> = {
  date: W.date,
  datetime: 'must be a date and time like 2024-03-31T09:30:00Z',
  time: 'must be a time like 09:30',
  uuid: W.uuid,
  guid: W.uuid,
  email: 'must be an email address',
  url: 'must be a URL',
};

function tooBig(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const n = issue.maximum as number;
  if (issue.origin === 'string') return W.atMostCharacters(n);
  if (issue.origin === 'array' || issue.origin === 'set') return W.atMostItems(n);
  return issue.inclusive === false ? `must be less than ${n}` : W.atMost(n);
}

function tooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const n = issue.minimum as number;
  if (issue.origin === 'string') return W.atLeastCharacters(n);
  if (issue.origin === 'array' || issue.origin === 'set') return W.atLeastItems(n);
  return issue.inclusive === false ? `must be more than ${n}` : W.atLeast(n);
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
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return W.number;
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
    case 'invalid_value':
      if (missing && issue.values.length > 1) return `is required (one of: ${issue.values.map(quote).join(', ')})`;
      return issue.values.length === 1
        ? `must be ${quote(issue.values[0])}`
        : W.oneOf(issue.values.map(quote).join(', '));
    case 'too_big':
      return tooBig(issue);
    case 'too_small':
      return tooSmall(issue);
    case 'invalid_format':
      return FORMAT_WORDS[issue.format] ?? W.otherFormat;
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
