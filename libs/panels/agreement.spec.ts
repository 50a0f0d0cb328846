import { krippendorffAlphaNominal } from './agreement';
import { transitionProblem } from './session-state';

describe("Krippendorff's alpha (nominal)", () => {
  it("reproduces the worked example of Krippendorff (2011), 'Computing Krippendorff's alpha-reliability': 0.743", () => {
    // Four observers, twelve units; '.' is a missing value.
    const rows = [
      '1 2 3 3 2 1 4 1 2 . . .',
      '1 2 3 3 2 2 4 1 2 5 . 3',
      '. 3 3 3 2 3 4 2 2 5 1 .',
      '1 2 3 3 2 4 4 1 2 5 1 .',
    ].map((r) => r.split(' '));
    const units = rows[0].map((_, u) => rows.map((r) => (r[u] === '.' ? null : r[u])));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });

  it('is 1 for perfect agreement, below 0 for systematic disagreement, and null with nothing to compare', () => {
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['b', 'b'],
        ['a', 'a'],
      ]),
    ).toBe(1);
    expect(
      krippendorffAlphaNominal([
        ['a', 'b'],
        ['b', 'a'],
      ])!,
    ).toBeLessThan(0);
    expect(
      krippendorffAlphaNominal([
        ['a', null],
        [null, 'b'],
      ]),
    ).toBeNull();
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBeNull();
  });
});

describe('session life cycle', () => {
  const facts = { agendaItems: 2, present: 3, quorum: 3 };
  it('allows only planned → open → closed → published', () => {
    expect(transitionProblem('planned', 'open', facts)).toBeNull();
    expect(transitionProblem('open', 'closed', facts)).toBeNull();
    expect(transitionProblem('closed', 'published', facts)).toBeNull();
    expect(transitionProblem('planned', 'closed', facts)).toBe(
      'a planned session cannot become closed (it can become: open)',
    );
    expect(transitionProblem('published', 'open', facts)).toBe('a published session cannot become open (it is final)');
  });
  it('refuses to open an empty agenda or close without quorum', () => {
    expect(transitionProblem('planned', 'open', { ...facts, agendaItems: 0 })).toBe('the agenda is empty');
    expect(transitionProblem('open', 'closed', { ...facts, present: 2 })).toBe(
      'no quorum: 2 member(s) recorded present, 3 needed',
    );
  });
});
