import { krippendorffAlpha, measureAgreement, MIN_PAIRABLE_CASES } from './agreement';
import { CRITERION_SCALES, type MeasurementLevel } from './criteria-scales';
import { transitionProblem } from './session-state';

/**
 * Alpha computed the long way, independently of the coincidence matrix: over every pair of values in the data,
 * D_e = sum of squared differences between all n(n-1) ordered pairs of pairable values / (n(n-1)), and
 * D_o = sum over units of the squared differences within the unit / (m_u - 1), over n. The ordinal difference between
 * two ranks is taken from the list of pairable values itself (how many lie between them, ends counted half).
 */
function alphaByPairs(units: (string | null)[][], level: MeasurementLevel, order: string[]): number {
  const pairable = units.map((u) => u.filter((v): v is string => v !== null)).filter((u) => u.length >= 2);
  const all = pairable.flat();
  const n = all.length;
  const rank = (v: string) => order.indexOf(v);
  const delta2 = (a: string, b: string): number => {
    if (a === b) return 0;
    if (level === 'nominal') return 1;
    if (level === 'interval') return (Number(a) - Number(b)) ** 2;
    const [lo, hi] = [Math.min(rank(a), rank(b)), Math.max(rank(a), rank(b))];
    const inRange = all.filter((v) => rank(v) >= lo && rank(v) <= hi).length;
    const atEnds = all.filter((v) => v === a).length + all.filter((v) => v === b).length;
    return (inRange - atEnds / 2) ** 2;
  };
  let within = 0;
  for (const u of pairable)
    for (let i = 0; i < u.length; i++)
      for (let j = 0; j < u.length; j++) if (i !== j) within += delta2(u[i], u[j]) / (u.length - 1);
  let across = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) across += delta2(all[i], all[j]);
  return 1 - within / n / (across / (n * (n - 1)));
}

describe("Krippendorff's alpha", () => {
  // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers, twelve units, '.'
  // missing. The paper reports nominal 0.743, ordinal 0.815, interval 0.849.
  const rows = [
    '1 2 3 3 2 1 4 1 2 . . .',
    '1 2 3 3 2 2 4 1 2 5 . 3',
    '. 3 3 3 2 3 4 2 2 5 1 .',
    '1 2 3 3 2 4 4 1 2 5 1 .',
  ].map((r) => r.split(' '));
  const units = rows[0].map((_, u) => rows.map((r) => (r[u] === '.' ? null : r[u])));
  const order = ['1', '2', '3', '4', '5'];

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
  ] as const)('reproduces the paper’s %s alpha, %d, and agrees with a pair-by-pair computation', (level, published) => {
    const alpha = krippendorffAlpha(units, level, order)!;
    expect(alpha).toBeCloseTo(published, 3);
    expect(alpha).toBeCloseTo(alphaByPairs(units, level, order), 12);
  });

  it('credits near-misses on an ordered scale: ordinal alpha above nominal when raters differ by one step', () => {
    // Five members rate eight cases green/amber/red; where they disagree it is by one step (never green against red).
    const rag = [
      ['green', 'green', 'green', 'amber', 'green'],
      ['amber', 'amber', 'red', 'amber', 'amber'],
      ['red', 'red', 'red', 'amber', 'red'],
      ['green', 'amber', 'green', 'green', 'green'],
      ['amber', 'amber', 'amber', 'green', null],
      ['red', 'red', 'amber', 'red', 'red'],
      ['green', 'green', 'green', 'green', 'amber'],
      ['amber', 'red', 'amber', 'amber', 'amber'],
    ];
    const ragOrder = ['green', 'amber', 'red'];
    const nominal = krippendorffAlpha(rag, 'nominal')!;
    const ordinal = krippendorffAlpha(rag, 'ordinal', ragOrder)!;
    expect(ordinal).toBeGreaterThan(nominal + 0.1);
    expect(nominal).toBeCloseTo(alphaByPairs(rag, 'nominal', ragOrder), 12);
    expect(ordinal).toBeCloseTo(alphaByPairs(rag, 'ordinal', ragOrder), 12);
  });

  it('is 1 for perfect agreement, below 0 for systematic disagreement, null with nothing to compare', () => {
    expect(
      krippendorffAlpha(
        [
          ['a', 'a'],
          ['b', 'b'],
        ],
        'nominal',
      ),
    ).toBe(1);
    expect(
      krippendorffAlpha(
        [
          ['a', 'a'],
          ['a', 'a'],
        ],
        'nominal',
      ),
    ).toBe(1);
    expect(
      krippendorffAlpha(
        [
          ['a', 'b'],
          ['b', 'a'],
        ],
        'nominal',
      )!,
    ).toBeLessThan(0);
    expect(
      krippendorffAlpha(
        [
          ['a', null],
          [null, 'b'],
        ],
        'nominal',
      ),
    ).toBeNull();
  });
});

describe('agreement on a form criterion', () => {
  const rag = CRITERION_SCALES['assessment.rag'];

  it('picks the metric from the criteria table: ordinal for RAG, GOWISELY and conduct; nominal for yes/no and outcome', () => {
    expect(rag).toMatchObject({ level: 'ordinal', values: ['green', 'amber', 'red'] });
    expect(CRITERION_SCALES['gowisely.grounds']).toMatchObject({
      level: 'ordinal',
      values: ['given', 'partly', 'not_given'],
    });
    expect(CRITERION_SCALES['conduct.dignity']).toMatchObject({
      level: 'ordinal',
      values: ['good', 'adequate', 'poor'],
    });
    expect(CRITERION_SCALES['recordQuality.receiptOffered'].level).toBe('nominal');
    expect(CRITERION_SCALES.outcome.level).toBe('nominal');
  });

  it('treats cannot tell, not applicable, unknown and insufficient information as no rating, not as disagreement', () => {
    const result = measureAgreement(
      [
        ['given', 'given', 'cannot_tell'],
        ['partly', 'partly', 'not_applicable'],
        ['not_given', 'not_given', null],
      ],
      CRITERION_SCALES['gowisely.identity'],
      { seed: 'x' },
    );
    expect(result).toMatchObject({ alpha: 1, pairableCases: 3, pairableValues: 6, reason: null });
    const grounds = measureAgreement(
      [
        ['reasonable', 'insufficient_information', 'reasonable'],
        ['not_reasonable', 'not_reasonable', 'insufficient_information'],
      ],
      CRITERION_SCALES['lawfulness.grounds'],
      { seed: 'x' },
    );
    expect(grounds).toMatchObject({ level: 'nominal', alpha: 1, pairableValues: 4 });
  });

  it('reports alpha 1, with the interval [1, 1], when every member gave the same answer', () => {
    const result = measureAgreement(
      [
        ['amber', 'amber'],
        ['amber', 'amber', 'amber'],
      ],
      rag,
      { seed: 'x' },
    );
    expect(result).toEqual({
      level: 'ordinal',
      alpha: 1,
      ci95: { lower: 1, upper: 1 },
      pairableCases: 2,
      pairableValues: 5,
      reason: null,
    });
  });

  it('says so, instead of giving a number, when too few cases were rated by two or more members', () => {
    const result = measureAgreement(
      [
        ['amber', 'red'],
        ['green', null],
        ['cannot_tell', 'red'],
      ],
      rag,
      { seed: 'x' },
    );
    expect(result).toMatchObject({ alpha: null, ci95: null, pairableCases: 1, pairableValues: 2 });
    expect(result.reason).toMatch(
      `1 case(s) rated on this scale by two or more members, at least ${MIN_PAIRABLE_CASES}`,
    );
  });

  it('gives a seeded bootstrap interval around alpha: the same interval every time for the same ratings', () => {
    const units = [
      ['green', 'green', 'amber'],
      ['amber', 'amber', 'amber'],
      ['red', 'red', 'amber'],
      ['green', 'green', 'green'],
      ['red', 'amber', 'red'],
      ['amber', 'green', 'amber'],
      ['green', 'green', null],
      ['red', 'red', 'red'],
    ];
    const first = measureAgreement(units, rag, { seed: 'session-1/assessment.rag' });
    const again = measureAgreement(units, rag, { seed: 'session-1/assessment.rag' });
    expect(again).toEqual(first);
    expect(first.alpha).toBeCloseTo(krippendorffAlpha(units, 'ordinal', ['green', 'amber', 'red'])!, 12);
    expect(first.ci95!.lower).toBeLessThan(first.alpha!);
    expect(first.ci95!.upper).toBeGreaterThanOrEqual(first.alpha!);
    expect(first.ci95!.upper).toBeLessThanOrEqual(1);
  });
});

describe('session life cycle', () => {
  const facts = { agendaItems: 2, present: 3, quorum: 3 };
  it('allows only planned → open → closed → published', () => {
    expect(transitionProblem('planned', 'open', facts)).toBeNull();
    expect(transitionProblem('open', 'closed', facts)).toBeNull();
    expect(transitionProblem('closed', 'published', facts)).toBeNull();
    expect(transitionProblem('planned', 'closed', facts)).toBe(
      'a planned session cannot become closed (it can become: open, cancelled)',
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
