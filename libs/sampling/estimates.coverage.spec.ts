import { drawSample, type DrawResult } from './draw/draw';
import { parsePlanSpec } from './draw/plan-spec';
import { seededRandom } from './draw/prng';
import type { EligibleRecord, RecordFeatures } from './draw/rules';
import {
  describeCoverage,
  estimateProportion,
  monthWideStrata,
  randomPartStrata,
  type EstimationItem,
  type ProportionEstimate,
} from './estimates';

/**
 * Does the 95% interval cover the truth 95% of the time? Two synthetic months of stop-searches, each with targeted
 * records (under-18s, a rule capped at 5, and finds with no further action, all taken) and indicators whose rate
 * differs by stratum and is higher among targeted records:
 * - "by area": 500 records in three areas (250, 150, 100), so every stratum gets several items and a rare indicator
 *   often shows no case at all in the sample;
 * - "by area and power": 500 records in six strata, the s60 ones small (19 and 6 records, as March 2018's s60/s47
 *   searches), which proportional allocation used to leave without an item.
 * Each of 2,000 seeded draws per month and sample size (20 and 60 by area; 20 by area and power) is estimated, and
 * the truth computed from the whole month.
 * Deterministic: the months and every draw come from the seeded generator.
 */
const DRAWS = 2_000;
interface CellSpec {
  area: string;
  power: string;
  size: number;
  risk: number;
}
const MONTHS: Record<string, { strata: ('area' | 'power')[]; sampleSizes: number[]; cells: CellSpec[] }> = {
  'by area': {
    strata: ['area'],
    sampleSizes: [20, 60],
    cells: [
      { area: 'E09000001', power: 'misuse_of_drugs_act_s23', size: 250, risk: 0.7 },
      { area: 'E09000002', power: 'misuse_of_drugs_act_s23', size: 150, risk: 1.2 },
      { area: 'E09000003', power: 'misuse_of_drugs_act_s23', size: 100, risk: 1.6 },
    ],
  },
  'by area and power': {
    strata: ['area', 'power'],
    // At n = 60 proportional allocation reaches the six-record stratum anyway: n = 20 is the case to check.
    sampleSizes: [20],
    cells: [
      { area: 'E09000001', power: 'misuse_of_drugs_act_s23', size: 225, risk: 0.6 },
      { area: 'E09000001', power: 'pace_s1', size: 56, risk: 1 },
      { area: 'E09000001', power: 'cjpoa_s60', size: 19, risk: 1.6 },
      { area: 'E09000002', power: 'misuse_of_drugs_act_s23', size: 150, risk: 1.1 },
      { area: 'E09000002', power: 'pace_s1', size: 44, risk: 1.5 },
      { area: 'E09000002', power: 'cjpoa_s60', size: 6, risk: 2.5 },
    ],
  },
};
/** The indicators' month-wide rates, roughly: the three the issue names and a rare one. */
const RATES = { p05: 0.05, p20: 0.2, p50: 0.5, rare: 0.01 } as const;
type Indicator = keyof typeof RATES;

const NO_FEATURES: RecordFeatures = {
  under18: false,
  clothingRemoved: false,
  tactics: [],
  injury: false,
  findNoFurtherAction: false,
  bwvMissingOrLate: false,
  subjectEncounters: 0,
  officerFlagged: false,
  ethnicityMismatch: false,
};

interface Month {
  strata: ('area' | 'power')[];
  population: EligibleRecord[];
  truth: Map<string, Record<Indicator, boolean>>;
}

function syntheticMonth(name: string): Month {
  const random = seededRandom('coverage-month', name);
  const population: EligibleRecord[] = [];
  const truth = new Map<string, Record<Indicator, boolean>>();
  let n = 0;
  for (const cell of MONTHS[name].cells)
    for (let i = 0; i < cell.size; i++) {
      const id = `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
      const under18 = random() < 0.06;
      const findNoFurtherAction = !under18 && random() < 0.02;
      population.push({
        kind: 'stop_search',
        id,
        team: null,
        area: cell.area,
        power: cell.power,
        features: { ...NO_FEATURES, under18, findNoFurtherAction },
      });
      const risk = cell.risk * (under18 || findNoFurtherAction ? 2 : 1);
      truth.set(
        id,
        Object.fromEntries(
          Object.entries(RATES).map(([indicator, rate]) => [indicator, random() < Math.min(0.95, rate * risk)]),
        ) as Record<Indicator, boolean>,
      );
    }
  return { strata: MONTHS[name].strata, population, truth };
}

function spec(sampleSize: number, strata: Month['strata']) {
  const parsed = parsePlanSpec({
    kinds: ['stop_search'],
    sampleSize,
    strata,
    rules: [{ rule: 'under_18', max: 5 }, { rule: 'find_no_further_action' }],
  });
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}

const share = (ids: readonly string[], month: Month, indicator: Indicator) =>
  ids.filter((id) => month.truth.get(id)![indicator]).length / ids.length;

interface Tally {
  covered: number;
  zeroWidth: number;
  draws: number;
}

function simulate(sampleSize: number, month: Month) {
  const blank = () =>
    Object.fromEntries(Object.keys(RATES).map((k) => [k, { covered: 0, zeroWidth: 0, draws: 0 }])) as Record<
      Indicator,
      Tally
    >;
  const tallies = { random: blank(), monthWide: blank() };
  let drawsLeavingStrataOut = 0;
  const ids = month.population.map((r) => r.id);
  const yes = Object.fromEntries(
    (Object.keys(RATES) as Indicator[]).map((k) => [k, ids.filter((id) => month.truth.get(id)![k]).length]),
  ) as Record<Indicator, number>;
  const s = spec(sampleSize, month.strata);
  for (let d = 0; d < DRAWS; d++) {
    const draw: DrawResult = drawSample({
      population: month.population,
      spec: s,
      seed: `coverage-${month.strata.join('-')}-${sampleSize}-${d}`,
    });
    const targeted = draw.items.filter((i) => i.reason !== 'random').map((i) => month.truth.get(i.id)!);
    let leftOut = false;
    for (const indicator of Object.keys(RATES) as Indicator[]) {
      const items: EstimationItem[] = draw.items.map((i) => ({
        reason: i.reason,
        stratum: i.stratum,
        stratumSize: i.stratumSize,
        value: month.truth.get(i.id)![indicator],
      }));
      const random = randomPartStrata(draw.allocation, items);
      if (describeCoverage(random, 'the random part').notCovered.length) leftOut = true;
      // The random part speaks for the records no rule selected in this draw; the month-wide estimate for all.
      const restYes = yes[indicator] - targeted.filter((t) => t[indicator]).length;
      tally(tallies.random[indicator], estimateProportion(random), restYes / (ids.length - targeted.length));
      tally(
        tallies.monthWide[indicator],
        estimateProportion(monthWideStrata(draw.allocation, items)),
        yes[indicator] / ids.length,
      );
    }
    if (leftOut) drawsLeavingStrataOut++;
  }
  return { tallies, drawsLeavingStrataOut };
}

function tally(t: Tally, e: ProportionEstimate, truth: number) {
  t.draws++;
  const [lower, upper] = e.ci95!;
  if (lower <= truth + 1e-12 && truth <= upper + 1e-12) t.covered++;
  if (upper - lower <= 0) t.zeroWidth++;
}

describe(`estimate intervals cover the truth (${DRAWS} seeded draws per month and sample size)`, () => {
  for (const name of Object.keys(MONTHS)) {
    const month = syntheticMonth(name);

    it(`builds the month ${name}: targeted records of both rules, and the rates asked for`, () => {
      expect(month.population).toHaveLength(500);
      const ids = month.population.map((r) => r.id);
      for (const [indicator, rate] of Object.entries(RATES) as [Indicator, number][]) {
        expect(share(ids, month, indicator)).toBeGreaterThan(rate * 0.5);
        expect(share(ids, month, indicator)).toBeLessThan(rate * 2);
      }
      expect(share(ids, month, 'rare')).toBeGreaterThan(0);
      expect(month.population.filter((r) => r.features.under18).length).toBeGreaterThan(5); // the cap of 5 bites
      expect(month.population.filter((r) => r.features.findNoFurtherAction).length).toBeGreaterThan(0);
    });

    for (const sampleSize of MONTHS[name].sampleSizes) {
      it(`month ${name}, n = ${sampleSize}: covers at least 93% for every rate, the rare one included, with no zero-width interval and no stratum left out`, () => {
        const { tallies, drawsLeavingStrataOut } = simulate(sampleSize, month);
        const measured = (['random', 'monthWide'] as const).flatMap((part) =>
          (Object.entries(tallies[part]) as [Indicator, Tally][]).map(([indicator, t]) => ({
            part,
            indicator,
            draws: t.draws,
            coverage: Number((t.covered / t.draws).toFixed(4)),
            zeroWidth: t.zeroWidth,
          })),
        );
        expect(measured.filter((m) => m.draws !== DRAWS || m.coverage < 0.93 || m.zeroWidth > 0)).toEqual([]);
        // Fewer strata than items: every stratum gets an item, so no estimate leaves part of the month out.
        expect(drawsLeavingStrataOut).toBe(0);
      });
    }
  }
});
