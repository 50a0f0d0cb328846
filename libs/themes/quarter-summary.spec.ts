import {
  breakdown,
  quarterThemeTrends,
  quarterWindows,
  ragSummary,
  REFERRAL_OUTCOME,
  referralSummary,
  repeatConcerns,
  themesOverTime,
  type Rating,
} from './quarter-summary';

let n = 0;
function rating(over: Partial<Rating>): Rating {
  n += 1;
  return {
    source: 'review',
    ratingId: `r${n}`,
    caseKind: 'stop_search',
    caseId: `c${n}`,
    ratedOn: '2024-05-01',
    rag: 'green',
    outcome: 'no_action',
    themes: [],
    force: 'E23000003',
    area: 'E07000117',
    areaName: 'Burnley',
    team: 'TEAM-A',
    officerId: 'o1',
    officerRef: 'PC-1',
    agendaItemId: null,
    ...over,
  };
}

const Q2 = quarterWindows('2024-Q2');

describe('repeat-concern rule (two or more amber/red cases in the rolling 12 months)', () => {
  it('flags an officer with two amber/red cases in the 12 months ending with the quarter', () => {
    const concerns = repeatConcerns(
      [
        rating({ rag: 'amber', ratedOn: '2023-08-01' }),
        rating({ rag: 'red', ratedOn: '2024-06-01' }),
        rating({ rag: 'green' }),
      ],
      'officer',
      Q2.concernWindow,
      Q2.current,
    );
    expect(concerns).toEqual([
      expect.objectContaining({ subject: 'PC-1', cases: 2, red: 1, inQuarter: 1, latest: '2024-06-01' }),
    ]);
  });

  it('does not flag one amber/red case, or two more than 12 months apart', () => {
    expect(
      repeatConcerns([rating({ rag: 'red' }), rating({ rag: 'green' })], 'officer', Q2.concernWindow, Q2.current),
    ).toEqual([]);
    // 2023-06-30 is before the window (2023-07-01 .. 2024-06-30)
    expect(
      repeatConcerns(
        [rating({ rag: 'amber', ratedOn: '2023-06-30' }), rating({ rag: 'amber', ratedOn: '2024-06-30' })],
        'officer',
        Q2.concernWindow,
        Q2.current,
      ),
    ).toEqual([]);
    expect(
      repeatConcerns(
        [rating({ rag: 'amber', ratedOn: '2023-07-01' }), rating({ rag: 'amber', ratedOn: '2024-06-30' })],
        'officer',
        Q2.concernWindow,
        Q2.current,
      ),
    ).toHaveLength(1);
    // After the quarter: not counted in this quarter's review
    expect(
      repeatConcerns(
        [rating({ rag: 'amber' }), rating({ rag: 'amber', ratedOn: '2024-07-01' })],
        'officer',
        Q2.concernWindow,
        Q2.current,
      ),
    ).toEqual([]);
  });

  it('counts a case rated by a supervisor and again by a panel once, at its worse rating', () => {
    const review = rating({ rag: 'amber', caseId: 'same', ratedOn: '2024-04-01' });
    const panel = rating({ source: 'panel', rag: 'red', caseId: 'same', ratedOn: '2024-06-12' });
    expect(repeatConcerns([review, panel], 'officer', Q2.concernWindow, Q2.current)).toEqual([]);
    const [concern] = repeatConcerns(
      [review, panel, rating({ rag: 'amber', ratedOn: '2024-01-10' })],
      'officer',
      Q2.concernWindow,
      Q2.current,
    );
    expect(concern).toMatchObject({ cases: 2, red: 1 });
  });

  it('groups by team as well as by officer, and ignores ratings without one', () => {
    const rows = [
      rating({ rag: 'amber', officerRef: 'PC-1' }),
      rating({ rag: 'red', officerRef: 'PC-2', officerId: 'o2' }),
      rating({ rag: 'red', team: null, officerRef: null, officerId: null }),
    ];
    expect(repeatConcerns(rows, 'officer', Q2.concernWindow, Q2.current)).toEqual([]);
    expect(repeatConcerns(rows, 'team', Q2.concernWindow, Q2.current).map((c) => [c.subject, c.cases])).toEqual([
      ['TEAM-A', 2],
    ]);
  });
});

it('keeps two forces’ officers with the same reference apart (references are unique per force)', () => {
  const rows = [
    rating({ rag: 'red', officerRef: 'PC-1', officerId: 'o1' }),
    rating({ rag: 'red', officerRef: 'PC-1', officerId: 'o-other-force' }),
  ];
  expect(repeatConcerns(rows, 'officer', Q2.concernWindow, Q2.current)).toEqual([]);
});

describe('quarter summaries', () => {
  const vocabulary = new Map([
    ['record_quality', { code: 'record_quality', label: 'Quality of the record', parentCode: 'recording' }],
  ]);
  const rows = [
    rating({ themes: ['record_quality', 'good_practice'] }),
    rating({ source: 'panel', themes: ['record_quality'], ratedOn: '2024-06-12', rag: 'amber' }),
    rating({ themes: ['record_quality'], ratedOn: '2024-02-01', rag: 'red' }),
    rating({ themes: ['record_quality', 'good_practice'], ratedOn: '2023-05-01' }),
    rating({ themes: ['good_practice'], ratedOn: '2023-05-02' }),
  ];

  it('compares theme counts with the previous quarter and the same quarter last year, per source', () => {
    const trends = quarterThemeTrends(rows, '2024-Q2', vocabulary);
    expect(trends.find((t) => t.theme === 'record_quality')).toMatchObject({
      label: 'Quality of the record',
      parentCode: 'recording',
      count: 2,
      fromReviews: 1,
      fromPanels: 1,
      previousQuarter: 1,
      sameQuarterLastYear: 1,
      vsPreviousQuarter: { change: 1, changePct: 100 },
    });
    expect(trends.find((t) => t.theme === 'good_practice')).toMatchObject({
      count: 1,
      previousQuarter: 0,
      sameQuarterLastYear: 2,
      vsLastYear: { change: -1, changePct: -50 },
      vsPreviousQuarter: { changePct: null },
    });
  });

  it('counts themes per quarter for the chart, zero where a theme was not tagged', () => {
    expect(themesOverTime(rows, ['2023-Q2', '2024-Q1', '2024-Q2'], ['record_quality'])).toEqual([
      { quarter: '2023-Q2', counts: { record_quality: 1 } },
      { quarter: '2024-Q1', counts: { record_quality: 1 } },
      { quarter: '2024-Q2', counts: { record_quality: 2 } },
    ]);
  });

  it('summarises RAG ratings and breaks ratings down by team', () => {
    const all = ragSummary(rows, '2024-Q2').find((s) => s.source === 'all')!;
    expect(all).toMatchObject({
      ratings: 2,
      green: 1,
      amber: 1,
      red: 0,
      amberOrRedPct: 50,
      vsPreviousQuarter: { change: 0, changePct: 0 },
    });
    const [teamA, none] = breakdown([...rows.slice(0, 2), rating({ team: null })], 'team');
    expect(teamA).toMatchObject({
      key: 'TEAM-A',
      ratings: 2,
      amberOrRed: 1,
      themes: [
        { theme: 'record_quality', count: 2 },
        { theme: 'good_practice', count: 1 },
      ],
    });
    expect(none).toMatchObject({ key: 'unknown', name: 'No team recorded', ratings: 1 });
  });
});

describe('referrals', () => {
  it('counts distinct cases, lists each referring rating, and keeps a panel’s actions with its agenda item through corrections', () => {
    const reviewed = rating({ outcome: REFERRAL_OUTCOME, caseId: 'same' });
    // The panel's latest finding (a correction: a new finding id) about the same case; its action was raised on version 1.
    const corrected = rating({
      source: 'panel',
      ratingId: 'finding-v2',
      agendaItemId: 'item-1',
      outcome: REFERRAL_OUTCOME,
      caseId: 'same',
    });
    const other = rating({ outcome: REFERRAL_OUTCOME });
    const notReferred = rating({ source: 'panel', agendaItemId: 'item-2', outcome: 'no_action' });
    const actions = [
      { id: 'a1', agendaItemId: 'item-1', status: 'open', overdue: true },
      { id: 'a2', agendaItemId: 'item-2', status: 'done', overdue: false },
      { id: 'a3', agendaItemId: null, status: 'open', overdue: false }, // raised at the themes meeting
    ];
    const summary = referralSummary([reviewed, corrected, other, notReferred], actions);
    expect(summary.count).toBe(2);
    expect(summary.items.map((i) => [i.ratingId, i.actions.map((a) => a.id)])).toEqual([
      [reviewed.ratingId, []],
      ['finding-v2', ['a1']],
      [other.ratingId, []],
    ]);
  });
});
