import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  clopperPearson,
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
});
