import { DISCRIMINATORY_BEHAVIOUR, type ComplaintFacts } from '@scrutiny/complaints';
import { quarterWindows } from './quarter-summary';
import { changeFrom, themeTrends, type Change, type ThemeTrend } from './trends';

export interface CountTrend {
  /** Allegations in the quarter, the previous quarter and the same quarter a year before. */
  count: number;
  previousQuarter: number;
  sameQuarterLastYear: number;
  vsPreviousQuarter: Change;
  vsLastYear: Change;
}

export interface Timeliness {
  /** Complaints finalised in the quarter, and the mean and median days from received to finalised. */
  finalised: number;
  meanDays: number | null;
  medianDays: number | null;
}

/** The quarterly review's complaints sections (professional standards' full view). */
export interface ComplaintsReview {
  /** Complaints received in the quarter, their allegations, and both against the two comparison quarters. */
  received: { complaints: CountTrend; allegations: CountTrend };
  /** Allegations by IOPC category. */
  byCategory: ({ category: string } & CountTrend)[];
  /** Allegations of discriminatory behaviour by protected characteristic. */
  discrimination: ({ characteristic: string } & CountTrend)[];
  /** Complaints received in the quarter that arise from an encounter, by its kind and the power used. */
  powers: { kind: string; power: string | null; complaints: number; allegations: number; discrimination: number }[];
  /** Days from received to finalised, for complaints finalised in the quarter and in the previous one. */
  timeliness: Timeliness & { previousQuarter: Timeliness; meanDaysChange: number | null };
  /** Themes tagged on complaints received in the quarter, against the comparison quarters. */
  themes: ThemeTrend[];
  /** Outcomes of the allegations of complaints finalised in the quarter. */
  outcomes: { outcome: string | null; allegations: number }[];
  /** Complaints received in the quarter by how they are handled. */
  handling: { handling: string | null; complaints: number }[];
}

const inRange = (day: string | null, w: { from: string; to: string }) => day !== null && day >= w.from && day < w.to;

function trend(current: number, previous: number, lastYear: number): CountTrend {
  return {
    count: current,
    previousQuarter: previous,
    sameQuarterLastYear: lastYear,
    vsPreviousQuarter: changeFrom(current, previous),
    vsLastYear: changeFrom(current, lastYear),
  };
}

function countBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return counts;
}

function timeliness(facts: ComplaintFacts, w: { from: string; to: string }): Timeliness {
  const days = facts.complaints
    .filter((c) => inRange(c.finalisedOn, w))
    .map((c) => (Date.parse(c.finalisedOn!) - Date.parse(c.receivedOn)) / 86_400_000)
    .sort((a, b) => a - b);
  if (!days.length) return { finalised: 0, meanDays: null, medianDays: null };
  const mid = Math.floor(days.length / 2);
  return {
    finalised: days.length,
    meanDays: Math.round((days.reduce((s, d) => s + d, 0) / days.length) * 10) / 10,
    medianDays: days.length % 2 ? days[mid] : (days[mid - 1] + days[mid]) / 2,
  };
}

/**
 * The complaints sections of a quarter's review from the facts of its window (complaints received in the quarter,
 * the previous quarter and the same quarter last year, and those finalised in the quarter or the previous one).
 * Complaints count in the quarter they were received; outcomes and timeliness in the quarter they were finalised.
 */
export function complaintsReview(facts: ComplaintFacts, quarter: string): ComplaintsReview {
  const w = quarterWindows(quarter);
  const windows = [w.current, w.previous, w.lastYear];
  const received = windows.map((win) => facts.complaints.filter((c) => inRange(c.receivedOn, win)));
  const allegations = windows.map((win) => facts.allegations.filter((a) => inRange(a.receivedOn, win)));
  const trendsOf = (key: (a: ComplaintFacts['allegations'][number]) => string, rows = allegations) => {
    const [now, before, lastYear] = rows.map((r) => countBy(r, key));
    return [...new Set([...now.keys(), ...before.keys(), ...lastYear.keys()])]
      .map((k) => ({ key: k, ...trend(now.get(k) ?? 0, before.get(k) ?? 0, lastYear.get(k) ?? 0) }))
      .sort((a, b) => b.count - a.count || b.previousQuarter - a.previousQuarter || (a.key < b.key ? -1 : 1));
  };
  const discriminatory = allegations.map((rows) => rows.filter((a) => a.category === DISCRIMINATORY_BEHAVIOUR));

  const powers = new Map<string, ComplaintsReview['powers'][number] & { ids: Set<string> }>();
  for (const a of allegations[0]) {
    if (!a.encounterKind) continue;
    const key = `${a.encounterKind}\u0000${a.power ?? ''}`;
    const row = powers.get(key) ?? {
      kind: a.encounterKind,
      power: a.power,
      complaints: 0,
      allegations: 0,
      discrimination: 0,
      ids: new Set<string>(),
    };
    row.ids.add(a.complaintId);
    row.complaints = row.ids.size;
    row.allegations++;
    if (a.category === DISCRIMINATORY_BEHAVIOUR) row.discrimination++;
    powers.set(key, row);
  }
  const now = timeliness(facts, w.current);
  const before = timeliness(facts, w.previous);
  const themeCounts = received.map((rows) => {
    const counts = new Map<string, number>();
    for (const c of rows) for (const t of c.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  });
  const finalisedIds = new Set(facts.complaints.filter((c) => inRange(c.finalisedOn, w.current)).map((c) => c.id));
  const outcomes = countBy(
    facts.allegations.filter((a) => finalisedIds.has(a.complaintId)),
    (a) => a.outcome ?? '',
  );
  const handling = countBy(received[0], (c) => c.handling ?? '');
  return {
    received: {
      complaints: trend(received[0].length, received[1].length, received[2].length),
      allegations: trend(allegations[0].length, allegations[1].length, allegations[2].length),
    },
    byCategory: trendsOf((a) => a.category).map(({ key, ...t }) => ({ category: key, ...t })),
    discrimination: trendsOf((a) => a.characteristic ?? 'unknown', discriminatory).map(({ key, ...t }) => ({
      characteristic: key,
      ...t,
    })),
    powers: [...powers.values()]
      .map(({ ids: _ids, ...row }) => row)
      .sort((a, b) => b.complaints - a.complaints || (a.kind + (a.power ?? '') < b.kind + (b.power ?? '') ? -1 : 1)),
    timeliness: {
      ...now,
      previousQuarter: before,
      meanDaysChange:
        now.meanDays !== null && before.meanDays !== null
          ? Math.round((now.meanDays - before.meanDays) * 10) / 10
          : null,
    },
    themes: themeTrends(themeCounts[0], themeCounts[1], themeCounts[2]),
    outcomes: [...outcomes]
      .map(([outcome, n]) => ({ outcome: outcome || null, allegations: n }))
      .sort((a, b) => b.allegations - a.allegations),
    handling: [...handling]
      .map(([h, n]) => ({ handling: h || null, complaints: n }))
      .sort((a, b) => b.complaints - a.complaints),
  };
}
