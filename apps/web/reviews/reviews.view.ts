import type { CaseKind } from '@scrutiny/auth';
import {
  ANSWER_LABELS,
  CASE_KIND_SPECS,
  labelOf,
  recordFieldVocabularies,
  type BwvClipView,
  type CaseRecordView,
} from '@scrutiny/records';
import { formJsonSchema } from '@scrutiny/review';
import { findRule, type ReviewView } from '@scrutiny/sampling';
import { formatDateTime } from '../render/format';

/** View models of the reviews pages: codes in words, dates written out, nothing the templates must work out. */

export const REVIEW_TABS = ['due', 'overdue', 'done'] as const;
export type ReviewTab = (typeof REVIEW_TABS)[number];

type T = (key: string, params?: Record<string, unknown>) => string;

const VOCABULARY_OF = recordFieldVocabularies(Object.values(CASE_KIND_SPECS));

/** Why an item was selected, in words: 'random', or the targeted rule's description (its name if unknown). */
export function selectionReason(reason: string): string {
  return reason === 'random' ? reason : (findRule(reason)?.description ?? reason);
}

export function reviewRow(r: ReviewView) {
  return {
    itemId: r.itemId,
    href: `/reviews/${r.itemId}`,
    recordKind: labelOf('record_kind', r.recordKind),
    period: r.period,
    reason: selectionReason(r.reason),
    dueOn: r.dueOn,
    overdue: r.overdue,
    status: r.status,
    completedAt: r.completedAt,
  };
}

/** One summary-list row. */
const row = (key: string, text: string) => ({ key: { text: key }, value: { text } });

/** The record in words: the details every record has, then its kind's own fields, each code by its label. */
export function recordSummary(record: CaseRecordView, t: T, areaName?: string) {
  const spec = CASE_KIND_SPECS[record.kind];
  const vocabularies = VOCABULARY_OF[record.kind] ?? {};
  const yesNo = (v: unknown) => (v === true ? t('common.yes') : v === false ? t('common.no') : t('common.notRecorded'));
  const rows = [
    row(t('records.fields.kind'), labelOf('record_kind', record.kind)),
    row(t('records.fields.reference'), record.reference ?? t('common.notRecorded')),
    row(t('records.fields.occurredAt'), formatDateTime(record.occurredAt)),
    row(t('records.fields.areaCode'), areaName ?? record.areaCode ?? t('common.notRecorded')),
    row(t('records.fields.officer'), record.officer ?? t('common.notRecorded')),
    row(t('records.fields.teamCode'), record.teamCode ?? t('common.notRecorded')),
  ];
  const linked: { text: string }[] = [];
  for (const f of spec.fields) {
    const value = f.group ? (record[f.group] as Record<string, unknown> | undefined)?.[f.name] : record[f.name];
    const label = t(`records.fields.${f.name}`);
    const vocabulary = vocabularies[f.name];
    let text: string;
    switch (f.type) {
      case 'code':
        text = labelOf(vocabulary ?? f.name, value as string | null);
        break;
      case 'codes':
        text =
          Array.isArray(value) && value.length
            ? value.map((c) => labelOf(vocabulary ?? f.name, String(c))).join(', ')
            : t('common.none');
        break;
      case 'tactics':
        text =
          Array.isArray(value) && value.length
            ? value
                .map((u) => labelOf('uof_tactic', typeof u === 'string' ? u : (u as { tactic: string }).tactic))
                .join(', ')
            : t('common.none');
        break;
      case 'boolean':
        text = yesNo(value);
        break;
      case 'case-link':
        if (typeof value === 'string') linked.push({ text: `${labelOf('record_kind', 'stop_search')}: ${value}` });
        continue;
      default:
        text = typeof value === 'string' && value ? value : t('common.notRecorded');
    }
    rows.push(row(label, text));
  }
  return { rows, linked, kind: labelOf('record_kind', record.kind) };
}

/** A BWV clip: when, how long it is kept, whether a hold protects it, and where to open it. */
export function clipRow(c: BwvClipView, itemId: string) {
  return {
    reference: c.reference,
    recordedAt: c.recordedAt,
    durationSeconds: c.durationSeconds,
    retentionExpiresOn: c.retentionExpiresOn,
    status: c.status,
    holdPlacedAt: c.holdPlacedAt,
    openHref: `/reviews/${itemId}/clips/${c.id}`,
  };
}

type JsonSchema = {
  type?: string;
  title?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

/** A submitted review in words, section by section (the form definition's titles and answer labels). */
export function answersSummary(kind: CaseKind, form: object, themes: { code: string; label: string }[]) {
  const schema = formJsonSchema(kind, 'review', 'complete') as JsonSchema;
  const words = (code: unknown) =>
    typeof code === 'string'
      ? ((ANSWER_LABELS as Record<string, string>)[code] ?? labelOf('review_outcome', code))
      : '';
  const sections: { title: string; rows: ReturnType<typeof row>[] }[] = [];
  const walk = (s: JsonSchema, value: unknown, rows: ReturnType<typeof row>[], path: string): unknown => {
    const inner = s.anyOf?.find((a) => a.type === 'object');
    if (inner)
      return value && typeof value === 'object'
        ? walk(inner, value, rows, path)
        : rows.push(row(s.title ?? path, words('no')));
    if (s.type === 'object') {
      for (const [k, child] of Object.entries(s.properties ?? {}))
        walk(child, (value as Record<string, unknown> | undefined)?.[k], rows, `${path}.${k}`);
      return;
    }
    if (path.endsWith('assessment.themes'))
      return rows.push(
        row(
          s.title ?? path,
          ((value as string[]) ?? []).map((c) => themes.find((t) => t.code === c)?.label ?? c).join(', '),
        ),
      );
    if (path.endsWith('useOfForce.tactics'))
      return ((value as { tactic: string; necessary?: string; proportionate?: string }[]) ?? []).forEach((u) =>
        rows.push(row(labelOf('uof_tactic', u.tactic), `${words(u.necessary)} / ${words(u.proportionate)}`)),
      );
    rows.push(row(s.title ?? path, s.enum ? words(value) : typeof value === 'string' ? value : ''));
  };
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const rows: ReturnType<typeof row>[] = [];
    walk(child, (form as Record<string, unknown>)[key], rows, key);
    sections.push({ title: child.title ?? key, rows });
  }
  return sections;
}
