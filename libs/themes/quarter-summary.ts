import { quarterName, quarterStart } from '@scrutiny/core';
import type { ComplaintCase } from '@scrutiny/complaints';
import { changeFrom, themeTrends, type Change, type ThemeTrend } from './trends';

/** A completed supervisor review or a panel's latest final finding on one case, with the case's place and people. */
export interface Rating {
  source: 'review' | 'panel';
  /** The sample item (review) or the finding (panel). */
  ratingId: string;
  /** The agenda item a panel finding is about, whichever version of the finding is latest; null for reviews. */
  agendaItemId: string | null;
  caseKind: string;
  caseId: string;
  /** The date the rating counts on: the sampled month (reviews) or the session's date (findings), Europe/London. */
  ratedOn: string;
  rag: 'green' | 'amber' | 'red';
  outcome: string;
  themes: string[];
  force: string;
  area: string | null;
  areaName: string | null;
  team: string | null;
  officerId: string | null;
  officerRef: string | null;
  /** The force's own reference for the case, where it has one. */
  sourceReference?: string | null;
}

const CASE_KIND_PREFIX: Record<string, string> = { stop_search: 'SS', vehicle_stop: 'VS', use_of_force: 'UF' };

/**
 * How people refer to a case in print: the force's own reference where the record has one, otherwise a short one
 * from the kind and the random end of its id (SS-1A6D880B), never the whole id.
 */
export function caseReference(kind: string, id: string, sourceReference?: string | null): string {
  if (sourceReference?.trim()) return sourceReference.trim();
  const prefix = CASE_KIND_PREFIX[kind] ?? kind.slice(0, 2).toUpperCase();
  return `${prefix}-${id.replace(/-/g, '').slice(-8).toUpperCase()}`;
}

export interface ThemeInfo {
  code: string;
  label: string;
  parentCode: string | null;
}

export interface BreakdownRow {
  key: string;
  name: string;
  ratings: number;
  amberOrRed: number;
  themes: { theme: string; count: number }[];
}

export interface RepeatConcern {
  /** Officer reference or team code. */
  subject: string;
  team: string | null;
  /** Distinct cases rated amber or red in the window, and how many of those were red. */
  cases: number;
  red: number;
  /** Of those, rated in the quarter under review. */
  inQuarter: number;
  latest: string;
  themes: { theme: string; count: number }[];
  ratings: { ratedOn: string; rag: string; source: string; caseKind: string; caseId: string }[];
  /** Of the cases, how many came with a complaint (a complained-of encounter also rated amber or red is one case). */
  complaints?: number;
  /** Each case counted and which sources it came from (review, panel, complaint). */
  caseList?: {
    caseKind: string | null;
    caseId: string | null;
    complaintReferences: string[];
    rag: string | null;
    date: string;
    sources: ('review' | 'panel' | 'complaint')[];
  }[];
}

function inRange(r: Rating, from: string, to: string): boolean {
  return r.ratedOn >= from && r.ratedOn < to;
}

/** Theme tags per theme code among the ratings. */
export function countThemes(ratings: readonly Rating[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of ratings) for (const t of r.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function ranked(counts: Map<string, number>): { theme: string; count: number }[] {
  return [...counts]
    .map(([theme, count]) => ({ theme, count }))
    .sort((a, b) => b.count - a.count || (a.theme < b.theme ? -1 : 1));
}

/** The quarter's ratings and the two it is compared with. */
export function quarterWindows(quarter: string) {
  return {
    current: { from: quarterStart(quarter), to: quarterStart(quarter, 1) },
    previous: { from: quarterStart(quarter, -1), to: quarterStart(quarter) },
    lastYear: { from: quarterStart(quarter, -4), to: quarterStart(quarter, -3) },
    /** The rolling 12 months ending with the quarter, for repeat concerns. */
    concernWindow: { from: quarterStart(quarter, -3), to: quarterStart(quarter, 1) },
    /** The eight quarters the themes-over-time chart shows. */
    history: { from: quarterStart(quarter, -7), to: quarterStart(quarter, 1) },
  };
}

export interface ThemeTrendRow extends ThemeTrend {
  label: string;
  parentCode: string | null;
  fromReviews: number;
  fromPanels: number;
}

/** Theme counts in the quarter beside the previous quarter and the same quarter last year. */
export function quarterThemeTrends(
  ratings: readonly Rating[],
  quarter: string,
  vocabulary: ReadonlyMap<string, ThemeInfo>,
): ThemeTrendRow[] {
  const w = quarterWindows(quarter);
  const current = ratings.filter((r) => inRange(r, w.current.from, w.current.to));
  const reviews = countThemes(current.filter((r) => r.source === 'review'));
  const panels = countThemes(current.filter((r) => r.source === 'panel'));
  return themeTrends(
    countThemes(current),
    countThemes(ratings.filter((r) => inRange(r, w.previous.from, w.previous.to))),
    countThemes(ratings.filter((r) => inRange(r, w.lastYear.from, w.lastYear.to))),
  ).map((t) => ({
    ...t,
    label: vocabulary.get(t.theme)?.label ?? t.theme,
    parentCode: vocabulary.get(t.theme)?.parentCode ?? null,
    fromReviews: reviews.get(t.theme) ?? 0,
    fromPanels: panels.get(t.theme) ?? 0,
  }));
}

/** Counts of the `themes` in each of the quarters, oldest first (for the themes-over-time chart). */
export function themesOverTime(
  ratings: readonly Rating[],
  quarters: readonly string[],
  themes: readonly string[],
): { quarter: string; counts: Record<string, number> }[] {
  return quarters.map((quarter) => {
    const counts = countThemes(ratings.filter((r) => quarterName(r.ratedOn) === quarter));
    return { quarter, counts: Object.fromEntries(themes.map((t) => [t, counts.get(t) ?? 0])) };
  });
}

/** Ratings, amber/red ratings and themes per area or team, largest first; ratings without one go under "unknown". */
export function breakdown(ratings: readonly Rating[], by: 'area' | 'team'): BreakdownRow[] {
  const groups = new Map<string, { name: string; rows: Rating[] }>();
  for (const r of ratings) {
    const key = (by === 'area' ? r.area : r.team) ?? 'unknown';
    const name = by === 'area' ? (r.areaName ?? 'Unknown area') : (r.team ?? 'No team recorded');
    const group = groups.get(key) ?? { name, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  return [...groups]
    .map(([key, g]) => ({
      key,
      name: g.name,
      ratings: g.rows.length,
      amberOrRed: g.rows.filter((r) => r.rag !== 'green').length,
      themes: ranked(countThemes(g.rows)),
    }))
    .sort((a, b) => b.ratings - a.ratings || (a.key < b.key ? -1 : 1));
}

const RAG_ORDER = { green: 0, amber: 1, red: 2 } as const;

/** One case of a subject: its worst amber/red rating (if rated so), the sources that rated it, and its complaints. */
interface ConcernCase {
  rating: Rating | null;
  rated: Set<'review' | 'panel'>;
  complaints: ComplaintCase[];
  team: string | null;
}

/**
 * The repeat-concern rule: an officer (or team) is a repeat concern when at least `threshold` distinct cases of
 * theirs, each rated amber or red or complained about, fall within the window (a rating by its date, a complaint by
 * the day it was received). A case reviewed by a supervisor and again by a panel counts once, at its worse rating, and
 * a complaint arising from an encounter is the same case as any rating of that encounter, so one incident is never a
 * "repeat". A complaint not tied to an encounter is a case of its own.
 */
export function repeatConcerns(
  ratings: readonly Rating[],
  by: 'officer' | 'team',
  window: { from: string; to: string },
  quarter: { from: string; to: string },
  threshold = 2,
  complaints: readonly ComplaintCase[] = [],
): RepeatConcern[] {
  // An officer by id, not reference: references are unique per force only, so two forces' PC-1 are two officers.
  const bySubject = new Map<string, Map<string, ConcernCase>>();
  const labels = new Map<string, string>();
  const caseOf = (subject: string, key: string) => {
    const cases = bySubject.get(subject) ?? new Map<string, ConcernCase>();
    bySubject.set(subject, cases);
    const c = cases.get(key) ?? { rating: null, rated: new Set(), complaints: [], team: null };
    cases.set(key, c);
    return c;
  };
  for (const r of ratings) {
    const subject = by === 'officer' ? r.officerRef && (r.officerId ?? r.officerRef) : r.team;
    if (!subject || r.rag === 'green' || !inRange(r, window.from, window.to)) continue;
    labels.set(subject, (by === 'officer' ? r.officerRef : r.team) ?? subject);
    const c = caseOf(subject, `${r.caseKind}:${r.caseId}`);
    const seen = c.rating;
    if (!seen || RAG_ORDER[r.rag] > RAG_ORDER[seen.rag] || (r.rag === seen.rag && r.ratedOn > seen.ratedOn))
      c.rating = r;
    c.rated.add(r.source);
  }
  for (const k of complaints) {
    const subject = by === 'officer' ? k.officerRef && (k.officerId ?? k.officerRef) : k.team;
    if (!subject || k.receivedOn < window.from || k.receivedOn >= window.to) continue;
    labels.set(subject, (by === 'officer' ? k.officerRef : k.team) ?? subject);
    const c = caseOf(subject, k.caseKind && k.caseId ? `${k.caseKind}:${k.caseId}` : `complaint:${k.complaintId}`);
    if (!c.complaints.some((x) => x.complaintId === k.complaintId)) c.complaints.push(k);
    c.team = k.team;
  }
  const dateOf = (c: ConcernCase) =>
    [c.rating?.ratedOn, ...c.complaints.map((k) => k.receivedOn)]
      .filter((d): d is string => !!d)
      .sort()
      .pop()!;
  const concerns: RepeatConcern[] = [];
  for (const [subject, cases] of bySubject) {
    const all = [...cases.values()].sort((a, b) => (dateOf(a) < dateOf(b) ? -1 : dateOf(a) > dateOf(b) ? 1 : 0));
    if (all.length < threshold) continue;
    const rows = all.flatMap((c) => (c.rating ? [c.rating] : []));
    const last = all[all.length - 1];
    concerns.push({
      subject: labels.get(subject)!,
      team: last.rating?.team ?? last.team,
      cases: all.length,
      red: rows.filter((r) => r.rag === 'red').length,
      inQuarter: all.filter(
        (c) =>
          (c.rating && inRange(c.rating, quarter.from, quarter.to)) ||
          c.complaints.some((k) => k.receivedOn >= quarter.from && k.receivedOn < quarter.to),
      ).length,
      latest: dateOf(last),
      themes: ranked(countThemes(rows)),
      ratings: rows.map((r) => ({
        ratedOn: r.ratedOn,
        rag: r.rag,
        source: r.source,
        caseKind: r.caseKind,
        caseId: r.caseId,
      })),
      complaints: all.filter((c) => c.complaints.length).length,
      caseList: all.map((c) => ({
        caseKind: c.rating?.caseKind ?? c.complaints[0]?.caseKind ?? null,
        caseId: c.rating?.caseId ?? c.complaints[0]?.caseId ?? null,
        complaintReferences: c.complaints.map((k) => k.complaintReference).sort(),
        rag: c.rating?.rag ?? null,
        date: dateOf(c),
        sources: [
          ...(['review', 'panel'] as const).filter((s) => c.rated.has(s)),
          ...(c.complaints.length ? (['complaint'] as const) : []),
        ],
      })),
    });
  }
  return concerns.sort((a, b) => b.cases - a.cases || b.red - a.red || (a.subject < b.subject ? -1 : 1));
}

export interface RagSummary {
  source: 'review' | 'panel' | 'all';
  ratings: number;
  green: number;
  amber: number;
  red: number;
  /** Share rated amber or red, in percent (null with no ratings). */
  amberOrRedPct: number | null;
  vsPreviousQuarter: Change;
}

/** RAG counts by source for the quarter, with the change in amber/red ratings against the previous quarter. */
export function ragSummary(ratings: readonly Rating[], quarter: string): RagSummary[] {
  const w = quarterWindows(quarter);
  return (['review', 'panel', 'all'] as const).map((source) => {
    const mine = ratings.filter((r) => source === 'all' || r.source === source);
    const now = mine.filter((r) => inRange(r, w.current.from, w.current.to));
    const before = mine.filter((r) => inRange(r, w.previous.from, w.previous.to));
    const count = (rows: Rating[], rag: string) => rows.filter((r) => r.rag === rag).length;
    const bad = (rows: Rating[]) => rows.filter((r) => r.rag !== 'green').length;
    return {
      source,
      ratings: now.length,
      green: count(now, 'green'),
      amber: count(now, 'amber'),
      red: count(now, 'red'),
      amberOrRedPct: now.length ? Math.round((bad(now) / now.length) * 1000) / 10 : null,
      vsPreviousQuarter: changeFrom(bad(now), bad(before)),
    };
  });
}

/** Outcomes chosen in the quarter's ratings (referral, debrief, learning …), by source. */
export function outcomeCounts(ratings: readonly Rating[]): { source: string; outcome: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of ratings)
    counts.set(`${r.source}\u0000${r.outcome}`, (counts.get(`${r.source}\u0000${r.outcome}`) ?? 0) + 1);
  return [...counts]
    .map(([k, count]) => ({ source: k.split('\u0000')[0], outcome: k.split('\u0000')[1], count }))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : b.count - a.count));
}

export const REFERRAL_OUTCOME = 'referral_to_professional_standards';

/** The part of a tracked action a referral shows. */
export interface ReferralAction {
  id: string;
  agendaItemId: string | null;
  status: string;
  overdue: boolean;
}

export interface Referral {
  source: Rating['source'];
  ratingId: string;
  caseKind: string;
  caseId: string;
  /** The reference to print (the force's own, or a short one): never the id. */
  caseReference: string;
  ratedOn: string;
  officer: string | null;
  team: string | null;
  themes: string[];
  actions: { id: string; status: string; overdue: boolean }[];
}

/**
 * The quarter's referrals to professional standards: `count` is of distinct cases (a case both a supervisor and a
 * panel referred is one referral), `items` has each referring review or finding with the actions its panel raised.
 * Actions belong to the agenda item, so they stay with a finding through its corrections.
 */
export function referralSummary(
  ratings: readonly Rating[],
  actions: readonly ReferralAction[],
): { count: number; items: Referral[] } {
  const referred = ratings.filter((r) => r.outcome === REFERRAL_OUTCOME);
  return {
    count: new Set(referred.map((r) => `${r.caseKind}:${r.caseId}`)).size,
    items: referred.map((r) => ({
      source: r.source,
      ratingId: r.ratingId,
      caseKind: r.caseKind,
      caseId: r.caseId,
      caseReference: caseReference(r.caseKind, r.caseId, r.sourceReference),
      ratedOn: r.ratedOn,
      officer: r.officerRef,
      team: r.team,
      themes: r.themes,
      actions: actions
        .filter((a) => r.agendaItemId !== null && a.agendaItemId === r.agendaItemId)
        .map((a) => ({ id: a.id, status: a.status, overdue: a.overdue })),
    })),
  };
}
