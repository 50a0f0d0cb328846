import { CASE_KINDS } from '@scrutiny/auth';
import { labelOf } from '@scrutiny/records';
import type { ActionView, AgreementResult, SessionSummary, ShownSessionView } from '@scrutiny/panels';
import { formJsonSchema } from '@scrutiny/review';

/** View models of the panel pages: plain objects, codes in words, nothing the templates must work out. */

export const SESSION_GROUPS = ['upcoming', 'open', 'closed'] as const;
export type SessionGroup = (typeof SESSION_GROUPS)[number];

/** Which list of "My sessions" a session belongs to (a cancelled one is among the closed, marked so). */
export function groupOf(status: string): SessionGroup {
  if (status === 'planned') return 'upcoming';
  if (status === 'open') return 'open';
  return 'closed';
}

export function sessionRow(s: SessionSummary) {
  return {
    id: s.id,
    href: `/sessions/${s.id}`,
    panel: s.panel.name,
    scheduledAt: s.scheduledAt,
    where: s.online ? null : s.venue,
    online: s.online,
    status: s.status,
    role: s.yourRole,
  };
}

/** The session page's agenda: each case by its place on the agenda (an external member never sees who or where). */
export function agendaRows(session: ShownSessionView) {
  return session.agenda.map((item) => ({
    id: item.id,
    position: item.position,
    href: `/sessions/${session.id}/cases/${item.id}`,
    kind: labelOf('record_kind', item.caseKind),
    ratingsSubmitted: item.ratingsSubmitted,
    finding: item.finding,
  }));
}

type JsonSchema = { title?: string; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; items?: JsonSchema };

/** A criterion's question as the form definition words it (the first record kind whose form asks it). */
export function criterionTitle(criterion: string): string {
  for (const kind of CASE_KINDS) {
    let s: JsonSchema | undefined = formJsonSchema(kind, 'review', 'complete') as JsonSchema;
    for (const key of criterion.split('.')) {
      const inner: JsonSchema | undefined = s?.anyOf?.find((a) => a.properties);
      s = (s?.properties ?? inner?.properties)?.[key] ?? s?.items?.properties?.[key];
      if (!s) break;
    }
    if (s?.title) return s.title;
  }
  return criterion;
}

/** The agreement table: only the criteria some ratings answered; alpha to two places, its 95% interval. */
export function agreementRows(criteria: ({ criterion: string } & AgreementResult)[]) {
  const fixed = (n: number) => n.toFixed(2);
  return criteria
    .filter((c) => c.pairableValues > 0)
    .map((c) => ({
      criterion: criterionTitle(c.criterion),
      alpha: c.alpha === null ? null : fixed(c.alpha),
      interval: c.ci95 ? `${fixed(c.ci95.lower)} to ${fixed(c.ci95.upper)}` : null,
      cases: c.pairableCases,
      reason: c.reason,
    }));
}

export function actionRow(a: ActionView) {
  return {
    id: a.id,
    sessionHref: a.sessionId ? `/sessions/${a.sessionId}` : null,
    kind: a.kind,
    description: a.description,
    owner: a.owner,
    raisedOn: a.raisedOn,
    dueOn: a.dueOn,
    overdue: a.overdue,
    status: a.status,
    response: a.response,
    respondedAt: a.respondedAt,
  };
}

/** A GOV.UK date input's three fields as an ISO date, or undefined when any is missing or it is no real day. */
export function isoDateOf(day?: string, month?: string, year?: string): string | undefined {
  const [d, m, y] = [day, month, year].map((v) => Number((v ?? '').trim()));
  if (!Number.isInteger(d) || !Number.isInteger(m) || !Number.isInteger(y) || y < 1000 || y > 9999) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}
