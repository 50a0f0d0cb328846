import { DomainError, type FieldError } from '@scrutiny/core';
import { parseForm, type FormPurpose, type FormStage } from './review-form';
import { themeProblems } from './theme-codes';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface FormTarget {
  /** The kind of the record reviewed (a CaseKind): it picks the form. */
  kind: string;
  caseId: string;
  purpose: FormPurpose;
  /** `draft`: save what is answered so far; `complete`: submit (every question answered). */
  stage: FormStage;
  prefix?: string;
}

/**
 * A form checked against its record: the kind's form (in full when submitted, answers only for a draft), its themes
 * against the theme vocabulary, and for a use of force its tactics against the report's (each one once, only those
 * the report records, and on submission all of them).
 */
export async function formProblems(
  q: Queryable,
  target: FormTarget,
  input: unknown,
): Promise<{ form: Record<string, unknown> } | { errors: FieldError[] }> {
  const prefix = target.prefix ?? 'form';
  const parsed = parseForm(target.kind, target.purpose, input, { stage: target.stage, prefix });
  if ('errors' in parsed) return parsed;
  const form = parsed.form as { assessment?: { themes?: string[] }; useOfForce?: { tactics?: { tactic: string }[] } };
  const errors = await themeProblems(q, form.assessment?.themes ?? [], `${prefix}.assessment.themes`);
  if (target.kind === 'use_of_force')
    errors.push(...(await tacticProblems(q, target, form.useOfForce?.tactics, prefix)));
  return errors.length ? { errors } : parsed;
}

/** `formProblems`, throwing a validation error (400) that lists every problem. */
export async function checkForm(q: Queryable, target: FormTarget, input: unknown): Promise<Record<string, unknown>> {
  const checked = await formProblems(q, target, input);
  if ('errors' in checked) throw formValidationError(checked.errors);
  return checked.form;
}

/** Field errors whose messages already name their field read as they are. */
export function formValidationError(errors: FieldError[]): DomainError {
  return DomainError.validation(
    errors,
    errors.map((e) => (e.message.startsWith(e.field) ? e.message : `${e.field}: ${e.message}`)).join('; '),
  );
}

async function tacticProblems(
  q: Queryable,
  target: FormTarget,
  assessed: { tactic: string }[] | undefined,
  prefix: string,
): Promise<FieldError[]> {
  if (!assessed && target.stage === 'draft') return [];
  const [report] = (await q.query(`SELECT tactics FROM use_of_force_reports WHERE id = $1`, [target.caseId])) as {
    tactics: { tactic: string }[] | null;
  }[];
  const recorded = (report?.tactics ?? []).map((t) => t.tactic);
  const field = `${prefix}.useOfForce.tactics`;
  const given = (assessed ?? []).map((t) => t.tactic);
  const problems: FieldError[] = [];
  const extra = given.filter((t) => !recorded.includes(t));
  if (extra.length)
    problems.push({
      field,
      message: `${field} lists ${extra.join(', ')}, not recorded on the report (${recorded.join(', ') || 'none'})`,
    });
  const missing = recorded.filter((t) => !given.includes(t));
  if (target.stage === 'complete' && missing.length)
    problems.push({
      field,
      message: `${field} is required for each tactic on the report: ${missing.join(', ')} not judged`,
    });
  return problems;
}
