import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  clopperPearson,
  COVERAGE_THRESHOLD,
  coverage,
  coverageShortfall,
  describeInterval,
  funnelLimits,
  notStatedBounds,
  proportionRatio,
  ratePer1000,
  rateRatio,
  wilson,
  Z95,
} from './calculators';

describe('disproportionality calculators', () => {
  it('rates per 1,000 and the log-method ratio: the 2018/19 national figures (domain §6)', () => {
    expect(ratePer1000(70124, 1790793)!.toFixed(2)).toBe('39.16');
    expect(ratePer1000(186216, 45961272)!.toFixed(2)).toBe('4.05');
    const rr = rateRatio(70124, 1790793, 186216, 45961272);
    expect(rr.ratio!.toFixed(1)).toBe('9.7');
    const se = Math.sqrt(1 / 70124 + 1 / 186216);
    expect(rr.ci95!.lower).toBeCloseTo(rr.ratio! * Math.exp(-Z95 * se), 10);
    expect(rr).toMatchObject({ method: 'log', significant: true });
  });

  it('Clopper–Pearson matches the textbook intervals', () => {
    const five = clopperPearson(5, 10);
    expect(five.lower).toBeCloseTo(0.187086, 5);
    expect(five.upper).toBeCloseTo(0.812914, 5);
    expect(clopperPearson(0, 10).upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 10);
    expect(clopperPearson(10, 10).lower).toBeCloseTo(0.025 ** (1 / 10), 10);
  });

  it('small counts get the exact interval, back-transformed to a rate ratio', () => {
    // 6 searches of 1,000 people against 30 of 10,000: RR = 2. π = 6/36; its exact bounds map back through π/(1−π)·P_c/P_g.
    const rr = rateRatio(6, 1000, 30, 10000);
    expect(rr.method).toBe('exact');
    expect(rr.ratio).toBeCloseTo(2, 12);
    const pi = clopperPearson(6, 36);
    expect(rr.ci95!.lower).toBeCloseTo((pi.lower / (1 - pi.lower)) * 10, 10);
    expect(rr.ci95!.upper).toBeCloseTo((pi.upper / (1 - pi.upper)) * 10, 10);
    expect(rr.ci95!.lower).toBeLessThan(1); // not significant on so few
    expect(rr.significant).toBe(false);
  });

  it('Wilson intervals and find-rate ratios', () => {
    const w = wilson(5, 10)!;
    expect(w.lower).toBeCloseTo(0.2366, 4);
    expect(w.upper).toBeCloseTo(0.7634, 4);
    expect(wilson(0, 0)).toBeNull();
    const r = proportionRatio(20, 100, 40, 100);
    expect(r.ratio).toBeCloseTo(0.5, 12);
    expect(r.ci95!.upper).toBeLessThan(1);
  });

  it('funnel limits and not-stated bounds', () => {
    const limits = funnelLimits(0.2, 100);
    expect(limits.lower).toBeCloseTo(0.2 - Z95 * 0.04, 12);
    expect(limits.upper).toBeCloseTo(0.2 + Z95 * 0.04, 12);
    const bounds = notStatedBounds(50, 1000, 100, 10000, 30)!;
    expect(bounds.lower).toBeCloseTo(0.05 / (130 / 10000), 12);
    expect(bounds.upper).toBeCloseTo(0.08 / 0.01, 12);
  });

  it('reproduces every published national rate per 1,000 (GOV.UK, 2009/10 to 2019/20) to 2 decimal places', () => {
    const file = fs.readFileSync(
      path.join(
        __dirname,
        '../../test/fixtures/reference/eff_national_stop_search_rate_per_1000_by_ethnicity_2009-2020.csv',
      ),
      'utf8',
    );
    const rows = file
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
    let checked = 0;
    for (const [time, ethnicity, searches, population, rate] of rows) {
      if (!searches || !population || !rate) continue;
      expect(`${time} ${ethnicity} ${ratePer1000(Number(searches), Number(population))!.toFixed(2)}`).toBe(
        `${time} ${ethnicity} ${Number(rate).toFixed(2)}`,
      );
      checked++;
    }
    expect(checked).toBe(244); // every row of the file that has figures
  });

  it('names the interval of every rate ratio: exact (conditional binomial) under 20 in either count, log-normal above', () => {
    expect(describeInterval(rateRatio(6, 1000, 30, 10000).method)).toEqual({
      method: 'exact_conditional_binomial',
      level: 0.95,
    });
    expect(describeInterval(rateRatio(19, 1000, 300, 10000).method).method).toBe('exact_conditional_binomial');
    expect(describeInterval(rateRatio(20, 1000, 20, 10000).method)).toEqual({ method: 'log_normal', level: 0.95 });
    expect(describeInterval('wilson_score')).toEqual({ method: 'wilson_score', level: 0.95 });
  });

  it('the log-normal interval is Katz’s risk-ratio interval without its 1/P terms, and unlike the Wald interval never symmetric', () => {
    // Katz (log) interval for a risk ratio: exp(ln RR ± z·√(1/S_g − 1/P_g + 1/S_c − 1/P_c)). With whole populations as
    // denominators the 1/P terms are negligible; a Wald interval RR ± z·SE(RR) is symmetric and can go below 0.
    const [sg, pg, sc, pc] = [40, 20000, 300, 400000];
    const rr = rateRatio(sg, pg, sc, pc);
    const katzSe = Math.sqrt(1 / sg - 1 / pg + 1 / sc - 1 / pc);
    expect(rr.ci95!.lower).toBeCloseTo(rr.ratio! * Math.exp(-Z95 * katzSe), 2);
    expect(rr.ci95!.upper).toBeCloseTo(rr.ratio! * Math.exp(Z95 * katzSe), 1);
    const waldHalf = Z95 * rr.ratio! * Math.sqrt(1 / sg + 1 / sc);
    expect(rr.ratio! - rr.ci95!.lower).toBeLessThan(waldHalf); // log interval: shorter below the ratio …
    expect(rr.ci95!.upper - rr.ratio!).toBeGreaterThan(waldHalf); // … longer above it
  });

  it('coverage of a field that may be blank: no rate from nothing recorded, nor from under half recorded', () => {
    expect(coverage(0, 120)).toEqual({ recorded: 0, total: 120, proportion: 0 });
    expect(coverageShortfall(coverage(0, 120), 'the outcome link')).toMatch(/not recorded in any.*unknown is not "no"/);
    expect(COVERAGE_THRESHOLD).toBe(0.5);
    expect(coverageShortfall(coverage(59, 120), 'the outcome link')).toMatch(/under 50%/);
    expect(coverageShortfall(coverage(60, 120), 'the outcome link')).toBeNull();
    expect(coverageShortfall(coverage(0, 0), 'the outcome link')).toBeNull(); // nothing to cover: no records at all
    expect(coverage(0, 0).proportion).toBeNull();
  });
});
