import { drawSample } from './draw';
import { parsePlanSpec } from './plan-spec';
import { seededRandom } from './prng';
import type { EligibleRecord, RecordFeatures } from './rules';

/**
 * Golden values. Stored samples are verified by drawing them again, so any change to the generator, the sort, the
 * tiering or the allocation that changes which records a (population, plan, seed) selects would make every stored
 * sample fail verification. If this test fails, the draw changed: give it a new ALGORITHM_VERSION (and keep the old
 * algorithm for samples that recorded the old one) rather than updating the expected values.
 */
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

/** 40 records over three areas, two teams, two powers and two kinds, some matching targeted rules; ids fixed. */
function goldenPopulation(): EligibleRecord[] {
  return Array.from({ length: 40 }, (_, n) => {
    const kind = n % 8 === 7 ? 'use_of_force' : 'stop_search';
    return {
      kind,
      id: `00000000-0000-4000-8000-${(n + 1).toString(16).padStart(12, '0')}`,
      team: n % 2 === 0 ? 'TEAM-B' : 'TEAM-A',
      area: ['E07000117', 'E07000118', 'E07000119'][n % 3],
      power:
        kind === 'use_of_force'
          ? null
          : n % 5 === 0
            ? 'pace_s1'
            : n % 11 === 0
              ? 'cjpoa_s60'
              : 'misuse_of_drugs_act_s23',
      features: {
        ...NO_FEATURES,
        under18: n % 9 === 4,
        tactics: kind === 'use_of_force' ? [n % 16 === 7 ? 'taser_fired' : 'taser_drawn'] : [],
      },
    };
  });
}

function goldenSpec() {
  const parsed = parsePlanSpec({
    kinds: ['stop_search', 'use_of_force'],
    sampleSize: 8,
    strata: ['power'],
    areaFloor: 1,
    teamQuota: 9,
    rules: [{ rule: 'under_18', max: 2 }, { rule: 'taser', max: 4 }, { rule: 'suspicionless_powers' }],
  });
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}

describe('the draw, against golden values (verification of stored samples depends on them)', () => {
  it('gives the generator the same stream for a seed and label', () => {
    const random = seededRandom('golden-seed', 'stratum:all');
    expect(Array.from({ length: 4 }, () => random().toFixed(12))).toEqual(GOLDEN_STREAM);
  });

  it('selects exactly these records, in this order, with this fingerprint and allocation (version 1)', () => {
    const result = drawSample({
      population: goldenPopulation(),
      spec: goldenSpec(),
      seed: 'golden-seed',
      algorithmVersion: 'stratified-srs-with-targeted/1',
    });
    expect(result.algorithmVersion).toBe('stratified-srs-with-targeted/1');
    expect(result.eligibleCount).toBe(40);
    expect(result.fingerprint).toBe(GOLDEN_FINGERPRINT);
    expect(
      result.items.map((i) => [i.id.slice(-4), i.reason, i.stratum, Number(i.inclusionProbability.toFixed(12))]),
    ).toEqual(GOLDEN_ITEMS);
    expect(result.allocation).toEqual(GOLDEN_ALLOCATION);
  });

  it('selects exactly these records with version 2, which gives every stratum an item while the quota allows', () => {
    const result = drawSample({ population: goldenPopulation(), spec: goldenSpec(), seed: 'golden-seed' });
    expect(result.algorithmVersion).toBe('stratified-srs-with-targeted/2');
    expect(result.eligibleCount).toBe(40);
    expect(result.fingerprint).toBe(GOLDEN_FINGERPRINT);
    expect(
      result.items.map((i) => [i.id.slice(-4), i.reason, i.stratum, Number(i.inclusionProbability.toFixed(12))]),
    ).toEqual(GOLDEN_ITEMS_V2);
    expect(result.allocation).toEqual(GOLDEN_ALLOCATION_V2);
  });

  it('selects the same records from the population in any order', () => {
    for (const [algorithmVersion, expected] of [
      ['stratified-srs-with-targeted/1', GOLDEN_ITEMS],
      ['stratified-srs-with-targeted/2', GOLDEN_ITEMS_V2],
    ] as const) {
      const result = drawSample({
        population: goldenPopulation().reverse(),
        spec: goldenSpec(),
        seed: 'golden-seed',
        algorithmVersion,
      });
      expect(
        result.items.map((i) => [i.id.slice(-4), i.reason, i.stratum, Number(i.inclusionProbability.toFixed(12))]),
      ).toEqual(expected);
    }
  });
});

const GOLDEN_STREAM = ['0.650708532427', '0.323324315017', '0.069683380425', '0.605397195788'];
const GOLDEN_FINGERPRINT = 'f5cb7eda16e32d04cde5277d14c9c786a8ec2e728ad82fd3d7be80cb70dbdacb';
const GOLDEN_ITEMS: [string, string, string, number][] = [
  ['0005', 'under_18', 'rule:under_18:tier-0', 0.5],
  ['0020', 'under_18', 'rule:under_18:tier-0', 0.5],
  ['0008', 'taser', 'rule:taser:tier-0', 1],
  ['0018', 'taser', 'rule:taser:tier-0', 1],
  ['0028', 'taser', 'rule:taser:tier-0', 1],
  ['0010', 'taser', 'rule:taser:tier-1', 1],
  ['000c', 'suspicionless_powers', 'rule:suspicionless_powers:tier-0', 1],
  ['0017', 'suspicionless_powers', 'rule:suspicionless_powers:tier-0', 1],
  ['0022', 'suspicionless_powers', 'rule:suspicionless_powers:tier-0', 1],
  ['000a', 'random', 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-A', 0.25],
  ['0019', 'random', 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-B', 0.4],
  ['0007', 'random', 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-B', 0.4],
  ['000e', 'random', 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-A', 0.25],
  ['0023', 'random', 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-B', 0.333333333333],
  ['000f', 'random', 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', 0.5],
  ['0003', 'random', 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', 0.5],
  ['001b', 'random', 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', 0.5],
];
const GOLDEN_ALLOCATION = [
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-A', population: 4, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-B', population: 5, sampled: 2 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-A', population: 4, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-B', population: 3, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-A', population: 2, sampled: 0 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', population: 6, sampled: 3 },
  { stratum: 'power=pace_s1|area=E07000117|team=TEAM-B', population: 2, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000118|team=TEAM-A', population: 1, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000118|team=TEAM-B', population: 1, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000119|team=TEAM-A', population: 2, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000119|team=TEAM-B', population: 1, sampled: 0 },
];

/**
 * Version 2: the targeted part is unchanged; each non-empty stratum gets an item first, largest first, while TEAM-A's
 * quota (9, of which the targeted part used 5) lasts, so three small TEAM-A strata still get none.
 */
const GOLDEN_ITEMS_V2: [string, string, string, number][] = [
  ...GOLDEN_ITEMS.slice(0, 9),
  ['000a', 'random', 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-A', 0.25],
  ['0019', 'random', 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-B', 0.2],
  ['000e', 'random', 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-A', 0.25],
  ['0023', 'random', 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-B', 0.333333333333],
  ['000f', 'random', 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', 0.166666666667],
  ['0001', 'random', 'power=pace_s1|area=E07000117|team=TEAM-B', 0.5],
  ['000b', 'random', 'power=pace_s1|area=E07000118|team=TEAM-B', 1],
  ['0015', 'random', 'power=pace_s1|area=E07000119|team=TEAM-B', 1],
];
const GOLDEN_ALLOCATION_V2 = [
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-A', population: 4, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000117|team=TEAM-B', population: 5, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-A', population: 4, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000118|team=TEAM-B', population: 3, sampled: 1 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-A', population: 2, sampled: 0 },
  { stratum: 'power=misuse_of_drugs_act_s23|area=E07000119|team=TEAM-B', population: 6, sampled: 1 },
  { stratum: 'power=pace_s1|area=E07000117|team=TEAM-B', population: 2, sampled: 1 },
  { stratum: 'power=pace_s1|area=E07000118|team=TEAM-A', population: 1, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000118|team=TEAM-B', population: 1, sampled: 1 },
  { stratum: 'power=pace_s1|area=E07000119|team=TEAM-A', population: 2, sampled: 0 },
  { stratum: 'power=pace_s1|area=E07000119|team=TEAM-B', population: 1, sampled: 1 },
];
