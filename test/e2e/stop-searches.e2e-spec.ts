import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { InProcessJobQueue } from '@scrutiny/jobs';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');

describe('stop searches API (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'analyst' | 'external' | 'otherSupervisor', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const caseBody = (over: Record<string, unknown> = {}) => ({
    force: 'lancashire',
    areaCode: 'E07000117',
    occurredAt: '2024-05-03T21:47:00+01:00',
    searchType: 'person',
    legislation: 'misuse_of_drugs_act_s23',
    objectOfSearch: 'controlled_drugs',
    grounds: 'Seen passing a small package; smell of cannabis',
    outcome: 'no_further_action',
    gender: 'male',
    ageRange: '18_24',
    selfDefinedEthnicity: 'B2',
    officerDefinedEthnicity: 'black',
    officerReference: 'PC-4471',
    teamCode: 'TEAM-A',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.supervisor = await tokenFor(t, 'supervisor');
    token.psd = await tokenFor(t, 'professional_standards');
    token.analyst = await tokenFor(t, 'analyst');
    token.external = await tokenFor(t, 'external_panel');
    await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'sgt-b', roles: ['supervisor'], teams: ['TEAM-B'], password: 'another long passphrase' })
      .expect(201);
    token.otherSupervisor = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'sgt-b', password: 'another long passphrase' })
        .expect(200)
    ).body.accessToken;
    await t
      .http()
      .post('/api/v1/imports')
      .set(as('admin'))
      .field('format', 'police-uk')
      .field('force', 'city-of-london')
      .attach('file', fs.readFileSync(FIXTURE), path.basename(FIXTURE))
      .expect(202);
    await t.app.get(InProcessJobQueue).idle();
  });
  afterAll(() => t.close());

  it('a supervisor records a case for their team, filed under its Europe/London month, and audited', async () => {
    const res = await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(caseBody()).expect(201);
    expect(res.body).toMatchObject({
      forceCode: 'E23000003',
      period: '2024-05',
      occurredAt: '2024-05-03T20:47:00.000Z',
      officer: 'PC-4471',
      version: 1,
      source: 'manual',
    });
    const [event] = await t.dataSource.query(`SELECT action, actor_username FROM audit_events WHERE target_id = $1`, [
      res.body.id,
    ]);
    expect(event).toEqual({ action: 'stop_search.created', actor_username: 'supervisor' });
  });

  it('refuses a case outside the supervisor’s teams, and names each invalid field', async () => {
    const res = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('supervisor'))
      .send(caseBody({ teamCode: 'TEAM-Z', areaCode: null }))
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['teamCode']);
    const bad = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send(caseBody({ outcome: 'banished', occurredAt: 'yesterday', force: 'atlantis' }))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['outcome']);
    const bad2 = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send(caseBody({ occurredAt: 'yesterday', force: 'atlantis' }))
      .expect(400);
    expect(bad2.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['force', 'occurredAt']);
  });

  it('scopes reads: own team yes; another team’s supervisor 404 (not 403); external panel and analyst nothing', async () => {
    const id = (await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(caseBody()).expect(201)).body
      .id;
    await t.http().get(`/api/v1/stop-searches/${id}`).set(as('supervisor')).expect(200);
    await t.http().get(`/api/v1/stop-searches/${id}`).set(as('psd')).expect(200);
    const probe = await t.http().get(`/api/v1/stop-searches/${id}`).set(as('otherSupervisor')).expect(404);
    expect(probe.body.code).toBe('NOT_FOUND');
    await t.http().get(`/api/v1/stop-searches/${id}`).set(as('external')).expect(404);
    await t.http().get(`/api/v1/stop-searches/${id}`).set(as('analyst')).expect(403);
    expect(
      (await t.http().get('/api/v1/stop-searches').set(as('otherSupervisor')).expect(200)).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).not.toContain(id);
    expect((await t.http().get('/api/v1/stop-searches').set(as('external')).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
      total: 0,
      totalCapped: false,
    });
    const views = await t.dataSource.query(
      `SELECT actor_username FROM audit_events WHERE action = 'stop_search.viewed' AND target_id = $1 ORDER BY seq`,
      [id],
    );
    expect(views.map((v: { actor_username: string }) => v.actor_username)).toEqual(['supervisor', 'psd']);
  });

  it('updates with optimistic locking and audits before and after', async () => {
    const created = (await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(caseBody()).expect(201))
      .body;
    const updated = await t
      .http()
      .patch(`/api/v1/stop-searches/${created.id}`)
      .set(as('supervisor'))
      .send({ ...caseBody({ outcome: 'arrest' }), version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({ outcome: 'arrest', version: 2 });
    const stale = await t
      .http()
      .patch(`/api/v1/stop-searches/${created.id}`)
      .set(as('supervisor'))
      .send({ ...caseBody({ outcome: 'caution' }), version: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const [event] = await t.dataSource.query(
      `SELECT before->>'outcome' AS b, after->>'outcome' AS a FROM audit_events WHERE action = 'stop_search.updated' AND target_id = $1`,
      [created.id],
    );
    expect(event).toEqual({ b: 'no_further_action', a: 'arrest' });
  });

  it('filters by area, months and ethnicity (either basis), matching an independent count', async () => {
    const count = async (q: string) => {
      let total = 0;
      let cursor: string | null = null;
      const seen = new Set<string>();
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(`/api/v1/stop-searches?${q}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
          .set(as('psd'))
          .expect(200);
        for (const i of res.body.items) seen.add(i.id);
        total += res.body.items.length;
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.size).toBe(total); // paging never repeats a row
      return total;
    };
    const sql = async (where: string) =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034' AND ${where}`,
        )
      )[0].n;
    expect(await count('area=city-of-london&from=2017-12&to=2017-12')).toBe(await sql(`period = '2017-12-01'`));
    expect(await count('area=city-of-london&ethnicity=black&basis=officer')).toBe(
      await sql(`officer_defined_ethnicity = 'black'`),
    );
    expect(await count('area=city-of-london&ethnicity=white')).toBe(
      await sql(`self_defined_ethnicity IN ('W1','W2','W3','W9')`),
    );
    expect(await count('area=city-of-london&outcome=arrest')).toBe(await sql(`outcome = 'arrest'`));
    const bad = await t
      .http()
      .get('/api/v1/stop-searches?from=2018-13&ethnicity=purple&cursor=zzz')
      .set(as('psd'))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['ethnicity', 'from']);
  });

  it('exports the filtered set as police.uk CSV that re-imports as exact duplicates', async () => {
    const res = await t
      .http()
      .get('/api/v1/stop-searches/export.csv?area=city-of-london&from=2017-12&to=2017-12')
      .set(as('psd'))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe(fs.readFileSync(FIXTURE, 'utf8').split('\n')[0].trim());
    expect(lines).toHaveLength(102);
    const again = await t
      .http()
      .post('/api/v1/imports')
      .set(as('admin'))
      .field('format', 'police-uk')
      .field('force', 'city-of-london')
      .attach('file', Buffer.from(res.text), '2017-12-export.csv')
      .expect(202);
    await t.app.get(InProcessJobQueue).idle();
    const result = (await t.http().get(`/api/v1/imports/${again.body.id}`).set(as('admin')).expect(200)).body;
    expect(result).toMatchObject({ rowsRead: 101, rowsImported: 0, rowsDuplicate: 101, rowsRejected: 0 });
    await t.http().get('/api/v1/stop-searches/export.csv').set(as('external')).expect(403);
    const [event] = await t.dataSource.query(
      `SELECT details->>'rows' AS rows FROM audit_events WHERE action = 'stop_search.exported' ORDER BY seq DESC LIMIT 1`,
    );
    expect(event.rows).toBe('101');
  });

  it('answers a missing or out-of-scope case in the same words on every route that looks it up', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const foreign = (
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set(as('psd'))
        .send(caseBody({ teamCode: 'TEAM-Z', areaCode: null }))
        .expect(201)
    ).body;
    for (const [who, id] of [
      ['psd', missing],
      ['otherSupervisor', foreign.id],
      ['psd', 'not-a-case-id'],
      ['supervisor', 'not-a-case-id'],
    ] as const) {
      const details = [
        (await t.http().get(`/api/v1/stop-searches/${id}`).set(as(who)).expect(404)).body.detail,
        (await t.http().get(`/api/v1/stop-searches/${id}/bwv-clips`).set(as(who)).expect(404)).body.detail,
        (
          await t
            .http()
            .patch(`/api/v1/stop-searches/${id}`)
            .set(as(who))
            .send({ ...caseBody({ teamCode: 'TEAM-B' }), version: 1 })
            .expect(404)
        ).body.detail,
      ];
      expect(details).toEqual(Array(3).fill(`Stop search ${id} not found`));
    }
  });

  it('ends an export the client abandons part-way (rather than waiting on it for ever) and audits it as not completed', async () => {
    // Rows with long grounds, exported as the template (which carries grounds): far more than the socket buffers hold.
    await t.dataSource.query(
      `INSERT INTO stop_searches (force_code, area_code, occurred_at, period, search_type, grounds, source, version)
       SELECT 'E23000003', 'E07000117', timestamptz '2015-01-10T12:00:00Z' + make_interval(secs => g), date '2015-01-01', 'person', repeat('x', 4000), 'manual', 1
       FROM generate_series(1, 6000) AS g`,
    );
    const server = t.app.getHttpServer() as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/stop-searches/export.csv?format=template&from=2015-01&to=2015-01',
            headers: as('psd'),
          },
          (res) => {
            res.on('error', () => undefined);
            res.once('data', () => {
              req.destroy(); // the client goes away after the first bytes
              resolve(res.statusCode);
            });
          },
        );
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      });
      expect(status).toBe(200);
      let event: { rows: number; completed: boolean } | undefined;
      for (let tries = 0; !event && tries < 100; tries++) {
        [event] = (await t.dataSource.query(
          `SELECT (details->>'rows')::int AS rows, (details->>'completed')::boolean AS completed FROM audit_events
           WHERE action = 'stop_search.exported' AND details->'filter'->>'from' = '2015-01'`,
        )) as { rows: number; completed: boolean }[];
        if (!event) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(event).toEqual({ rows: expect.any(Number), completed: false });
      expect(event!.rows).toBeLessThan(6000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await t.dataSource.query(`DELETE FROM stop_searches WHERE period = '2015-01-01' AND force_code = 'E23000003'`);
    }
  });
});
