import type { Request } from 'express';
import { DomainError } from '@scrutiny/core';
import { translate } from '../i18n/messages';
import { webState } from './web-request';

/**
 * A form's errors by field name: a message key of the catalogue, or a service's own words about the field (a
 * DomainError's field errors, which the services write in English; see the README on translation).
 */
export type FormErrors = Record<string, string | { text: string }>;

/** The id of a field's input: its dotted name with dashes, so the error summary can link to it. */
export const fieldId = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-');

/**
 * The view of a form's errors as the GOV.UK components take them: `errors[field]` for each field's error message and
 * `errorList` for the error summary, each linking to its field, in the order given.
 */
export function errorView(req: Request, errors: FormErrors) {
  const { locale } = webState(req);
  const byField: Record<string, { text: string }> = {};
  const errorList: { text: string; href: string }[] = [];
  for (const [field, error] of Object.entries(errors)) {
    const text = typeof error === 'string' ? translate(locale, error) : error.text;
    byField[field] = { text };
    errorList.push({ text, href: `#${fieldId(field)}` });
  }
  return { errors: byField, errorList };
}

/**
 * A validation DomainError's field errors as form errors, each written "<label> <the service's words>" ("New password
 * must be at least 12 characters"); `label(field)` names the field as the form does.
 */
export function fieldErrors(error: DomainError, label: (field: string) => string): FormErrors {
  const out: FormErrors = {};
  for (const e of error.errors) {
    if (out[e.field]) continue;
    const words = e.message.startsWith(`${e.field} `) ? e.message.slice(e.field.length + 1) : e.message;
    out[e.field] = { text: `${label(e.field)} ${words}` };
  }
  return out;
}

/**
 * A service's refusal of a posted form (a VALIDATION_FAILED DomainError) as form errors, each field labelled by the
 * catalogue message `labelKey(field)` in the request's language, or by its own name when the form has no label for it
 * (a field the service checks that the form does not show); any other error is rethrown, for the error page.
 */
export function validationErrors(req: Request, error: unknown, labelKey: (field: string) => string): FormErrors {
  if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
  const { locale } = webState(req);
  return fieldErrors(error, (field) => {
    const key = labelKey(field);
    const words = translate(locale, key);
    return words === key ? field : words;
  });
}
