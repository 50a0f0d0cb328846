import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const NOT_REASONABLE = {
  ...EXAMPLE_REVIEW_FORM,
  lawfulness: { powerApplicable: 'yes', grounds: 'not_reasonable', reason: 'Smell of cannabis alone' },
};

describe('dip sample estimates: the population each covers, month-wide with the targeted part, verification of version 1 draws (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'supervisor' | 'psd', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const plans = {} as Record<'main' | 'tiny' | 'three', string>;
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.supervisor = await tokenFor(t, 'supervisor');
    token.psd = await tokenFor(t, 'professional_standards');
    // May 2024, TEAM-A: 30 s23 and 10 PACE s1 searches, plus three the targeted rules take.
    for (let i = 0; i < 40; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `2024-05-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
        legislation: i % 4 ? 'misuse_of_drugs_act_s23' : 'pace_s1',
        officerReference: `PC-${i % 5}`,
      });
      await insertClip(t.dataSource, id, 20);
    }
    cases.child = await insertStopSearch(t.dataSource, { ageRange: '10_17', officerReference: 'PC-1' });
    cases.s60 = await insertStopSearch(t.dataSource, { legislation: 'cjpoa_s60', officerReference: 'PC-2' });
    cases.strip = await insertStopSearch(t.dataSource, { clothingRemoved: true, officerReference: 'PC-3' });
    const plan = async (name: string, sampleSize: number) =>
      (
        await t
          .http()
          .post('/api/v1/sampling-plans')
          .set(as('psd'))
          .send({
            name,
            spec: {
              kinds: ['stop_search'],
              teams: ['TEAM-A'],
              sampleSize,
              strata: ['power'],
              rules: [{ rule: 'under_18' }, { rule: 'suspicionless_powers' }, { rule: 'more_than_outer_clothing' }],
              exclusions: { alreadyReviewed: false, alreadySampled: false },
            },
          })
          .expect(201)
      ).body.id as string;
    plans.main = await plan('estimates: 8 random items', 8);
    plans.tiny = await plan('estimates: 1 random item', 1);
    plans.three = await plan('estimates: 3 random items', 3);
  });
  afterAll(() => t.close());

  const draw = async (planId: string, seed: string) =>
    (
      await t
        .http()
        .post('/api/v1/dip-samples')
        .set(as('supervisor'))
        .send({ period: '2024-05', planId, seed })
        .expect(201)
    ).body;
  const estimatesOf = async (id: string) =>
    (await t.http().get(`/api/v1/dip-samples/${id}/estimates`).set(as('supervisor')).expect(200)).body;

  it('estimates the random part and, separately, the whole month with the targeted items, each naming its population and method', async () => {
    const sample = await draw(plans.main, 'estimates-main');
    const issued = (
      await t
        .http()
        .post(`/api/v1/dip-samples/${sample.id}/issue`)
        .set(as('supervisor'))
        .send({ version: sample.version })
        .expect(200)
    ).body;
    type Item = { id: string; reason: string; stratum: string; recordId: string };
    const random: Item[] = issued.items.filter((i: Item) => i.reason === 'random');
    const child: Item = issued.items.find((i: Item) => i.recordId === cases.child);
    expect(random).toHaveLength(8);
    // Two s23 items judged not reasonable, every other random item reasonable; the under-18 item not reasonable; the
    // other two targeted items left unreviewed.
    const s23 = random.filter((i) => i.stratum === 'power=misuse_of_drugs_act_s23');
    const notReasonable = new Set([s23[0].id, s23[1].id, child.id]);
    for (const item of [...random, child])
      await t
        .http()
        .put(`/api/v1/dip-samples/${sample.id}/items/${item.id}/review`)
        .set(as('supervisor'))
        .send({ version: 1, form: notReasonable.has(item.id) ? NOT_REASONABLE : EXAMPLE_REVIEW_FORM, submit: true })
        .expect(200);

    const estimates = await estimatesOf(sample.id);
    expect(estimates.random).toMatchObject({
      items: 8,
      reviewed: 8,
      method: expect.stringMatching(/^Random items only.*Korn–Graubard/),
      population: {
        description: 'the records of 2024-05 that no targeted rule selected: 40 records in 2 strata',
        records: 40,
        strata: 2,
        coveredRecords: 40,
        notCovered: [],
      },
    });
    // s23: 2 of its 6 items, weight 30/40; PACE: 0 of 2, weight 10/40.
    const random95 = estimates.random.indicators.grounds_not_reasonable;
    expect(random95.estimate).toBeCloseTo(0.75 * (2 / 6), 12);
    expect(random95).toMatchObject({
      method: 'korn_graubard',
      reviewed: 8,
      populationCovered: 40,
      populationTotal: 40,
    });
    expect(random95.effectiveSampleSize).toBeLessThanOrEqual(8);
    expect(random95.ci95[0]).toBeLessThan(random95.estimate);
    expect(random95.ci95[1]).toBeGreaterThan(random95.estimate);
    // Nobody was referred: an estimate of 0 still has an upper bound (Clopper–Pearson for 0 of 8 at most).
    const referred = estimates.random.indicators.referred_to_professional_standards;
    expect(referred.estimate).toBe(0);
    expect(referred.ci95[1]).toBeGreaterThanOrEqual(1 - 0.025 ** (1 / 8) - 1e-12);

    expect(estimates.monthWide).toMatchObject({
      items: 11,
      reviewed: 9,
      method: expect.stringMatching(/^Random and targeted items.*inclusion probability 1/),
      population: {
        records: 43,
        strata: 5,
        coveredRecords: 41,
        notCovered: expect.arrayContaining([
          { stratum: 'rule:suspicionless_powers:tier-0', records: 1, reason: 'no_completed_review' },
          { stratum: 'rule:more_than_outer_clothing:tier-0', records: 1, reason: 'no_completed_review' },
        ]),
      },
    });
    expect(estimates.monthWide.population.description).toBe(
      'every eligible record of 2024-05: 43 records in 5 strata, less 2 strata (2 records) with no completed review: the estimates speak for the other 41 records only',
    );
    // The under-18 item stands for itself: (1 + 30·2/6 + 10·0) / 41.
    const month95 = estimates.monthWide.indicators.grounds_not_reasonable;
    expect(month95.estimate).toBeCloseTo((1 + 10) / 41, 12);
    expect(month95).toMatchObject({ reviewed: 9, populationCovered: 41, populationTotal: 43 });
    expect(estimates.targeted.byRule.under_18).toMatchObject({
      items: 1,
      reviewed: 1,
      indicators: expect.objectContaining({ grounds_not_reasonable: 1 }),
    });
  });

  it('names the stratum a sample too small for its strata leaves out, and labels its population accordingly', async () => {
    const sample = await draw(plans.tiny, 'estimates-tiny');
    expect(sample.allocation).toEqual([
      { stratum: 'power=misuse_of_drugs_act_s23', population: 30, sampled: 1 },
      { stratum: 'power=pace_s1', population: 10, sampled: 0 },
    ]);
    const estimates = await estimatesOf(sample.id);
    expect(estimates.random.population).toEqual({
      description:
        'the records of 2024-05 that no targeted rule selected: 40 records in 2 strata, less 1 stratum (10 records) with no item drawn and 1 stratum (30 records) with no completed review: the estimates speak for the other 0 records only',
      records: 40,
      strata: 2,
      coveredRecords: 0,
      notCovered: [
        { stratum: 'power=misuse_of_drugs_act_s23', records: 30, reason: 'no_completed_review' },
        { stratum: 'power=pace_s1', records: 10, reason: 'no_item_drawn' },
      ],
    });
    expect(estimates.random.indicators.grounds_not_reasonable).toMatchObject({
      estimate: null,
      ci95: null,
      populationCovered: 0,
      populationTotal: 40,
    });
  });

  it('gives every stratum an item when the sample size allows (algorithm version 2)', async () => {
    const sample = await draw(plans.three, 'estimates-three');
    expect(sample.algorithmVersion).toBe('stratified-srs-with-targeted/2');
    // Proportional allocation alone (version 1) gave all three to s23 (30/3 = 10 ties PACE's 10, the smaller key wins).
    expect(sample.allocation).toEqual([
      { stratum: 'power=misuse_of_drugs_act_s23', population: 30, sampled: 2 },
      { stratum: 'power=pace_s1', population: 10, sampled: 1 },
    ]);
  });

  it('describes both estimates, their populations and each indicator’s fields in the OpenAPI document', async () => {
    const { components } = (await t.http().get('/docs-json').expect(200)).body;
    const response = components.schemas.EstimatesResponse;
    for (const part of ['random', 'monthWide']) {
      expect(response.required).toContain(part);
      expect(JSON.stringify(response.properties[part])).toContain('#/components/schemas/EstimatePartResponse');
    }
    const part = components.schemas.EstimatePartResponse;
    expect(part.properties.indicators.additionalProperties).toEqual({
      $ref: '#/components/schemas/ProportionEstimateResponse',
    });
    expect(JSON.stringify(part.properties.population)).toContain('#/components/schemas/PopulationCoverageResponse');
    expect(Object.keys(components.schemas.ProportionEstimateResponse.properties).sort()).toEqual(
      [
        'ci95',
        'designEffect',
        'effectiveSampleSize',
        'estimate',
        'method',
        'populationCovered',
        'populationTotal',
        'reviewed',
      ].sort(),
    );
    expect(components.schemas.UncoveredStratumResponse.properties.reason.enum).toEqual([
      'no_item_drawn',
      'no_completed_review',
    ]);
  });

  it('verifies a sample drawn by version 1 with version 1, not the current one', async () => {
    const verify = async (id: string) =>
      (await t.http().get(`/api/v1/dip-samples/${id}/verify`).set(as('psd')).expect(200)).body;
    // With 8 items both versions allocate 6 and 2, so a version 1 sample of this plan is exactly what version 1 draws.
    const same = await draw(plans.main, 'verify-v1');
    await t.dataSource.query(
      `UPDATE dip_samples SET algorithm_version = 'stratified-srs-with-targeted/1' WHERE id = $1`,
      [same.id],
    );
    expect(await verify(same.id)).toMatchObject({
      verified: true,
      algorithmVersion: 'stratified-srs-with-targeted/1',
      eligibleCount: { stored: 43, now: 43 },
      differences: [],
    });
    // With 3 items they differ (version 1: 3 and 0; version 2: 2 and 1): recomputed with version 1, the stored
    // version 2 items do not match, item by item.
    const other = await draw(plans.three, 'verify-v1');
    await t.dataSource.query(
      `UPDATE dip_samples SET algorithm_version = 'stratified-srs-with-targeted/1' WHERE id = $1`,
      [other.id],
    );
    const verdict = await verify(other.id);
    expect(verdict).toMatchObject({ verified: false, eligibleCount: { stored: 43, now: 43 } });
    expect(verdict.missingItems.length).toBeGreaterThan(0);
    expect(verdict.unexpectedItems.map((i: { recordId: string }) => i.recordId)).toEqual(
      expect.arrayContaining(
        other.items
          .filter((i: { stratum: string }) => i.stratum === 'power=pace_s1')
          .map((i: { recordId: string }) => i.recordId),
      ),
    );
    expect(verdict.differences).toEqual([
      expect.stringMatching(/item\(s\) the draw would select are not in the sample/),
    ]);
  });
});
