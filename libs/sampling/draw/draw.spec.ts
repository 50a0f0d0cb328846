import { allocate } from './allocation';
import { drawSample, populationFingerprint } from './draw';
import { defaultPlanSpec, parsePlanSpec, type PlanSpec } from './plan-spec';
import { RULE_NAMES, type EligibleRecord, type RecordFeatures } from './rules';

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
let counter = 0;
function record(
  over: Partial<Omit<EligibleRecord, 'features'>> & { features?: Partial<RecordFeatures> } = {},
): EligibleRecord {
  counter++;
  return {
    kind: 'stop_search',
    id: `00000000-0000-7000-8000-${counter.toString(16).padStart(12, '0')}`,
    team: 'TEAM-A',
    area: 'E07000117',
    power: 'misuse_of_drugs_act_s23',
    ...over,
    features: { ...NO_FEATURES, ...over.features },
  };
}
function spec(over: Record<string, unknown> = {}): PlanSpec {
  const parsed = parsePlanSpec({
    kinds: ['stop_search', 'use_of_force', 'vehicle_stop'],
    sampleSize: 10,
    strata: ['area', 'power'],
    ...over,
  });
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  return parsed.spec;
}
const population = (n: number, over: (i: number) => Parameters<typeof record>[0] = () => ({})) =>
  Array.from({ length: n }, (_, i) => record(over(i)));

describe('the draw', () => {
  const people = population(500, (i) => ({
    area: ['A1', 'A2', 'A3'][i % 3],
    power: i % 5 === 0 ? 'pace_s1' : 'misuse_of_drugs_act_s23',
  }));

  it('is a pure function of population, plan and seed: the same inputs give the same items, in any input order', () => {
    const a = drawSample({ population: people, spec: spec(), seed: 'seed-1' });
    const b = drawSample({ population: [...people].reverse(), spec: spec(), seed: 'seed-1' });
    expect(b).toEqual(a);
    expect(a.items).toHaveLength(10);
    const c = drawSample({ population: people, spec: spec(), seed: 'seed-2' });
    expect(c.items.map((i) => i.id)).not.toEqual(a.items.map((i) => i.id));
  });

  it('fingerprints the sorted eligible ids, so adding or removing one record changes it', () => {
    const base = populationFingerprint(people);
    expect(populationFingerprint([...people].reverse())).toBe(base);
    expect(populationFingerprint(people.slice(1))).not.toBe(base);
    expect(populationFingerprint([...people, record()])).not.toBe(base);
  });

  it('stores each random item’s inclusion probability as its stratum’s n ÷ N, so weights add up to the population', () => {
    const result = drawSample({ population: people, spec: spec({ sampleSize: 60 }), seed: 's' });
    for (const stratum of result.allocation) {
      const items = result.items.filter((i) => i.stratum === stratum.stratum);
      expect(items).toHaveLength(stratum.sampled);
      for (const i of items) expect(i.inclusionProbability).toBeCloseTo(stratum.sampled / stratum.population, 12);
      if (items.length)
        expect(items.reduce((sum, i) => sum + 1 / i.inclusionProbability, 0)).toBeCloseTo(stratum.population, 9);
    }
    expect(result.allocation.reduce((s, a) => s + a.population, 0)).toBe(500);
  });

  it('allocates proportionally to stratum size', () => {
    const result = drawSample({ population: people, spec: spec({ sampleSize: 100, strata: ['power'] }), seed: 's' });
    const sampled = Object.fromEntries(result.allocation.map((a) => [a.stratum, a.sampled]));
    expect(sampled).toEqual({ 'power=misuse_of_drugs_act_s23': 80, 'power=pace_s1': 20 });
  });

  describe('targeted rules', () => {
    const cases: [string, Parameters<typeof record>[0]][] = [
      ['under_18', { features: { under18: true } }],
      ['more_than_outer_clothing', { features: { clothingRemoved: true } }],
      ['suspicionless_powers', { power: 'cjpoa_s60' }],
      ['taser', { kind: 'use_of_force', features: { tactics: ['taser_drawn'] } }],
      ['restraint_and_weapons', { kind: 'use_of_force', features: { tactics: ['spit_guard'] } }],
      ['injury', { kind: 'use_of_force', features: { injury: true } }],
      ['find_no_further_action', { features: { findNoFurtherAction: true } }],
      ['bwv_missing_or_late', { features: { bwvMissingOrLate: true } }],
      ['repeat_subject', { features: { subjectEncounters: 3 } }],
      ['flagged_officer', { features: { officerFlagged: true } }],
      ['ethnicity_mismatch', { features: { ethnicityMismatch: true } }],
    ];

    it('covers every rule in the registry', () => {
      expect(cases.map(([name]) => name).sort()).toEqual([...RULE_NAMES].sort());
    });

    it.each(cases)('%s selects the records it matches, and only when switched on', (name, over) => {
      const target = record(over);
      const background = population(50);
      const on = drawSample({
        population: [...background, target],
        spec: spec({ sampleSize: 0, rules: [{ rule: name }] }),
        seed: 's',
      });
      expect(on.items).toEqual([
        expect.objectContaining({ id: target.id, reason: name, matchedRules: [name], inclusionProbability: 1 }),
      ]);
      const off = drawSample({
        population: [...background, target],
        spec: spec({ sampleSize: 0, rules: [{ rule: name, enabled: false }] }),
        seed: 's',
      });
      expect(off.items).toEqual([]);
    });

    it('takes the higher-priority tier first under a cap (Taser fired before drawn), at random within a tier', () => {
      const fired = population(3, () => ({ kind: 'use_of_force', features: { tactics: ['taser_fired'] } }));
      const drawn = population(10, () => ({ kind: 'use_of_force', features: { tactics: ['taser_drawn'] } }));
      const result = drawSample({
        population: [...drawn, ...fired],
        spec: spec({ sampleSize: 0, rules: [{ rule: 'taser', max: 5 }] }),
        seed: 's',
      });
      expect(
        result.items
          .filter((i) => i.stratum === 'rule:taser:tier-0')
          .map((i) => i.id)
          .sort(),
      ).toEqual(fired.map((r) => r.id).sort());
      const partial = result.items.filter((i) => i.stratum === 'rule:taser:tier-1');
      expect(partial).toHaveLength(2);
      expect(partial.every((i) => i.inclusionProbability === 2 / 10)).toBe(true);
    });

    it('honours rule parameters (repeat subjects: minimum encounters; powers)', () => {
      const twice = record({ features: { subjectEncounters: 2 } });
      const s47a = record({ power: 'terrorism_act_s47a' });
      const result = drawSample({
        population: [twice, s47a],
        spec: spec({
          sampleSize: 0,
          rules: [
            { rule: 'repeat_subject', params: { minEncounters: 2 } },
            { rule: 'suspicionless_powers', params: { powers: ['cjpoa_s60'] } },
          ],
        }),
        seed: 's',
      });
      expect(result.items.map((i) => [i.id, i.reason])).toEqual([[twice.id, 'repeat_subject']]);
    });

    it('selects a record once, under the first rule in plan order, and lists every rule it matched', () => {
      const both = record({ features: { under18: true, clothingRemoved: true } });
      const result = drawSample({
        population: [both],
        spec: spec({ sampleSize: 5, rules: [{ rule: 'more_than_outer_clothing' }, { rule: 'under_18' }] }),
        seed: 's',
      });
      expect(result.items).toEqual([
        expect.objectContaining({
          reason: 'more_than_outer_clothing',
          matchedRules: ['more_than_outer_clothing', 'under_18'],
        }),
      ]);
    });
  });

  describe('floors and quotas', () => {
    it('gives every inspector area its floor of random items, even a small one', () => {
      const big = population(300, () => ({ area: 'BIG', team: null }));
      const small = population(4, () => ({ area: 'SMALL', team: null }));
      const result = drawSample({
        population: [...big, ...small],
        spec: spec({ sampleSize: 6, strata: [], areaFloor: 3 }),
        seed: 's',
      });
      const inSmall = result.items.filter((i) => small.some((r) => r.id === i.id));
      expect(inSmall).toHaveLength(3);
      expect(inSmall[0].inclusionProbability).toBeCloseTo(3 / 4);
      expect(result.items).toHaveLength(6);
    });

    it('holds each team to its quota, counting targeted items, and never drops a targeted item', () => {
      const teamA = population(100, () => ({ team: 'A' }));
      const teamB = population(100, () => ({ team: 'B' }));
      const targetedA = population(3, () => ({ team: 'A', features: { under18: true } }));
      const result = drawSample({
        population: [...teamA, ...teamB, ...targetedA],
        spec: spec({ sampleSize: 10, strata: [], teamQuota: 4, rules: [{ rule: 'under_18' }] }),
        seed: 's',
      });
      const team = (id: string) => ([...teamA, ...targetedA].some((r) => r.id === id) ? 'A' : 'B');
      expect(result.items.filter((i) => i.reason === 'under_18')).toHaveLength(3);
      expect(result.items.filter((i) => team(i.id) === 'A')).toHaveLength(4);
      expect(result.items.filter((i) => team(i.id) === 'B')).toHaveLength(4); // the quota caps the random part too
    });

    it('gives every non-empty stratum an item first (version 2), largest first when the sample is too small for all', () => {
      const cells = [
        { key: 'power=s23', area: null, team: null, size: 900 },
        { key: 'power=pace', area: null, team: null, size: 80 },
        { key: 'power=s60', area: null, team: null, size: 20 },
      ];
      // Version 1, proportional only: 900/10 = 90 beats 80, so both small strata get nothing.
      expect(Object.fromEntries(allocate(cells, 10, 0, null))).toEqual({
        'power=s23': 10,
        'power=pace': 0,
        'power=s60': 0,
      });
      expect(Object.fromEntries(allocate(cells, 10, 0, null, { oneForEveryCell: true }))).toEqual({
        'power=s23': 8,
        'power=pace': 1,
        'power=s60': 1,
      });
      expect(Object.fromEntries(allocate(cells, 2, 0, null, { oneForEveryCell: true }))).toEqual({
        'power=s23': 1,
        'power=pace': 1,
        'power=s60': 0,
      });
    });

    it('draws with version 2 by default, and with version 1 when asked (to verify samples it drew)', () => {
      const big = population(90, () => ({ power: 'misuse_of_drugs_act_s23' }));
      const small = population(3, () => ({ power: 'cjpoa_s60' }));
      const args = { population: [...big, ...small], spec: spec({ sampleSize: 5, strata: ['power'] }), seed: 's' };
      const now = drawSample(args);
      expect(now.algorithmVersion).toBe('stratified-srs-with-targeted/2');
      expect(now.allocation.map((a) => a.sampled)).toEqual([1, 4]);
      const old = drawSample({ ...args, algorithmVersion: 'stratified-srs-with-targeted/1' });
      expect(old.algorithmVersion).toBe('stratified-srs-with-targeted/1');
      expect(old.allocation.map((a) => a.sampled)).toEqual([0, 5]);
    });

    it('allocation never exceeds a stratum, and stops when there is nothing left', () => {
      const alloc = allocate(
        [
          { key: 'a', area: null, team: null, size: 2 },
          { key: 'b', area: null, team: null, size: 1 },
        ],
        10,
        0,
        null,
      );
      expect(Object.fromEntries(alloc)).toEqual({ a: 2, b: 1 });
    });
  });
});

describe('plan specs', () => {
  it('names each invalid field, including a rule’s parameters', () => {
    const parsed = parsePlanSpec({
      kinds: ['parking'],
      sampleSize: -1,
      rules: [{ rule: 'astrology' }, { rule: 'repeat_subject', params: { minEncounters: 1 } }],
    });
    expect('errors' in parsed && parsed.errors.map((e) => e.field).sort()).toEqual([
      'spec.kinds.0',
      'spec.rules.0.rule',
      'spec.rules.1.params.minEncounters',
      'spec.sampleSize',
    ]);
  });

  it('ships a default plan with every targeted rule switched on', () => {
    expect(defaultPlanSpec().rules.map((r) => r.rule)).toEqual(RULE_NAMES);
  });
});
