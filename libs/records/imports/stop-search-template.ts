import { STOP_SEARCH } from '../cases/case-kinds';
import { renderTemplateRow } from '../cases/case-csv';
import { COMMON_TEMPLATE_COLUMNS } from '../cases/case-input';
import type { CaseRecordView } from '../cases/case-view';
import type { Queryable } from '../areas/area-lookup';

/**
 * The force's own stop-search export (`format=stop-searches`, and what `GET /stop-searches/export.csv?format=template`
 * writes): the common template columns, the officer's supervisor (a Scrutiny username), the stop-search fields,
 * and the references of the BWV clips of the search (`;`-separated).
 */
export const STOP_SEARCH_TEMPLATE_COLUMNS: readonly string[] = [
  ...COMMON_TEMPLATE_COLUMNS,
  'supervisor',
  ...STOP_SEARCH.fields.map((f) => f.column),
  'bwv_clip_references',
];

/** A clip's reference in the evidence system (as the BWV clips API takes it). */
export const CLIP_REFERENCE = /^[A-Za-z0-9._:/-]{1,128}$/;

/** Refuses a header that lacks a required column or has one the format does not know (columns in any order). */
export function checkStopSearchHeader(cells: string[]): string | null {
  const got = cells.map((c) =>
    c
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const unknown = got.filter((c) => !STOP_SEARCH_TEMPLATE_COLUMNS.includes(c));
  const missing = ['occurred_at', 'search_type'].filter((c) => !got.includes(c));
  const repeated = got.filter((c, i) => got.indexOf(c) !== i);
  if (!unknown.length && !missing.length && !repeated.length) return null;
  return [
    'not a stop-search CSV (the force’s export):',
    missing.length ? `missing column(s) ${missing.join(', ')};` : '',
    unknown.length ? `unknown column(s) ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')};` : '',
    repeated.length ? `repeated column(s) ${repeated.join(', ')};` : '',
    `the columns are ${STOP_SEARCH_TEMPLATE_COLUMNS.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** What a stop search's template row carries beyond its view: the officer's supervisor and the clips' references. */
export interface StopSearchExtras {
  supervisor: string | null;
  clips: string[];
}

/** The supervisors and clip references of these stop searches, in one query. */
export async function stopSearchExtras(q: Queryable, ids: string[]): Promise<Map<string, StopSearchExtras>> {
  if (!ids.length) return new Map();
  const rows = (await q.query(
    `SELECT s.id, u.username AS supervisor,
       coalesce((SELECT array_agg(b.reference ORDER BY b.reference) FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id
                 WHERE l.case_kind = 'stop_search' AND l.case_id = s.id), '{}') AS clips
     FROM stop_searches s LEFT JOIN officers o ON o.id = s.officer_id LEFT JOIN users u ON u.id = o.supervisor_user_id
     WHERE s.id = ANY($1::uuid[])`,
    [ids],
  )) as { id: string; supervisor: string | null; clips: string[] }[];
  return new Map(rows.map((r) => [r.id, { supervisor: r.supervisor, clips: r.clips }]));
}

/** A stop search as a row of STOP_SEARCH_TEMPLATE_COLUMNS (the inverse of the stop-searches import). */
export function renderStopSearchTemplateRow(v: CaseRecordView, extras: StopSearchExtras | undefined): string[] {
  const cells = renderTemplateRow(STOP_SEARCH, v);
  const common = COMMON_TEMPLATE_COLUMNS.length;
  return [...cells.slice(0, common), extras?.supervisor ?? '', ...cells.slice(common), (extras?.clips ?? []).join(';')];
}
