import * as fs from 'node:fs';
import * as path from 'node:path';
import { InProcessJobQueue } from '@scrutiny/jobs';
import { addMember, addToAgenda, createPanel, createSession } from '../factories/panels';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const TEMPLATES = path.join(__dirname, '../../docs/csv-templates');

describe('vehicle stops and use-of-force reports (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'external' | 'otherSupervisor', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const fields = (res: { body: { errors: { field: string }[] } }) => res.body.errors.map((e) => e.field).sort();

  const uof = (over: Record<string, unknown> = {}) => ({
    force: 'lancashire',
    areaCode: 'E07000117',
    occurredAt: '2024-06-01T23:15:00+01:00',
    locationType: 'street_highway',
    tactics: [
      { tactic: 'tactical_communications', effective: false },
      { tactic: 'taser_drawn', effective: true },
    ],
    impactFactors: ['alcohol'],
    reasons: ['protect_self', 'effect_arrest'],
    outcomes: ['arrested'],
    subjectInjury: 'none',
    gender: 'male',
    ageRange: '18_34',
    perceivedEthnicity: 'black',
    perceivedDisability: 'none',
    officerReference: 'PC-9001',
    teamCode: 'TEAM-A',
    bwvActivated: true,
    ...over,
  });
  const vehicleStop = (over: Record<string, unknown> = {}) => ({
    force: 'lancashire',
    areaCode: 'E07000117',
    occurredAt: '2024-06-02T08:00:00+01:00',
    reason: 'moving_traffic_offence',
    reasonDetail: 'Using a phone while driving',
    outcome: 'fixed_penalty_notice',
    gender: 'female',
    selfDefinedEthnicity: 'A1',
    officerDefinedEthnicity: 'asian',
    officerReference: 'PC-9002',
    teamCode: 'TEAM-A',
    ...over,
  });

  async function upload(format: string, content: Buffer | string, filename: string) {
    const res = await t
      .http()
      .post('/api/v1/imports')
      .set(as('admin'))
      .field('format', format)
      .field('force', 'lancashire')
      .attach('file', Buffer.from(content), filename);
    if (res.status !== 202) return res;
    await t.app.get(InProcessJobQueue).idle();
    return t.http().get(`/api/v1/imports/${res.body.id}`).set(as('admin')).expect(200);
  }

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.supervisor = await tokenFor(t, 'supervisor');
    token.psd = await tokenFor(t, 'professional_standards');
    token.external = await tokenFor(t, 'external_panel');
    await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'sgt-c', roles: ['supervisor'], teams: ['TEAM-C'], password: 'another long passphrase' })
      .expect(201);
    token.otherSupervisor = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'sgt-c', password: 'another long passphrase' })
        .expect(200)
    ).body.accessToken;
  });
  afterAll(() => t.close());

  it('imports the documented CSV templates, and importing them again adds nothing', async () => {
    for (const [format, table, rows] of [
      ['vehicle-stops', 'vehicle_stops', 3],
      ['use-of-force', 'use_of_force_reports', 2],
    ] as const) {
      const file = fs.readFileSync(path.join(TEMPLATES, `${format}.csv`));
      expect((await upload(format, file, `${format}.csv`)).body).toMatchObject({
        status: 'completed',
        rowsRead: rows,
        rowsImported: rows,
        rowsDuplicate: 0,
        rowsRejected: 0,
      });
      expect((await upload(format, file, `${format}-again.csv`)).body).toMatchObject({
        status: 'completed',
        rowsRead: rows,
        rowsImported: 0,
        rowsDuplicate: rows,
      });
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE source = 'csv-template'`);
      expect(n).toBe(rows);
    }
    const [report] = await t.dataSource.query(
      `SELECT tactics, outcomes, period::text, officer_assaulted FROM use_of_force_reports WHERE source_reference = 'UOF-2024-0002'`,
    );
    expect(report).toEqual({
      tactics: [
        { tactic: 'taser_drawn', effective: true },
        { tactic: 'taser_red_dot', effective: true },
      ],
      outcomes: ['arrested', 'hospitalised'],
      period: '2024-05-01',
      officer_assaulted: false,
    });
  });

  it('keeps the good rows of a bad template file and reports each bad row by line and column', async () => {
    const header = fs.readFileSync(path.join(TEMPLATES, 'use-of-force.csv'), 'utf8').split('\n')[0];
    const good = (ref: string) =>
      `${ref},2024-07-01T10:00:00Z,E07000117,,,PC-1,TEAM-A,dwelling,unarmed_skills:yes,,,arrested,none,none,no,male,18_34,white,none,,,yes`;
    const file = [
      header,
      good('BAD-GOOD-1'), // line 2
      'BAD-2,2024-07-01T10:00:00Z,E07000117', // line 3: wrong column count
      good('BAD-3').replace('2024-07-01T10:00:00Z', '01/07/2024 10:00'), // line 4: bad date
      good('BAD-4').replace('unarmed_skills:yes', 'lasso:yes'), // line 5: unknown tactic
      good('BAD-5').replace('arrested', 'banished'), // line 6: unknown outcome
      good('BAD-6').replace('dwelling', 'dwel\u0000\u0001ling'), // line 7: binary garbage
      good('BAD-7').replace('E07000117', 'E06000001'), // line 8: area in another force (Hartlepool)
      good('').replace(/^,/, ','), // line 9: no reference
      good('BAD-GOOD-2'), // line 10
    ].join('\n');
    const res = await upload('use-of-force', file, 'mixed.csv');
    expect(res.body).toMatchObject({ status: 'completed', rowsRead: 9, rowsImported: 2, rowsRejected: 7 });
    expect(res.body.rejected.map((r: { line: number; field: string }) => `${r.line}:${r.field}`)).toEqual([
      '3:(row)',
      '4:occurred_at',
      '5:tactics',
      '6:outcomes',
      '7:location_type',
      '8:area_code',
      '9:reference',
    ]);
    const wrongHeader = await upload(
      'use-of-force',
      'reference,occured_at,tactics\nX,2024-01-01T00:00:00Z,\n',
      'typo.csv',
    );
    expect(wrongHeader.status).toBe(400);
    expect(wrongHeader.body.errors[0]).toMatchObject({ field: 'file' });
    expect(wrongHeader.body.errors[0].message).toMatch(
      /missing column\(s\) occurred_at.*unknown column\(s\) "occured_at"/,
    );
    expect((await upload('vehicle-stops', '', 'empty.csv')).status).toBe(400);
  });

  it('records a use-of-force report, names each invalid field, and refuses a reference the force already uses', async () => {
    const created = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('supervisor'))
      .send(uof({ reference: 'UOF-API-1' }))
      .expect(201);
    expect(created.body).toMatchObject({
      kind: 'use_of_force',
      reference: 'UOF-API-1',
      period: '2024-06',
      occurredAt: '2024-06-01T22:15:00.000Z',
      officer: 'PC-9001',
      version: 1,
      tactics: [
        { tactic: 'tactical_communications', effective: false },
        { tactic: 'taser_drawn', effective: true },
      ],
      subject: { perceivedEthnicity: 'black', ageRange: '18_34' },
      injuries: { subjectInjury: 'none', officerInjury: null },
    });
    const bad = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('supervisor'))
      .send(uof({ tactics: [{ tactic: 'lasso', effective: true }], outcomes: ['banished'] }))
      .expect(400);
    expect(fields(bad)).toEqual(['outcomes', 'tactics.0.tactic']);
    const twice = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('psd'))
      .send(
        uof({
          tactics: [
            { tactic: 'baton_drawn', effective: null },
            { tactic: 'baton_drawn', effective: true },
          ],
        }),
      )
      .expect(400);
    expect(fields(twice)).toEqual(['tactics.1.tactic']);
    const outside = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('psd'))
      .send(uof({ areaCode: 'E06000001' }))
      .expect(400);
    expect(outside.body.errors).toEqual([{ field: 'areaCode', message: 'is not in Lancashire' }]);
    const dup = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('psd'))
      .send(uof({ reference: 'UOF-API-1' }))
      .expect(409);
    expect(dup.body.errors).toEqual([
      { field: 'reference', message: 'is already used by another record of this force' },
    ]);
  });

  it('updates with optimistic locking, audited with before and after', async () => {
    const { id } = (await t.http().post('/api/v1/vehicle-stops').set(as('supervisor')).send(vehicleStop()).expect(201))
      .body;
    const updated = await t
      .http()
      .patch(`/api/v1/vehicle-stops/${id}`)
      .set(as('supervisor'))
      .send({ ...vehicleStop({ outcome: 'words_of_advice' }), version: 1 })
      .expect(200);
    expect(updated.body).toMatchObject({
      outcome: 'words_of_advice',
      version: 2,
      driver: { selfDefinedEthnicity: 'A1' },
    });
    const stale = await t
      .http()
      .patch(`/api/v1/vehicle-stops/${id}`)
      .set(as('supervisor'))
      .send({ ...vehicleStop(), version: 1 })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const [event] = await t.dataSource.query(
      `SELECT before->>'outcome' AS b, after->>'outcome' AS a FROM audit_events WHERE action = 'vehicle_stop.updated' AND target_id = $1`,
      [id],
    );
    expect(event).toEqual({ b: 'fixed_penalty_notice', a: 'words_of_advice' });
  });

  it('links a report to a stop search only within scope', async () => {
    const search = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('supervisor'))
      .send({ force: 'lancashire', occurredAt: '2024-06-01T23:00:00+01:00', searchType: 'person', teamCode: 'TEAM-A' })
      .expect(201);
    const linked = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('supervisor'))
      .send(uof({ linkedStopSearchId: search.body.id }))
      .expect(201);
    expect(linked.body.linkedStopSearchId).toBe(search.body.id);
    const foreign = await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('otherSupervisor'))
      .send(uof({ teamCode: 'TEAM-C', linkedStopSearchId: search.body.id }))
      .expect(400);
    expect(fields(foreign)).toEqual(['linkedStopSearchId']);
  });

  it('scopes reads by team and shows an external panel a pseudonymised view of its agenda cases only', async () => {
    const stop = (
      await t
        .http()
        .post('/api/v1/vehicle-stops')
        .set(as('supervisor'))
        .send(vehicleStop({ reference: 'VS-SCOPE-1', latitude: 53.79, longitude: -2.24 }))
        .expect(201)
    ).body;
    await t.http().get(`/api/v1/vehicle-stops/${stop.id}`).set(as('otherSupervisor')).expect(404);
    await t.http().get(`/api/v1/vehicle-stops/${stop.id}`).set(as('external')).expect(404);
    const [external] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'external'`);
    const panel = await createPanel(t.dataSource, 'external');
    await addMember(t.dataSource, panel, external.id);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, panel, 'open'), stop.id, 1, 'vehicle_stop');
    const seen = (await t.http().get(`/api/v1/vehicle-stops/${stop.id}`).set(as('external')).expect(200)).body;
    expect(seen).toMatchObject({
      pseudonymised: true,
      reference: null,
      location: null,
      teamCode: null,
      reasonDetail: null,
      occurredAt: '2024-06-02T07:00:00.000Z',
    });
    expect(seen.officer).toMatch(/^Officer [A-Z2-9]{6}$/);
    expect(JSON.stringify(seen)).not.toMatch(/PC-9002|VS-SCOPE-1|53\.79|TEAM-A|phone/);
    const list = (await t.http().get('/api/v1/vehicle-stops').set(as('external')).expect(200)).body;
    // Listed by the opaque id the member knows it by (a UUIDv7 id would tell when it was created).
    expect(seen.id).not.toBe(stop.id);
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([seen.id]);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'vehicle_stop.viewed' AND target_id = $1 AND actor_username = 'external'`,
      [stop.id],
    );
    expect(n).toBe(1);
  });

  it('filters each kind by its own columns and refuses filters that do not apply', async () => {
    const ids = async (q: string) =>
      (await t.http().get(`/api/v1/use-of-force?${q}`).set(as('psd')).expect(200)).body.items.map(
        (i: { reference: string }) => i.reference,
      );
    expect(await ids('outcome=hospitalised')).toEqual(['UOF-2024-0002']);
    expect(await ids('ethnicity=white&basis=officer&from=2024-05&to=2024-05')).toEqual(['UOF-2024-0002']);
    const selfBasis = await t.http().get('/api/v1/use-of-force?ethnicity=white&basis=self').set(as('psd')).expect(400);
    expect(fields(selfBasis)).toEqual(['basis']);
    const power = await t.http().get('/api/v1/vehicle-stops?power=pace_s1').set(as('psd')).expect(400);
    expect(fields(power)).toEqual(['power']);
    const sql = async (where: string) =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM vehicle_stops WHERE ${where}`))[0].n;
    const listed = (await t.http().get('/api/v1/vehicle-stops?ethnicity=asian&limit=200').set(as('psd')).expect(200))
      .body.items.length;
    expect(listed).toBe(await sql(`self_defined_ethnicity IN ('A1','A2','A3','A4','A9')`));
  });

  it('exports the filtered set as the CSV template, which imports back as exact duplicates', async () => {
    const res = await t
      .http()
      .get('/api/v1/use-of-force/export.csv?from=2024-05&to=2024-05')
      .set(as('psd'))
      .expect(200);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe(fs.readFileSync(path.join(TEMPLATES, 'use-of-force.csv'), 'utf8').split('\n')[0]);
    expect(lines).toHaveLength(3);
    expect((await upload('use-of-force', res.text, 'export.csv')).body).toMatchObject({
      rowsRead: 2,
      rowsImported: 0,
      rowsDuplicate: 2,
      rowsRejected: 0,
    });
    const policeUk = await t.http().get('/api/v1/vehicle-stops/export.csv?format=police-uk').set(as('psd')).expect(400);
    expect(fields(policeUk)).toEqual(['format']);
    await t.http().get('/api/v1/use-of-force/export.csv').set(as('external')).expect(403);
  });
});
