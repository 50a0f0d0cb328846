import type { FieldError } from '@scrutiny/core';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Problems with the themes a form tags: each must be a code of the theme vocabulary (the `themes` table) that is
 * not retired. Retired themes stay valid on forms saved before they were retired; new tags cannot use them.
 * A theme listed twice is the form schema's refusal (`parseReviewForm`, `parseFindingForm`), checked before this.
 */
export async function themeProblems(
  q: Queryable,
  codes: readonly string[],
  field = 'form.assessment.themes',
): Promise<FieldError[]> {
  if (!codes.length) return [];
  const rows = (await q.query(
    `SELECT code, retired_at IS NOT NULL AS retired FROM themes WHERE code = ANY($1::text[])`,
    [codes],
  )) as { code: string; retired: boolean }[];
  const known = new Map(rows.map((r) => [r.code, r.retired]));
  const problems: FieldError[] = [];
  for (const code of codes) {
    if (!known.has(code)) problems.push({ field, message: `"${code}" is not a theme (GET /api/v1/themes lists them)` });
    else if (known.get(code)) problems.push({ field, message: `"${code}" is retired` });
  }
  return problems;
}
