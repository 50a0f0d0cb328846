import { clopperPearson } from '@scrutiny/statistics';
import {
  describeCoverage,
  estimateProportion,
  monthWideStrata,
  randomPartStrata,
  type EstimationItem,
  type StratumSample,
} from './estimates';

const stratum = (name: string, population: number, values: (boolean | null)[]): StratumSample => ({
  stratum: name,
  population,
  values,
});
const yesNo = (yes: number, no: number) => [...Array<boolean>(yes).fill(true), ...Array<boolean>(no).fill(false)];

describe('Clopper–Pearson, as the estimates use it (effective, non-integer counts included)', () => {
  it('matches the closed forms and scipy.stats.beta.ppf', () => {
    // x = 0: the upper bound solves (1 − u)^n = 0.025; x = n: the lower bound solves l^n = 0.025.
    expect(clopperPearson(0, 10).upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 12);
    expect(clopperPearson(10, 10).lower).toBeCloseTo(0.025 ** (1 / 10), 12);
    // Beta(1, b) and Beta(a, 1) have closed-form quantiles, for any real a and b.
    expect(clopperPearson(1, 7.5).lower).toBeCloseTo(1 - 0.975 ** (1 / 7.5), 12);
    expect(clopperPearson(6.5, 7.5).upper).toBeCloseTo(0.975 ** (1 / 7.5), 12);
    // scipy.stats.beta.ppf(0.025, 5, 6), beta.ppf(0.975, 6, 5)
    expect(clopperPearson(5, 10).lower).toBeCloseTo(0.18708602844739855, 10);
    expect(clopperPearson(5, 10).upper).toBeCloseTo(0.8129139715526015, 10);
    // beta.ppf(0.025, 2.5, 8.5), beta.ppf(0.975, 3.5, 7.5): x = 2.5 of n = 10
    expect(clopperPearson(2.5, 10).lower).toBeCloseTo(0.044059413552630794, 10);
    expect(clopperPearson(2.5, 10).upper).toBeCloseTo(0.6058183181486713, 10);
  });
});

describe('stratified proportion estimates', () => {
  it('matches a hand-worked two-stratum example, with the Korn–Graubard interval', () => {
    // Stratum A: N=100, 4 of 10 reviewed say yes; stratum B: N=300, 3 of 10.
    // p = (100·0.4 + 300·0.3) / 400 = 0.325.
    // var = (1/4)²·(1−10/100)·(0.4·0.6·10/9)/10 + (3/4)²·(1−10/300)·(0.3·0.7·10/9)/10
    //     = 0.0625·0.9·0.0266667 + 0.5625·0.966667·0.0233333 = 0.0015 + 0.0126875 = 0.0141875
    // n_eff = 0.325·0.675 / 0.0141875 = 15.4626 (under 20 reviews); x = 0.325·15.4626 = 5.0253;
    // scipy.stats.beta.ppf(0.025, x, n_eff − x + 1) = 0.11541444, beta.ppf(0.975, x + 1, n_eff − x) = 0.60375057.
    const result = estimateProportion([stratum('A', 100, yesNo(4, 6)), stratum('B', 300, yesNo(3, 7))]);
    expect(result.estimate).toBeCloseTo(0.325, 12);
    expect(result.method).toBe('korn_graubard');
    expect(result.effectiveSampleSize).toBeCloseTo(15.462555066079295, 9);
    expect(result.designEffect).toBeCloseTo(0.0141875 / ((0.325 * 0.675) / 20), 9);
    expect(result.ci95![0]).toBeCloseTo(0.1154144410538997, 8);
    expect(result.ci95![1]).toBeCloseTo(0.6037505682761998, 8);
    expect(result).toMatchObject({ reviewed: 20, populationCovered: 400, populationTotal: 400 });
  });

  it('never gives a zero-width interval when every review says no (or yes): the exact one-sided bound', () => {
    const none = estimateProportion([stratum('A', 600, yesNo(0, 6)), stratum('B', 400, yesNo(0, 4))]);
    expect(none).toMatchObject({ estimate: 0, reviewed: 10, effectiveSampleSize: 10, method: 'korn_graubard' });
    expect(none.ci95![0]).toBe(0);
    expect(none.ci95![1]).toBeCloseTo(1 - 0.025 ** (1 / 10), 12);
    const all = estimateProportion([stratum('A', 600, yesNo(6, 0)), stratum('B', 400, yesNo(4, 0))]);
    expect(all.estimate).toBe(1);
    expect(all.ci95![0]).toBeCloseTo(0.025 ** (1 / 10), 12);
    expect(all.ci95![1]).toBe(1);
  });

  it('counts no more reviews than were done: the effective sample size is capped at the number reviewed', () => {
    // 10 of 11 records reviewed: by the variance alone n_eff = (n − 1)/(1 − f) = 9/(1/11) = 99; capped at 10, the
    // plain Clopper–Pearson interval for 5 of 10 applies.
    const result = estimateProportion([stratum('A', 11, yesNo(5, 5))]);
    expect(result.effectiveSampleSize).toBe(10);
    expect(result.ci95![0]).toBeCloseTo(0.18708602844739855, 10);
    expect(result.ci95![1]).toBeCloseTo(0.8129139715526015, 10);
  });

  it('gives a stratum with one review the whole sample’s variance instead of none', () => {
    // A: 1 review (yes) of 50; B: 4 reviews (1 yes) of 50. p = 0.5·1 + 0.5·0.25 = 0.625;
    // pooled s² = 0.625·0.375·5/4 = 0.29296875; var = 0.25·(49/50)·0.29296875 + 0.25·(46/50)·(0.25·0.75·4/3)/4
    const result = estimateProportion([stratum('A', 50, [true]), stratum('B', 50, [true, false, false, false])]);
    expect(result.estimate).toBeCloseTo(0.625, 12);
    const variance = 0.25 * (49 / 50) * 0.29296875 + 0.25 * (46 / 50) * ((0.25 * 0.75 * 4) / 3 / 4);
    expect(result.designEffect).toBeCloseTo(variance / ((0.625 * 0.375) / 5), 9);
  });

  it('has no sampling error only when every record of the covered strata was reviewed (a census)', () => {
    const result = estimateProportion([stratum('A', 3, [true, false, false])]);
    expect(result).toMatchObject({ method: 'census', effectiveSampleSize: null });
    expect(result.estimate).toBeCloseTo(1 / 3, 12);
    expect(result.ci95).toEqual([result.estimate, result.estimate]);
  });

  it('leaves out unreviewed items and strata with no completed review, and says how much it covers', () => {
    const result = estimateProportion([stratum('A', 50, [true, null, null]), stratum('B', 150, [null, null])]);
    expect(result).toMatchObject({ estimate: 1, reviewed: 1, populationCovered: 50, populationTotal: 200 });
    expect(result.ci95![0]).toBeCloseTo(0.025, 12); // one review: Clopper–Pearson for 1 of 1
    expect(estimateProportion([stratum('A', 10, [null])])).toEqual({
      estimate: null,
      ci95: null,
      method: null,
      reviewed: 0,
      effectiveSampleSize: null,
      designEffect: null,
      populationCovered: 0,
      populationTotal: 10,
    });
  });
});

describe('the population an estimate covers', () => {
  it('names the strata it does not cover, why, and their records, and labels the population accordingly', () => {
    const coverage = describeCoverage(
      [
        stratum('power=misuse_of_drugs_act_s23', 900, [true, false]),
        stratum('power=cjpoa_s60', 217, []),
        stratum('power=pace_s1', 40, [null]),
      ],
      'records of 2018-03 that no targeted rule selected',
    );
    expect(coverage).toEqual({
      description:
        'records of 2018-03 that no targeted rule selected: 1157 records in 3 strata, less 1 stratum (217 records) with no item drawn and 1 stratum (40 records) with no completed review: the estimates speak for the other 900 records only',
      records: 1157,
      strata: 3,
      coveredRecords: 900,
      notCovered: [
        { stratum: 'power=cjpoa_s60', records: 217, reason: 'no_item_drawn' },
        { stratum: 'power=pace_s1', records: 40, reason: 'no_completed_review' },
      ],
    });
    expect(describeCoverage([stratum('all', 12, [false])], 'every eligible record of 2018-03').description).toBe(
      'every eligible record of 2018-03: 12 records in 1 stratum',
    );
  });
});

describe('strata of the random part and of the whole month', () => {
  const allocation = [
    { stratum: 'power=s23', population: 100 },
    { stratum: 'power=s60', population: 20 },
  ];
  const items: EstimationItem[] = [
    ...yesNo(2, 8).map((value) => ({ reason: 'random', stratum: 'power=s23', stratumSize: 100, value })),
    // Uncapped rule: all 3 it matched; capped rule: 2 of its 40 (the other 38 stayed in the random part's strata).
    ...yesNo(3, 0).map((value) => ({ reason: 'under_18', stratum: 'rule:under_18:tier-0', stratumSize: 3, value })),
    ...[true, null].map((value) => ({ reason: 'injury', stratum: 'rule:injury:tier-0', stratumSize: 40, value })),
  ];

  it('keeps a stratum allocated no item in the random part, so it shows as not covered', () => {
    const strata = randomPartStrata(allocation, items);
    expect(strata).toEqual([
      { stratum: 'power=s23', population: 100, values: yesNo(2, 8) },
      { stratum: 'power=s60', population: 20, values: [] },
    ]);
    expect(estimateProportion(strata)).toMatchObject({ estimate: 0.2, populationCovered: 100, populationTotal: 120 });
  });

  it('brings the targeted items in month-wide, each standing for itself (given the targeted selection)', () => {
    const strata = monthWideStrata(allocation, items);
    expect(strata.map((s) => [s.stratum, s.population])).toEqual([
      ['rule:under_18:tier-0', 3],
      ['rule:injury:tier-0', 2],
      ['power=s23', 100],
      ['power=s60', 20],
    ]);
    // Covered: 3 + 2 + 100 records; the injury item without a review is missing at random within its tier.
    const result = estimateProportion(strata);
    expect(result.estimate).toBeCloseTo((3 * 1 + 2 * 1 + 100 * 0.2) / 105, 12);
    expect(result).toMatchObject({ reviewed: 14, populationCovered: 105, populationTotal: 125 });
  });
});
