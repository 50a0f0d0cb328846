import type { CaseKind } from '@scrutiny/auth';
import type { DomainError } from '@scrutiny/core';
import { ANSWER_LABELS, labelOf } from '@scrutiny/records';
import { formJsonSchema, type FormPurpose } from '@scrutiny/review';
import type { FormErrors } from '../http/form-errors';
import { fieldId } from '../http/form-errors';

/**
 * The supervisor's review form as pages show it, generated from the review form definition (libs/review: the zod
 * schema per record kind, published as JSON Schema): its sections, questions, titles and answers come from there, so
 * the page, the API's schema and the service's checks cannot differ. What is required is checked by the service alone.
 */

type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  maxLength?: number;
};

export interface Choice {
  value: string;
  text: string;
  checked: boolean;
  /** Questions shown beneath this answer when it is chosen (JavaScript on); shown always without JavaScript. */
  reveal?: Question[];
}

export type Question =
  | {
      kind: 'radios';
      name: string;
      id: string;
      legend: string;
      choices: Choice[];
      inline: boolean;
      error?: { text: string };
    }
  | {
      kind: 'textarea';
      name: string;
      id: string;
      label: string;
      value: string;
      maxLength?: number;
      error?: { text: string };
    }
  | { kind: 'checkboxes'; name: string; id: string; legend: string; choices: Choice[]; error?: { text: string } }
  | { kind: 'group'; id: string; legend: string; questions: Question[]; error?: { text: string } };

export interface Section {
  key: string;
  title: string;
  questions: Question[];
}

export interface FormContext {
  kind: CaseKind;
  /** Current answers: the saved draft, or what was just posted. */
  answers: Record<string, unknown>;
  /** The themes a review may tag (code and words). */
  themes: { code: string; label: string }[];
  /** For a use of force: the tactics its report records (each is judged). */
  tactics: string[];
  errors: Record<string, { text: string }>;
}

const answerLabel = (code: string) =>
  (ANSWER_LABELS as Record<string, string>)[code] ?? labelOf('review_outcome', code);

function at(answers: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = answers;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const isText = (s: JsonSchema) => s.anyOf?.some((a) => a.type === 'string') && s.anyOf.some((a) => a.type === 'null');
const nullableObject = (s: JsonSchema) => s.anyOf?.find((a) => a.type === 'object');

function question(ctx: FormContext, path: string[], schema: JsonSchema): Question | null {
  const name = path.join('.');
  const id = fieldId(name);
  const title = schema.title ?? path[path.length - 1];
  const value = at(ctx.answers, path);
  const error = ctx.errors[name];
  if (schema.enum) {
    return {
      kind: 'radios',
      name,
      id,
      legend: title,
      inline: schema.enum.length <= 3 && schema.enum.every((c) => answerLabel(c).length < 12),
      error,
      choices: schema.enum.map((code) => ({ value: code, text: answerLabel(code), checked: value === code })),
    };
  }
  if (isText(schema)) {
    const max = schema.anyOf!.find((a) => a.type === 'string')?.maxLength;
    return {
      kind: 'textarea',
      name,
      id,
      label: title,
      value: typeof value === 'string' ? value : '',
      maxLength: max,
      error,
    };
  }
  if (schema.type === 'array' && name === 'assessment.themes') {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return {
      kind: 'checkboxes',
      name,
      id,
      legend: title,
      error,
      choices: ctx.themes.map((t) => ({ value: t.code, text: t.label, checked: chosen.includes(t.code) })),
    };
  }
  if (schema.type === 'array' && name === 'useOfForce.tactics') {
    // One group per tactic the report records, each judged necessary and proportionate.
    const given = Array.isArray(value) ? (value as { tactic?: string }[]) : [];
    const item = schema.items!;
    return {
      kind: 'group',
      id,
      legend: title,
      error,
      questions: ctx.tactics.map((tactic) => {
        const index = given.findIndex((g) => g.tactic === tactic);
        const answers = { ...ctx.answers, __tactic: index >= 0 ? given[index] : {} };
        const sub = { ...ctx, answers, errors: remapErrors(ctx.errors, `${name}.${tactic}.`, `__tactic.`) };
        return {
          kind: 'group' as const,
          id: fieldId(`${name}.${tactic}`),
          legend: labelOf('uof_tactic', tactic),
          questions: ['necessary', 'proportionate'].map((k) => {
            const q = question(sub, ['__tactic', k], item.properties![k])!;
            return { ...q, name: `${name}.${tactic}.${k}`, id: fieldId(`${name}.${tactic}.${k}`) } as Question;
          }),
        };
      }),
    };
  }
  const inner = nullableObject(schema);
  if (inner) {
    // Asked only when force was used during the encounter: "was force used?" reveals its questions.
    const used = value === null ? 'no' : value && typeof value === 'object' ? 'yes' : undefined;
    return {
      kind: 'radios',
      name: `${name}.used`,
      id: fieldId(`${name}.used`),
      legend: title,
      inline: true,
      error: ctx.errors[`${name}.used`] ?? error,
      choices: [
        { value: 'yes', text: answerLabel('yes'), checked: used === 'yes', reveal: questions(ctx, path, inner) },
        { value: 'no', text: answerLabel('no'), checked: used === 'no' },
      ],
    };
  }
  if (schema.type === 'object')
    return { kind: 'group', id, legend: title, questions: questions(ctx, path, schema), error };
  return null;
}

function remapErrors(errors: Record<string, { text: string }>, from: string, to: string) {
  return Object.fromEntries(
    Object.entries(errors).flatMap(([k, v]) => (k.startsWith(from) ? [[to + k.slice(from.length), v]] : [])),
  );
}

function questions(ctx: FormContext, path: string[], schema: JsonSchema): Question[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const q = question(ctx, [...path, key], child);
    return q ? [q] : [];
  });
}

/**
 * The form's sections in the definition's order (the overall outcome last, as its own section). `purpose` 'finding':
 * a panel's consensus finding (its own outcomes; the panel pages use it).
 */
export function reviewFormView(ctx: FormContext, outcomeTitle: string, purpose: FormPurpose = 'review'): Section[] {
  const schema = formJsonSchema(ctx.kind, purpose, 'complete') as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([key, child]) => {
    if (child.type === 'object') return { key, title: child.title ?? key, questions: questions(ctx, [key], child) };
    const q = question(ctx, [key], child);
    return { key, title: key === 'outcome' ? outcomeTitle : (child.title ?? key), questions: q ? [q] : [] };
  });
}

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

/**
 * A posted form back into the definition's shape: answers given are set, questions left blank are left out (a draft
 * may lack them; submitting names each), "force used: no" is null, and each recorded tactic is one entry.
 */
export function parseReviewForm(kind: CaseKind, body: Body, tactics: string[]): Record<string, unknown> {
  const schema = formJsonSchema(kind, 'review', 'complete') as JsonSchema;
  const read = (path: string[], s: JsonSchema): unknown => {
    const name = path.join('.');
    if (s.enum) {
      const v = one(body[name]);
      return v || undefined;
    }
    if (isText(s)) {
      const v = one(body[name])?.trim();
      return v ? v : undefined;
    }
    if (s.type === 'array' && name === 'assessment.themes') {
      const v = body[name];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    }
    if (s.type === 'array' && name === 'useOfForce.tactics') {
      return tactics.map((tactic) => {
        const entry: Record<string, unknown> = { tactic };
        for (const k of ['necessary', 'proportionate']) {
          const v = one(body[`${name}.${tactic}.${k}`]);
          if (v) entry[k] = v;
        }
        return entry;
      });
    }
    const inner = nullableObject(s);
    if (inner) {
      const used = one(body[`${name}.used`]);
      if (used === 'no') return null;
      if (used !== 'yes') return undefined;
      return read(path, inner) ?? {};
    }
    if (s.type === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(s.properties ?? {})) {
        const v = read([...path, key], child);
        if (v !== undefined) out[key] = v;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return undefined;
  };
  return (read([], schema) as Record<string, unknown> | undefined) ?? {};
}

/**
 * The service's field errors (`form.lawfulness.reason`, `form.useOfForce.tactics.0.necessary` …) as the page's
 * (`lawfulness.reason`, `useOfForce.tactics.<tactic>.necessary`), each in words naming its question.
 */
export function reviewFormErrors(
  error: DomainError,
  kind: CaseKind,
  tactics: string[],
  words: { required: (question: string) => string },
): FormErrors {
  const schema = formJsonSchema(kind, 'review', 'complete') as JsonSchema;
  const titleOf = (path: string[]): string => {
    let s: JsonSchema | undefined = schema;
    for (const key of path) {
      if (!s) break;
      const next: JsonSchema | undefined = s.properties?.[key] ?? nullableObject(s)?.properties?.[key] ?? s.items;
      s = /^\d+$/.test(key) ? s.items : next;
    }
    return s?.title ?? path[path.length - 1];
  };
  const out: FormErrors = {};
  for (const e of error.errors) {
    const path = e.field.replace(/^form\./, '').split('.');
    let name = path.join('.');
    if (path[0] === 'useOfForce' && path[1] === 'tactics' && /^\d+$/.test(path[2] ?? ''))
      name = ['useOfForce', 'tactics', tactics[Number(path[2])] ?? path[2], ...path.slice(3)].join('.');
    else if (path[0] === 'useOfForce' && path.length === 1 && kind !== 'use_of_force') name = 'useOfForce.used';
    const said = e.message.startsWith(`${e.field} `) ? e.message.slice(e.field.length + 1) : e.message;
    const question = titleOf(path);
    out[name] ??= { text: said === 'is required' ? words.required(question) : `${question}: ${said}` };
  }
  return out;
}
