import { MONTH } from '@scrutiny/core';
import { STAT_BY, STAT_GROUPS, STAT_KINDS, TREND_INTERVALS } from '@scrutiny/statistics';
import type { FormErrors } from '../http/form-errors';

/** The explorer's filters: the API's StatsQuery (same names, same rules), the trend interval and the map's group. */
export interface ExplorerQuery {
  area: string;
  from: string;
  to: string;
  kind: string;
  by: string;
  basis?: string;
  comparator?: string;
  census?: string;
  interval: string;
  group?: string;
}

export const FILTER_NAMES = ['area', 'from', 'to', 'kind', 'by', 'basis', 'comparator', 'census', 'interval', 'group'];

type Raw = Record<string, unknown>;
const text = (v: unknown) =>
  typeof v === 'string' ? v.trim() : Array.isArray(v) ? String(v[v.length - 1] ?? '').trim() : '';

/** Reads the filters as the API's DTO validates them; errors name the form's fields (catalogue keys). */
export function parseExplorerQuery(raw: Raw): { query: ExplorerQuery; errors: FormErrors } {
  const v = Object.fromEntries(FILTER_NAMES.map((n) => [n, text(raw[n])])) as Record<string, string>;
  const errors: FormErrors = {};
  if (!v.area) errors.area = 'explorer.errors.area';
  else if (v.area.length > 40) errors.area = 'explorer.errors.areaLength';
  if (!MONTH.test(v.from)) errors.from = 'explorer.errors.from';
  if (!MONTH.test(v.to)) errors.to = 'explorer.errors.to';
  if (v.kind && !(STAT_KINDS as readonly string[]).includes(v.kind)) errors.kind = 'explorer.errors.kind';
  if (v.by && !(STAT_BY as readonly string[]).includes(v.by)) errors.by = 'explorer.errors.by';
  if (v.basis && v.basis !== 'self' && v.basis !== 'officer') errors.basis = 'explorer.errors.basis';
  if (v.comparator && !STAT_GROUPS.includes(v.comparator)) errors.comparator = 'explorer.errors.comparator';
  if (v.group && !STAT_GROUPS.includes(v.group)) errors.group = 'explorer.errors.group';
  if (v.census && !/^\d{4}$/.test(v.census)) errors.census = 'explorer.errors.census';
  if (v.interval && !(TREND_INTERVALS as readonly string[]).includes(v.interval))
    errors.interval = 'explorer.errors.interval';
  return {
    query: {
      area: v.area,
      from: v.from,
      to: v.to,
      kind: v.kind || 'stop-search',
      by: v.by || 'ethnicity',
      interval: v.interval || 'month',
      ...(v.basis ? { basis: v.basis } : {}),
      ...(v.comparator ? { comparator: v.comparator } : {}),
      ...(v.census ? { census: v.census } : {}),
      ...(v.group ? { group: v.group } : {}),
    },
    errors,
  };
}

/** The statistics services' query (what the API's StatsQuery carries): without the page's own interval and group. */
export function statsQuery(q: ExplorerQuery) {
  const { interval: _interval, group: _group, ...stats } = q;
  return stats;
}

/** The filters as a query string, to link the CSVs and the finding form to the same figures. */
export function queryString(q: Partial<ExplorerQuery>): string {
  const params = new URLSearchParams();
  for (const n of FILTER_NAMES) {
    const value = (q as Record<string, string | undefined>)[n];
    if (value) params.set(n, value);
  }
  return params.toString();
}

/** A code in words: "not_disabled" → "Not disabled" (groups are codes in the statistics results). */
export function groupWords(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
