import * as fs from 'node:fs';
import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ETHNIC_GROUPS, ImportsService, PopulationsService, SELF_DEFINED_CATEGORIES } from '@scrutiny/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const TEMPLATES = path.join(__dirname, '../../docs/csv-templates');
const CITY = '?from=2017-12&to=2017-12&area=city-of-london';

describe('disproportionality (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
      ['external', 'external_panel'],
      ['analyst', 'analyst'],
    ] as const)
      token[who] = await tokenFor(t, role);
    const imports = t.app.get(ImportsService);
    await imports.importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
    await imports.importFile(path.join(TEMPLATES, 'use-of-force.csv'), 'use-of-force', 'lancashire', SYSTEM_ACTOR);
  });
  afterAll(() => t.close());

  /** The same figures computed independently, straight from the raw rows. */
  async function raw(basis: 'self' | 'officer') {
    const rows: { self_defined_ethnicity: string | null; officer_defined_ethnicity: string | null }[] =
      await t.dataSource.query(
        `SELECT self_defined_ethnicity, officer_defined_ethnicity FROM stop_searches WHERE force_code = 'E23000034' AND period = '2017-12-01'`,
      );
    const group = (r: (typeof rows)[number]) =>
      basis === 'self'
        ? (SELF_DEFINED_CATEGORIES.find((c) => c.code === r.self_defined_ethnicity)?.group ?? 'not_stated')
        : (r.officer_defined_ethnicity ?? 'not_stated');
    const counts: Record<string, number> = {};
    for (const r of rows) counts[group(r)] = (counts[group(r)] ?? 0) + 1;
    // Populations as PopulationsService gives them (tested on their own): the counts are what is checked here.
    const base = await t.app.get(PopulationsService).populationFor({
      area: 'E23000034',
      characteristic: 'ethnicity',
      period: { from: '2017-12', to: '2017-12' },
    });
    return { counts, pop: base.available ? base.groups : ({} as Record<string, number>) };
  }

  async function expectMatchesRaw(basis: 'self' | 'officer') {
    const { counts, pop } = await raw(basis);
    const res = (await t.http().get(`/api/v1/disproportionality${CITY}&basis=${basis}`).set(as('psd')).expect(200))
      .body;
    for (const g of res.groups) {
      expect([g.group, g.count, g.population]).toEqual([g.group, counts[g.group] ?? 0, pop[g.group]]);
      expect(g.ratePer1000).toBe((1000 * (counts[g.group] ?? 0)) / pop[g.group]);
      if (g.group !== 'white' && counts.white)
        expect(g.rateRatio).toBe((counts[g.group] ?? 0) / pop[g.group] / (counts.white / pop.white));
    }
    expect(res.notStated.count).toBe(counts.not_stated ?? 0);
    return res;
  }

  it('matches an independent computation from the raw rows, to the last digit, on both bases', async () => {
    const self = await expectMatchesRaw('self');
    expect(self).toMatchObject({
      comparator: 'White',
      disclosure: { rule: 'rounded_base_5_suppressed_under_10', applied: false },
      total: 101,
      populationSource: { censusYear: 2021, area: expect.stringMatching(/London/) },
    });
    await expectMatchesRaw('officer');
  });

  it('stays current as records are created, changed and deleted (the rollup is never stale)', async () => {
    const created = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send({
        force: 'city-of-london',
        occurredAt: '2017-12-15T12:00:00Z',
        searchType: 'person',
        selfDefinedEthnicity: 'B1',
        officerDefinedEthnicity: 'black',
      })
      .expect(201);
    await expectMatchesRaw('self');
    await t
      .http()
      .patch(`/api/v1/stop-searches/${created.body.id}`)
      .set(as('psd'))
      .send({
        force: 'city-of-london',
        occurredAt: '2017-12-15T12:00:00Z',
        searchType: 'person',
        selfDefinedEthnicity: 'W1',
        officerDefinedEthnicity: 'white',
        version: 1,
      })
      .expect(200);
    await expectMatchesRaw('self');
    await expectMatchesRaw('officer');
    await t.dataSource.query(`DELETE FROM stop_searches WHERE id = $1`, [created.body.id]);
    const after = await expectMatchesRaw('self');
    expect(after.total).toBe(101);
  });

  it('withholds counts under 10 from external panel members and analysts, and rounds the rest, in every route they can call', async () => {
    /** Every count an outsider is shown is withheld (null) or a multiple of 5 from 10 up. */
    const shownOk = (n: number | null) => n === null || (n >= 10 && n % 5 === 0);
    const truth = (await expectMatchesRaw('self')).groups as { group: string; count: number }[];
    for (const who of ['external', 'analyst']) {
      const res = (await t.http().get(`/api/v1/disproportionality${CITY}`).set(as(who)).expect(200)).body;
      expect(res.disclosure).toEqual({ rule: 'rounded_base_5_suppressed_under_10', applied: true });
      for (const g of res.groups) {
        const trueCount = truth.find((x) => x.group === g.group)!.count;
        expect([g.group, g.count, g.suppressed]).toEqual([
          g.group,
          trueCount < 10 ? null : 5 * Math.floor(trueCount / 5),
          trueCount < 10,
        ]);
        if (g.suppressed) {
          expect([g.ratePer1000, g.rateRatio, g.ci95]).toEqual([null, null, null]);
          expect(g.reason).toMatch(/under 10/);
        }
      }
      expect(res.groups.some((g: { suppressed: boolean }) => g.suppressed)).toBe(true); // mixed: 8
      // The total is rounded like any count (101 shows as 100), and no bound is given for a withheld group.
      expect(res.total).toBe(100);
      expect(shownOk(res.notStated.count)).toBe(true);
      for (const g of res.groups.filter(
        (x: { suppressed: boolean; group: string }) => x.suppressed && x.group !== 'white',
      ))
        expect(res.notStated.rateRatioBounds[g.group] ?? null).toBeNull();
      const outcomes = (await t.http().get(`/api/v1/disproportionality/outcomes${CITY}`).set(as(who)).expect(200)).body;
      expect(outcomes.disclosure.applied).toBe(true);
      for (const g of outcomes.groups) {
        expect(shownOk(g.searches)).toBe(true);
        for (const m of [g.find, g.positiveOutcome, g.arrest, g.stripSearch])
          expect([m.count, m.recorded, m.notRecorded].every(shownOk)).toBe(true);
      }
      const trends = (await t.http().get(`/api/v1/disproportionality/trends${CITY}`).set(as(who)).expect(200)).body;
      expect(trends.disclosure.applied).toBe(true);
      for (const g of trends.series.flatMap((s: { groups: unknown[] }) => s.groups) as { count: number | null }[])
        expect(shownOk(g.count)).toBe(true);
      await t.http().get(`/api/v1/disproportionality/funnel${CITY}`).set(as(who)).expect(403);
      // Analysts read (and record) findings, their figures disclosed (analyst-findings.e2e-spec.ts).
      await t
        .http()
        .get('/api/v1/disproportionality/findings')
        .set(as(who))
        .expect(who === 'analyst' ? 200 : 403);
    }
  });

  it('find rates with Wilson intervals, and funnels for teams (officers: professional standards only)', async () => {
    const outcomes = (await t.http().get(`/api/v1/disproportionality/outcomes${CITY}`).set(as('psd')).expect(200)).body;
    const [{ finds }] = await t.dataSource.query(
      `SELECT count(*)::int AS finds FROM stop_searches WHERE force_code = 'E23000034' AND outcome_linked_to_object`,
    );
    expect(outcomes.groups.reduce((t2: number, g: { find: { count: number } }) => t2 + g.find.count, 0)).toBe(finds);
    const white = outcomes.groups.find((g: { group: string }) => g.group === 'white');
    expect(white.find.ci95.lower).toBeLessThanOrEqual(white.find.rate);
    expect(
      (await t.http().get(`/api/v1/disproportionality/funnel${CITY}&level=team`).set(as('supervisor')).expect(200)).body
        .units.length,
    ).toBeGreaterThan(0);
    await t.http().get(`/api/v1/disproportionality/funnel${CITY}&level=officer`).set(as('supervisor')).expect(403);
    const officers = (
      await t.http().get(`/api/v1/disproportionality/funnel${CITY}&level=officer`).set(as('psd')).expect(200)
    ).body;
    expect(officers).toMatchObject({ level: 'officer', group: 'black' });
  });

  it('counts use-of-force tactics per 1,000 on the perceived basis, and names filters that do not apply', async () => {
    const res = (
      await t
        .http()
        .get(
          '/api/v1/disproportionality?from=2024-05&to=2024-05&area=lancashire&kind=use-of-force&tactic=taser_red_dot',
        )
        .set(as('psd'))
        .expect(200)
    ).body;
    expect(res.groups.find((g: { group: string }) => g.group === 'white').count).toBe(1);
    expect(res.query.basis).toBe('officer');
    const bad = await t
      .http()
      .get(
        '/api/v1/disproportionality?from=2024-05&to=2024-05&area=atlantis&kind=use-of-force&basis=self&power=pace_s1',
      )
      .set(as('psd'))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['area', 'basis', 'power']);
    const month = await t
      .http()
      .get('/api/v1/disproportionality?from=2024-13&to=2024-05&area=lancashire')
      .set(as('psd'))
      .expect(400);
    expect(month.body.errors.map((e: { field: string }) => e.field)).toEqual(['from']);
  });

  it('records a finding with its figures frozen, reviews it with optimistic locking, and lists it by quarter', async () => {
    const finding = (
      await t
        .http()
        .post('/api/v1/disproportionality/findings')
        .set(as('psd'))
        .send({
          title: 'Asian people searched more often in December 2017',
          query: { from: '2017-12', to: '2017-12', area: 'city-of-london', basis: 'officer' },
          narrative: 'Rate ratio above 1 with the interval clear of 1',
        })
        .expect(201)
    ).body;
    expect(finding).toMatchObject({ quarter: '2017-Q4', status: 'open', version: 1 });
    const frozen = finding.snapshot.groups.find((g: { group: string }) => g.group === 'asian').count;
    await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send({
        force: 'city-of-london',
        occurredAt: '2017-12-20T12:00:00Z',
        searchType: 'person',
        officerDefinedEthnicity: 'asian',
      })
      .expect(201);
    const again = (await t.http().get(`/api/v1/disproportionality/findings/${finding.id}`).set(as('psd')).expect(200))
      .body;
    expect(again.snapshot.groups.find((g: { group: string }) => g.group === 'asian').count).toBe(frozen);
    const reviewed = (
      await t
        .http()
        .patch(`/api/v1/disproportionality/findings/${finding.id}`)
        .set(as('psd'))
        .send({
          version: 1,
          forceExplanation: 'City workers from elsewhere',
          status: 'under_review',
          actions: ['Review s1 grounds'],
        })
        .expect(200)
    ).body;
    expect(reviewed).toMatchObject({ status: 'under_review', version: 2, actions: ['Review s1 grounds'] });
    await t
      .http()
      .patch(`/api/v1/disproportionality/findings/${finding.id}`)
      .set(as('psd'))
      .send({ version: 1, status: 'closed' })
      .expect(409);
    expect(
      (
        await t.http().get('/api/v1/disproportionality/findings?quarter=2017-Q4').set(as('psd')).expect(200)
      ).body.items.map((f: { id: string }) => f.id),
    ).toEqual([finding.id]);
    expect(ETHNIC_GROUPS).toContain('asian');
    expect(fs.existsSync(FIXTURE)).toBe(true);
  });
});
