import { seededStream } from '@scrutiny/core';
import { ratePer1000, rateRatio, wilson, proportionRatio, notStatedBounds, isFlagged } from './calculators';
import {
  bandOf,
  disclose,
  DISCLOSURE_RULE,
  shownCount,
  shownNotStatedBounds,
  shownProportion,
  shownProportionRatio,
  shownRate,
  shownRateRatio,
  type StatisticsResults,
} from './disclosure';

/**
 * What an attacker who knows a set's shown count, a part's shown count and (triple) the rest's shown count can say of
 * the rest: every value consistent with all three. `round` is the rounding rule under test.
 */
function feasibleRest(whole: number, part: number, withRest: boolean, round: (n: number) => number | null): number[] {
  const band = (n: number) => {
    const s = round(n);
    return s === null ? [0, 9] : round === shownCount ? [s, s + 4] : [Math.max(10, s - 2), s + 2];
  };
  const [w0, w1] = band(whole);
  const [p0, p1] = band(part);
  const out: number[] = [];
  for (let r = 0; r <= w1; r++) {
    if (r + p1 < w0 || r + p0 > w1) continue;
    if (withRest) {
      const [r0, r1] = band(whole - part);
      if (r < r0 || r > r1) continue;
    }
    out.push(r);
  }
  return out;
}

describe('disclosure rule (rounded_base_5_suppressed_under_10)', () => {
  it('withholds every count under 10 and rounds the rest down to a multiple of 5, the same way every time', () => {
    for (let n = 0; n < 10; n++) expect([n, shownCount(n)]).toEqual([n, null]);
    expect([10, 11, 14, 15, 19, 20, 47, 49, 50, 1234].map(shownCount)).toEqual([
      10, 10, 10, 15, 15, 20, 45, 45, 50, 1230,
    ]);
    for (let n = 0; n < 500; n++) {
      const b = bandOf(n);
      expect(n >= b.lower && n <= b.upper).toBe(true);
      expect(b.upper - b.lower).toBe(n < 10 ? 9 : 4);
      expect(shownCount(n)).toBe(shownCount(n)); // a fixed rule: no randomness
      if (n > 0) expect(shownCount(n)! >= (shownCount(n - 1) ?? 0)).toBe(true);
    }
    // Under 20 (flagged) is the same for every count of a band, so saying it narrows nothing.
    for (let n = 10; n < 200; n++) expect(isFlagged(bandOf(n).lower)).toBe(isFlagged(bandOf(n).upper));
  });

  it('no set, part and rest (a pair, or the triple with the rest asked too) pins a withheld count to one value', () => {
    let narrowest = Infinity;
    for (let part = 0; part < 300; part++)
      for (let rest = 0; rest < 10; rest++)
        for (const withRest of [false, true]) {
          const values = feasibleRest(part + rest, part, withRest, shownCount);
          expect(values).toContain(rest);
          narrowest = Math.min(narrowest, values.length);
        }
    // At least four values remain (e.g. 6 to 9); a pair alone leaves at least five.
    expect(narrowest).toBeGreaterThanOrEqual(4);
  });

  it('rounding to the nearest 5 would not hold: two withheld parts of a shown 20 are both 9', () => {
    const nearest = (n: number) => (n < 10 ? null : 5 * Math.round(n / 5));
    expect(feasibleRest(18, 9, true, nearest)).toEqual([9]);
    expect(feasibleRest(18, 9, true, shownCount)).toEqual([6, 7, 8, 9]);
  });

  it('derives rates and ratios from the bands only: every count inside a band gives the same figures', () => {
    const rnd = seededStream('disclosure-bands');
    for (let i = 0; i < 300; i++) {
      const sg = Math.floor(rnd() * 120);
      const sc = 10 + Math.floor(rnd() * 400);
      const ns = Math.floor(rnd() * 60);
      const pg = 500 + Math.floor(rnd() * 50000);
      const pc = 5000 + Math.floor(rnd() * 500000);
      const other = (n: number) => {
        const b = bandOf(n);
        return b.lower + Math.floor(rnd() * (b.upper - b.lower + 1));
      };
      const [sg2, sc2, ns2] = [sg, sc, ns].map(other);
      expect(shownRate(sg2, pg)).toEqual(shownRate(sg, pg));
      expect(shownRateRatio(sg2, pg, sc2, pc)).toEqual(shownRateRatio(sg, pg, sc, pc));
      expect(shownNotStatedBounds(sg2, pg, sc2, pc, ns2)).toEqual(shownNotStatedBounds(sg, pg, sc, pc, ns));
      const x = Math.min(sg, sc);
      const x2 = other(x);
      if (x2 <= sc2) expect(shownProportion(x2, sc2)).toEqual(shownProportion(x, sc));
    }
  });

  it('never claims more certainty than the true figures: the shown interval holds the true one', () => {
    const rnd = seededStream('disclosure-cover');
    for (let i = 0; i < 300; i++) {
      const sg = 10 + Math.floor(rnd() * 200);
      const sc = 10 + Math.floor(rnd() * 400);
      const pg = 500 + Math.floor(rnd() * 50000);
      const pc = 5000 + Math.floor(rnd() * 500000);
      const truth = rateRatio(sg, pg, sc, pc);
      const shown = shownRateRatio(sg, pg, sc, pc)!;
      expect(shown.method).toBe(truth.method);
      expect(shown.ci95!.lower).toBeLessThanOrEqual(truth.ci95!.lower);
      expect(shown.ci95!.upper).toBeGreaterThanOrEqual(truth.ci95!.upper);
      if (shown.significant) expect(truth.significant).toBe(true);
      // The point estimate is the band's middle: within rounding of the true one.
      const mid = (n: number) => bandOf(n).lower + 2;
      const near = (a: number, b: number) => expect(Math.abs(a - b) / b).toBeLessThan(0.005); // 3 figures
      near(shown.ratio!, rateRatio(mid(sg), pg, mid(sc), pc).ratio!);
      near(shownRate(sg, pg)!, ratePer1000(mid(sg), pg)!);
      const x = Math.min(sg, sc) - Math.floor(rnd() * 5);
      if (x >= 10) {
        const p = shownProportion(x, sc)!;
        expect(p.ci95!.lower).toBeLessThanOrEqual(wilson(x, sc)!.lower);
        expect(p.ci95!.upper).toBeGreaterThanOrEqual(wilson(x, sc)!.upper);
        const y = 10 + Math.floor(rnd() * 30);
        const q = shownProportionRatio(x, sc, y, y + 20)!;
        const t = proportionRatio(x, sc, y, y + 20);
        expect(q.ci95!.lower).toBeLessThanOrEqual(t.ci95!.lower);
        expect(q.ci95!.upper).toBeGreaterThanOrEqual(t.ci95!.upper);
        const ns = 10 + Math.floor(rnd() * 50);
        const nb = shownNotStatedBounds(sg, pg, sc, pc, ns)!;
        const tb = notStatedBounds(sg, pg, sc, pc, ns)!;
        expect(nb.lower).toBeLessThanOrEqual(tb.lower);
        expect(nb.upper).toBeGreaterThanOrEqual(tb.upper);
      }
    }
  });

  it('withholds any figure that depends on a withheld count', () => {
    expect(shownRate(9, 1000)).toBeNull();
    expect(shownRateRatio(9, 1000, 100, 10000)).toBeNull();
    expect(shownRateRatio(50, 1000, 9, 10000)).toBeNull();
    expect(shownProportion(5, 50)).toBeNull();
    expect(shownProportionRatio(20, 50, 9, 40)).toBeNull();
    expect(shownNotStatedBounds(20, 1000, 100, 10000, 3)).toBeNull();
  });
});

/** A rates result as the service computes it (true figures), from counts by group. */
function ratesResult(counts: Record<string, number>, pops: Record<string, number>, notStated: number) {
  const groups = Object.keys(pops).map((g) => {
    const rr = g === 'white' ? null : rateRatio(counts[g], pops[g], counts.white, pops.white);
    return {
      group: g,
      count: counts[g],
      population: pops[g],
      ratePer1000: ratePer1000(counts[g], pops[g]),
      rateRatio: g === 'white' ? 1 : rr!.ratio,
      ci95: rr?.ci95 ?? null,
      method: rr?.method ?? null,
      interval: null,
      significant: rr?.significant ?? false,
      suppressed: counts[g] < 10,
      flagged: counts[g] < 20,
      coverage: null,
      reason: null,
    };
  });
  const total = Object.values(counts).reduce((a, b) => a + b, 0) + notStated;
  return {
    query: { kind: 'stop-search', comparator: 'white', from: '2024-01', to: '2024-03' },
    comparator: 'White',
    groups,
    notStated: {
      count: notStated,
      suppressed: notStated < 10,
      rateRatioBounds: Object.fromEntries(
        groups
          .filter((g) => g.group !== 'white')
          .map((g) => [g.group, notStatedBounds(g.count, g.population, counts.white, pops.white, notStated)]),
      ),
    },
    unbenchmarked: [],
    total,
    populationSource: { available: true, reason: null },
    comparison: { basis: 'self', note: '', groups: [] },
    coverage: null,
    placement: null,
  } as unknown as StatisticsResults['rates'];
}

describe('disclose (the one mapper)', () => {
  const pops = { white: 400000, black: 20000, asian: 60000, mixed: 15000, other: 8000 };

  it('states the rule, and leaves the true figures to those with stats:unsuppressed', () => {
    const raw = ratesResult({ white: 203, black: 47, asian: 12, mixed: 8, other: 0 }, pops, 31);
    const inside = disclose('rates', raw, true);
    expect(inside.disclosure).toEqual({ rule: DISCLOSURE_RULE, applied: false });
    expect(inside.groups.map((g) => g.count)).toEqual([203, 47, 12, 8, 0]);
    expect(inside.total).toBe(301);
    const outside = disclose('rates', raw, false);
    expect(outside.disclosure).toEqual({ rule: DISCLOSURE_RULE, applied: true });
    expect(outside.groups.map((g) => [g.group, g.count, g.suppressed])).toEqual([
      ['white', 200, false],
      ['black', 45, false],
      ['asian', 10, false],
      ['mixed', null, true],
      ['other', null, true],
    ]);
    expect(outside.total).toBe(300);
    expect(outside.notStated.count).toBe(30);
    const mixed = outside.groups.find((g) => g.group === 'mixed')!;
    expect([mixed.ratePer1000, mixed.rateRatio, mixed.ci95, mixed.reason]).toEqual([
      null,
      null,
      null,
      expect.stringMatching(/under 10/),
    ]);
    expect(outside.notStated.rateRatioBounds.mixed).toBeNull();
    // Rates times the population give back the band's middle, never the true count.
    const black = outside.groups.find((g) => g.group === 'black')!;
    expect((black.ratePer1000! * pops.black) / 1000).toBeCloseTo(47, 0);
    expect(black.flagged).toBe(false);
  });

  it('the whole response is the same for every set of true counts with the same bands', () => {
    const rnd = seededStream('disclose-rates');
    for (let i = 0; i < 100; i++) {
      const draw = () => Math.floor(rnd() ** 2 * 300);
      const counts = { white: 10 + draw(), black: draw(), asian: draw(), mixed: draw(), other: draw() };
      const ns = draw();
      const jiggle = (n: number) => {
        const b = bandOf(n);
        return b.lower + Math.floor(rnd() * (b.upper - b.lower + 1));
      };
      const other = Object.fromEntries(Object.entries(counts).map(([g, n]) => [g, jiggle(n)]));
      const a = disclose('rates', ratesResult(counts, pops, ns), false);
      const b = disclose('rates', ratesResult(other, pops, jiggle(ns)), false);
      const { total: ta, ...restA } = a;
      const { total: tb, ...restB } = b;
      expect(restB).toEqual(restA);
      // The total is rounded like any count (it is its own band, not the sum of the parts' bands).
      expect(ta).toBe(shownCount(Object.values(counts).reduce((x, y) => x + y, 0) + ns));
      expect(tb === null || tb % 5 === 0).toBe(true);
    }
  });

  it('nothing shown to an analyst is a count under 10 or a figure with more digits than its band allows', () => {
    const out = disclose(
      'rates',
      ratesResult({ white: 203, black: 47, asian: 12, mixed: 8, other: 0 }, pops, 3),
      false,
    );
    const numbers: number[] = [];
    const walk = (v: unknown, key = '') => {
      if (typeof v === 'number' && /count|total/i.test(key)) numbers.push(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(out);
    expect(numbers.every((n) => n >= 10 && n % 5 === 0)).toBe(true);
    expect(out.notStated).toEqual({ count: null, suppressed: true, rateRatioBounds: {} });
  });
});
