import { estimateProportion, type EstimationUnit } from './estimates';

const units = (stratum: string, size: number, values: (boolean | null)[]): EstimationUnit[] =>
  values.map((value) => ({ stratum, stratumSize: size, value }));

describe('stratified proportion estimates', () => {
  it('matches a hand-worked two-stratum example', () => {
    // Stratum A: N=100, 4 of 10 reviewed say yes; stratum B: N=300, 3 of 10.
    // p = (100·0.4 + 300·0.3) / 400 = 0.325.
    // var = (1/4)²·(1−10/100)·(0.4·0.6·10/9)/10 + (3/4)²·(1−10/300)·(0.3·0.7·10/9)/10
    //     = 0.0625·0.9·0.0266667 + 0.5625·0.966667·0.0233333 = 0.0015 + 0.0126875 = 0.0141875
    const result = estimateProportion([
      ...units('A', 100, [true, true, true, true, false, false, false, false, false, false]),
      ...units('B', 300, [true, true, true, false, false, false, false, false, false, false]),
    ]);
    expect(result.estimate).toBeCloseTo(0.325, 10);
    const half = 1.959963984540054 * Math.sqrt(0.0141875);
    expect(result.ci95![0]).toBeCloseTo(0.325 - half, 6);
    expect(result.ci95![1]).toBeCloseTo(0.325 + half, 6);
    expect(result).toMatchObject({ reviewed: 20, populationCovered: 400, populationTotal: 400 });
  });

  it('has no sampling error when the whole stratum is reviewed', () => {
    const result = estimateProportion(units('A', 3, [true, false, false]));
    expect(result.estimate).toBeCloseTo(1 / 3, 12);
    expect(result.ci95![0]).toBeCloseTo(1 / 3, 12);
    expect(result.ci95![1]).toBeCloseTo(1 / 3, 12);
  });

  it('leaves out unreviewed items and strata, and says how much of the month the estimate covers', () => {
    const result = estimateProportion([...units('A', 50, [true, null, null]), ...units('B', 150, [null, null])]);
    expect(result).toMatchObject({ estimate: 1, reviewed: 1, populationCovered: 50, populationTotal: 200 });
    expect(result.ci95![0]).toBeLessThan(1); // one review: the conservative variance, not certainty
    expect(estimateProportion(units('A', 10, [null]))).toEqual({
      estimate: null,
      ci95: null,
      reviewed: 0,
      populationCovered: 0,
      populationTotal: 10,
    });
  });
});
