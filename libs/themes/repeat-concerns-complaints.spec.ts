import type { ComplaintCase } from '@scrutiny/complaints';
import { quarterWindows, repeatConcerns, type Rating } from './quarter-summary';

const Q2 = quarterWindows('2024-Q2');

let n = 0;
function rating(over: Partial<Rating>): Rating {
  n += 1;
  return {
    source: 'review',
    ratingId: `r${n}`,
    caseKind: 'stop_search',
    caseId: `c${n}`,
    ratedOn: '2024-05-01',
    rag: 'amber',
    outcome: 'no_action',
    themes: [],
    force: 'E23000003',
    area: null,
    areaName: null,
    team: 'TEAM-A',
    officerId: 'o1',
    officerRef: 'PC-1',
    agendaItemId: null,
    ...over,
  };
}

function complaint(over: Partial<ComplaintCase>): ComplaintCase {
  n += 1;
  return {
    complaintId: `k${n}`,
    complaintReference: `CO/${n}`,
    receivedOn: '2024-05-10',
    officerId: 'o1',
    officerRef: 'PC-1',
    team: 'TEAM-A',
    caseKind: null,
    caseId: null,
    ...over,
  };
}

const officers = (ratings: Rating[], complaints: ComplaintCase[]) =>
  repeatConcerns(ratings, 'officer', Q2.concernWindow, Q2.current, 2, complaints);

describe('repeat concerns with complaints (two or more distinct cases, complaints or amber/red ratings, in 12 months)', () => {
  it('flags an officer with one amber-rated case and one complaint, naming where each came from', () => {
    const [concern] = officers(
      [rating({ ratedOn: '2024-01-15', caseId: 'search-1' })],
      [complaint({ receivedOn: '2024-05-10', complaintReference: 'CO/24/1' })],
    );
    expect(concern).toMatchObject({
      subject: 'PC-1',
      cases: 2,
      complaints: 1,
      red: 0,
      inQuarter: 1,
      latest: '2024-05-10',
    });
    expect(concern.caseList).toEqual([
      expect.objectContaining({ caseId: 'search-1', sources: ['review'], rag: 'amber', complaintReferences: [] }),
      expect.objectContaining({ caseId: null, sources: ['complaint'], rag: null, complaintReferences: ['CO/24/1'] }),
    ]);
  });

  it('counts one case once when it has both a complaint and a red rating', () => {
    const rated = rating({ rag: 'red', caseKind: 'stop_search', caseId: 'search-9', ratedOn: '2024-04-20' });
    const about = complaint({ caseKind: 'stop_search', caseId: 'search-9', receivedOn: '2024-04-25' });
    expect(officers([rated], [about])).toEqual([]);
    // A panel rated it too, and the complaint has two allegations naming the officer: still one case.
    const panel = rating({
      source: 'panel',
      rag: 'amber',
      caseKind: 'stop_search',
      caseId: 'search-9',
      ratedOn: '2024-06-01',
    });
    expect(officers([rated, panel], [about, { ...about }])).toEqual([]);
    // With a second, unrelated complaint: two cases, the first from all three sources.
    const [concern] = officers([rated, panel], [about, complaint({ receivedOn: '2024-06-10' })]);
    expect(concern).toMatchObject({ cases: 2, red: 1, complaints: 2 });
    expect(concern.caseList![0]).toMatchObject({
      caseId: 'search-9',
      rag: 'red',
      sources: ['review', 'panel', 'complaint'],
    });
  });

  it('counts a complaint about an encounter rated green as a case (the complaint is the concern)', () => {
    const green = rating({ rag: 'green', caseId: 'search-g' });
    const [concern] = officers(
      [green],
      [complaint({ caseKind: 'stop_search', caseId: 'search-g' }), complaint({ receivedOn: '2024-06-01' })],
    );
    expect(concern).toMatchObject({ cases: 2, complaints: 2, red: 0 });
    expect(concern.caseList!.map((c) => c.sources)).toEqual([['complaint'], ['complaint']]);
  });

  it('keeps to the window edges: received 2023-07-01 and 2024-06-30 count, 2023-06-30 and 2024-07-01 do not', () => {
    expect(officers([], [complaint({ receivedOn: '2023-06-30' }), complaint({ receivedOn: '2024-06-30' })])).toEqual(
      [],
    );
    expect(officers([], [complaint({ receivedOn: '2023-07-01' }), complaint({ receivedOn: '2024-07-01' })])).toEqual(
      [],
    );
    expect(officers([], [complaint({ receivedOn: '2023-07-01' }), complaint({ receivedOn: '2024-06-30' })])).toEqual([
      expect.objectContaining({ cases: 2, inQuarter: 1 }),
    ]);
    // A rating at the edge and a complaint at the other edge.
    expect(
      officers([rating({ ratedOn: '2023-07-01' })], [complaint({ receivedOn: '2024-06-30' })]).map((c) => c.cases),
    ).toEqual([2]);
    expect(officers([rating({ ratedOn: '2023-06-30' })], [complaint({ receivedOn: '2024-06-30' })])).toEqual([]);
  });

  it('groups by team too, and tells apart two forces’ officers with the same reference', () => {
    const teams = repeatConcerns([], 'team', Q2.concernWindow, Q2.current, 2, [
      complaint({ officerId: 'o1', team: 'TEAM-A' }),
      complaint({ officerId: 'o2', officerRef: 'PC-2', team: 'TEAM-A' }),
    ]);
    expect(teams).toEqual([expect.objectContaining({ subject: 'TEAM-A', cases: 2 })]);
    expect(officers([], [complaint({ officerId: 'force-1-pc-1' }), complaint({ officerId: 'force-2-pc-1' })])).toEqual(
      [],
    );
  });

  it('leaves the ratings-only rule as it was when there are no complaints', () => {
    const [concern] = officers([rating({ ratedOn: '2023-08-01' }), rating({ rag: 'red', ratedOn: '2024-06-01' })], []);
    expect(concern).toMatchObject({ cases: 2, red: 1, inQuarter: 1, complaints: 0, latest: '2024-06-01' });
  });
});
