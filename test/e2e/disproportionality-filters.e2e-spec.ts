import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { groupOfSelfDefined, ImportsService, PopulationsService, SELF_DEFINED_CODES } from '@scrutiny/records';
import { DisproportionalityService } from '@scrutiny/statistics';
import { DemoStatisticsSeeder } from '../../libs/statistics/demo-statistics.seeder';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const CITY = '?from=2017-12&to=2017-12&area=city-of-london';
const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field).sort();
type Unit = { unit: string; searches: number; ofGroup: number };
const searchesOf = (body: { units: Unit[] }) => body.units.reduce((t, u) => t + u.searches, 0);

/** Filters each route honours or refuses, empty periods, district populations, findings in one read, and the SQL ethnicity mapping. */
describe('disproportionality: filters, periods, areas and findings (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  /** The body of a GET that must answer 200. */
  const read = async (url: string, who: string) => (await t.http().get(url).set(as(who)).expect(200)).body;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
      ['external', 'external_panel'],
      ['analyst', 'analyst'],
      ['internal', 'internal_panel'],
      ['admin', 'admin'],
    ] as const) {
      token[who] = await tokenFor(t, role);
    }
    await t.app.get(ImportsService).importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
  });
  afterAll(() => t.close());

  /** Stop searches in the City in December 2017 with a stated self-defined ethnicity (what the funnel counts on the self basis). */
  async function rawCount(where: string, params: unknown[] = []): Promise<number> {
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034' AND period = '2017-12-01' AND ethnic_group_of(self_defined_ethnicity) <> 'not_stated' AND ${where}`,
      params,
    );
    return n;
  }

  describe('funnel', () => {
    it('counts only the searches under the power asked for', async () => {
      const all = await read(`/api/v1/disproportionality/funnel${CITY}`, 'supervisor');
      expect(searchesOf(all)).toBe(await rawCount('true'));
      for (const power of ['pace_s1', 'misuse_of_drugs_act_s23', 'firearms_act_s47']) {
        const res = await read(`/api/v1/disproportionality/funnel${CITY}&power=${power}`, 'supervisor');
        const expected = await rawCount('legislation = $1', [power]);
        expect([power, searchesOf(res)]).toEqual([power, expected]);
        expect(expected).toBeLessThan(searchesOf(all)); // the filter makes a difference on this data
        expect(res.query.power).toBe(power);
      }
      const [{ black }] = await t.dataSource.query(
        `SELECT count(*)::int AS black FROM stop_searches WHERE force_code = 'E23000034' AND period = '2017-12-01' AND legislation = 'pace_s1' AND ethnic_group_of(self_defined_ethnicity) = 'black'`,
      );
      const s1 = await read(`/api/v1/disproportionality/funnel${CITY}&power=pace_s1&group=black`, 'supervisor');
      expect(s1.units.reduce((n: number, u: Unit) => n + u.ofGroup, 0)).toBe(black);
    });

    it('counts only strip searches for kind=strip-search', async () => {
      const res = await read(`/api/v1/disproportionality/funnel${CITY}&kind=strip-search`, 'psd');
      expect(searchesOf(res)).toBe(await rawCount('clothing_removed'));
      expect(res.query.kind).toBe('strip-search');
    });

    it('refuses, naming the field, the filters it cannot honour', async () => {
      for (const [extra, field] of [
        ['&kind=vehicle-stop', 'kind'],
        ['&kind=use-of-force&basis=officer', 'kind'],
        ['&comparator=asian', 'comparator'],
        ['&tactic=taser_red_dot', 'tactic'],
      ] as const) {
        const res = await t
          .http()
          .get(`/api/v1/disproportionality/funnel${CITY}${extra}`)
          .set(as('supervisor'))
          .expect(400);
        expect([extra, fields(res)]).toEqual([extra, [field]]);
      }
      const both = await t
        .http()
        .get(`/api/v1/disproportionality/funnel${CITY}&kind=vehicle-stop&comparator=asian&group=black`)
        .set(as('supervisor'))
        .expect(400);
      expect(fields(both)).toEqual(['comparator', 'kind']);
    });

    it('is for those who see unsuppressed figures: refused to external panel members and analysts by the route itself', async () => {
      for (const who of ['supervisor', 'internal', 'admin', 'psd'])
        await t.http().get(`/api/v1/disproportionality/funnel${CITY}`).set(as(who)).expect(200);
      for (const who of ['external', 'analyst']) {
        // Refused even with an invalid query: the permission is checked before anything else.
        expect((await t.http().get('/api/v1/disproportionality/funnel').set(as(who)).expect(403)).body.code).toBe(
          'FORBIDDEN',
        );
      }
    });
  });

  describe('outcomes', () => {
    it('refuses kinds other than stop-search instead of answering for all stop searches', async () => {
      for (const kind of ['strip-search', 'use-of-force', 'vehicle-stop']) {
        const res = await t
          .http()
          .get(`/api/v1/disproportionality/outcomes${CITY}&kind=${kind}&basis=officer`)
          .set(as('psd'))
          .expect(400);
        expect([kind, fields(res)]).toEqual([kind, ['kind']]);
      }
      const ok = await read(`/api/v1/disproportionality/outcomes${CITY}&kind=stop-search&power=pace_s1`, 'psd');
      const searches = ok.groups.reduce((n: number, g: { searches: number }) => n + g.searches, 0);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034' AND legislation = 'pace_s1'`,
      );
      expect(searches).toBe(n);
    });
  });

  describe('trends', () => {
    it('lists every period of the range, the empty ones as zeros', async () => {
      const res = await read('/api/v1/disproportionality/trends?from=2017-10&to=2018-01&area=city-of-london', 'psd');
      expect(res.series.map((s: { period: string }) => s.period)).toEqual(['2017-10', '2017-11', '2017-12', '2018-01']);
      for (const s of res.series.filter((x: { period: string }) => x.period !== '2017-12')) {
        expect(s.groups.map((g: { count: number }) => g.count)).toEqual([0, 0, 0, 0, 0, 0]);
      }
      const december = res.series.find((s: { period: string }) => s.period === '2017-12');
      expect(december.groups.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(101);
      const quarters = await read(
        '/api/v1/disproportionality/trends?from=2017-11&to=2018-04&area=city-of-london&interval=quarter',
        'psd',
      );
      expect(quarters.series.map((s: { period: string }) => s.period)).toEqual(['2017-10', '2018-01', '2018-04']);
    });

    it('for suppressed viewers, an empty period withholds nothing more than before', async () => {
      const only = await read(`/api/v1/disproportionality/trends${CITY}`, 'external');
      const wide = await read(
        '/api/v1/disproportionality/trends?from=2017-10&to=2018-01&area=city-of-london',
        'external',
      );
      const countsIn = (
        body: { series: { period: string; groups: { group: string; count: number | null }[] }[] },
        period: string,
      ) => body.series.find((s) => s.period === period)!.groups.map((g) => [g.group, g.count]);
      expect(countsIn(wide, '2017-12')).toEqual(countsIn(only, '2017-12'));
      expect(countsIn(only, '2017-12').some(([, c]) => c !== null)).toBe(true);
      for (const s of wide.series)
        for (const g of s.groups) if (g.count !== null) expect(g.count >= 10 && g.count % 5 === 0).toBe(true);
    });
  });

  describe('areas', () => {
    it('gives a district the population of its local authorities, and counts the records within them', async () => {
      await t.dataSource.query(
        `INSERT INTO areas (code, name, level, parent_code) VALUES ('LANCS-EAST', 'East Lancashire', 'district', 'E23000003')`,
      );
      await t.dataSource.query(`UPDATE areas SET parent_code = 'LANCS-EAST' WHERE code IN ('E07000117', 'E07000118')`);
      // The district's population is the sum of its two authorities' (each as PopulationsService gives it).
      const sums = new Map<string, number>();
      for (const la of ['E07000117', 'E07000118']) {
        const base = await t.app.get(PopulationsService).populationFor({
          area: la,
          characteristic: 'ethnicity',
          period: { from: '2024-05', to: '2024-05' },
        });
        if (!base.available) throw new Error(`no population for ${la}`);
        for (const [g, p] of Object.entries(base.groups)) sums.set(g, (sums.get(g) ?? 0) + p);
      }
      expect(sums.size).toBe(5);
      // Nothing is stored for a district placed after the census was loaded: its population has to come from its authorities.
      expect(await t.dataSource.query(`SELECT 1 FROM census_populations WHERE area_code = 'LANCS-EAST'`)).toEqual([]);
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set(as('psd'))
        .send({
          force: 'lancashire',
          areaCode: 'E07000117',
          occurredAt: '2024-05-10T12:00:00Z',
          searchType: 'person',
          selfDefinedEthnicity: 'B1',
        })
        .expect(201);
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set(as('psd'))
        .send({
          force: 'lancashire',
          areaCode: 'E07000120',
          occurredAt: '2024-05-10T12:00:00Z',
          searchType: 'person',
          selfDefinedEthnicity: 'B1',
        })
        .expect(201);
      const res = await read('/api/v1/disproportionality?from=2024-05&to=2024-05&area=LANCS-EAST', 'psd');
      expect(
        Object.fromEntries(res.groups.map((g: { group: string; population: number }) => [g.group, g.population])),
      ).toEqual(Object.fromEntries(sums));
      expect(res.populationSource).toMatchObject({ censusYear: 2021, area: 'East Lancashire' });
      expect(res.query.area).toEqual({ code: 'LANCS-EAST', name: 'East Lancashire', level: 'district' });
      expect(res.groups.find((g: { group: string }) => g.group === 'black').count).toBe(1); // Burnley's, not Hyndburn's
    });
  });

  describe('findings', () => {
    it('lists findings exactly as each reads alone, newest first, and reviews them with the state read under lock', async () => {
      const make = (title: string) =>
        t
          .http()
          .post('/api/v1/disproportionality/findings')
          .set(as('psd'))
          .send({
            title,
            query: { from: '2017-12', to: '2017-12', area: 'city-of-london' },
            narrative: 'What the figures show',
          })
          .expect(201);
      const first = (await make('First finding')).body;
      const second = (await make('Second finding')).body;
      expect(first).toMatchObject({
        title: 'First finding',
        quarter: '2017-Q4',
        status: 'open',
        version: 1,
        forceExplanation: null,
        actions: [],
      });
      const listed = (await read('/api/v1/disproportionality/findings?quarter=2017-Q4', 'psd')).items;
      expect(listed.map((f: { id: string }) => f.id)).toEqual([second.id, first.id]);
      for (const f of listed) expect(f).toEqual(await read(`/api/v1/disproportionality/findings/${f.id}`, 'psd'));
      expect(listed[1]).toEqual(first);

      const reviewed = (
        await t
          .http()
          .patch(`/api/v1/disproportionality/findings/${first.id}`)
          .set(as('psd'))
          .send({ version: 1, status: 'under_review', forceExplanation: 'Daytime population' })
          .expect(200)
      ).body;
      expect(reviewed).toMatchObject({
        id: first.id,
        status: 'under_review',
        forceExplanation: 'Daytime population',
        narrative: 'What the figures show',
        version: 2,
      });
      expect(reviewed).toEqual(await read(`/api/v1/disproportionality/findings/${first.id}`, 'psd'));
      const [event] = await t.dataSource.query(
        `SELECT before, after FROM audit_events WHERE action = 'disproportionality_finding.updated' AND target_id = $1`,
        [first.id],
      );
      expect(event.before).toEqual({ status: 'open', forceExplanation: null });
      const conflict = await t
        .http()
        .patch(`/api/v1/disproportionality/findings/${first.id}`)
        .set(as('psd'))
        .send({ version: 1, status: 'closed' })
        .expect(409);
      expect(conflict.body.code).toBe('VERSION_CONFLICT');
      await t
        .http()
        .patch('/api/v1/disproportionality/findings/7f0c1a52-0000-4000-8000-000000000000')
        .set(as('psd'))
        .send({ version: 1, status: 'closed' })
        .expect(404);
      await t
        .http()
        .patch('/api/v1/disproportionality/findings/not-a-uuid')
        .set(as('psd'))
        .send({ version: 1, status: 'closed' })
        .expect(404);
      expect(
        (await read('/api/v1/disproportionality/findings?status=under_review', 'psd')).items.map(
          (f: { id: string }) => f.id,
        ),
      ).toEqual([first.id]);
    });

    it('the demo seeder records its own finding once, whatever other findings exist, and never as a disabled user', async () => {
      const seeder = new DemoStatisticsSeeder(t.dataSource, t.app.get(DisproportionalityService), {
        ...t.config,
        demo: { ...t.config.demo, records: true },
      });
      const demo = () =>
        t.dataSource.query(`SELECT created_by FROM disproportionality_findings WHERE title LIKE '%(demo)'`);
      expect((await t.dataSource.query(`SELECT 1 FROM disproportionality_findings`)).length).toBeGreaterThan(0); // others exist
      await t.dataSource.query(`UPDATE users SET disabled_at = now() WHERE username = 'psd'`);
      try {
        await seeder.onApplicationBootstrap();
        expect(await demo()).toEqual([]);
      } finally {
        await t.dataSource.query(`UPDATE users SET disabled_at = NULL WHERE username = 'psd'`);
      }
      await seeder.onApplicationBootstrap();
      await seeder.onApplicationBootstrap();
      const [{ id: psdId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'psd'`);
      expect(await demo()).toEqual([{ created_by: psdId }]);
    });
  });

  it('the migration’s ethnic_group_of(code) maps every self-defined code as groupOfSelfDefined does', async () => {
    const codes = [...SELF_DEFINED_CODES, 'ZZ', ''];
    const rows: { code: string; grp: string }[] = await t.dataSource.query(
      `SELECT c AS code, ethnic_group_of(c) AS grp FROM unnest($1::text[]) AS c`,
      [codes],
    );
    expect(Object.fromEntries(rows.map((r) => [r.code, r.grp]))).toEqual(
      Object.fromEntries(codes.map((c) => [c, groupOfSelfDefined(c) ?? 'not_stated'])),
    );
    const [{ grp }] = await t.dataSource.query(`SELECT ethnic_group_of(NULL) AS grp`);
    expect(grp).toBe(groupOfSelfDefined(null) ?? 'not_stated');
  });
});
