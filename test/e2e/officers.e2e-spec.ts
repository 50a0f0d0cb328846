import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('officers (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'external', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const search = (officerReference: string, teamCode: string) => ({
    force: 'lancashire',
    occurredAt: '2024-05-03T21:47:00+01:00',
    searchType: 'person',
    officerReference,
    teamCode,
  });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
      ['external', 'external_panel'],
    ] as const)
      token[who] = await tokenFor(t, role);
  });
  afterAll(() => t.close());

  it('a supervisor sees their team’s officers; putting another officer under them brings that officer’s cases into their scope', async () => {
    await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(search('PC-A1', 'TEAM-A')).expect(201);
    const elsewhere = (
      await t.http().post('/api/v1/stop-searches').set(as('psd')).send(search('PC-Z9', 'TEAM-Z')).expect(201)
    ).body;
    const mine = (await t.http().get('/api/v1/officers').set(as('supervisor')).expect(200)).body.items;
    expect(mine.map((o: { reference: string }) => o.reference)).toEqual(['PC-A1']);
    expect(mine[0].records).toEqual({ stopSearches: 1, vehicleStops: 0, useOfForce: 0 });
    await t.http().get(`/api/v1/stop-searches/${elsewhere.id}`).set(as('supervisor')).expect(404);

    const all = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body.items;
    const z9 = all.find((o: { reference: string }) => o.reference === 'PC-Z9');
    const [supervisor] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
    const moved = await t
      .http()
      .patch(`/api/v1/officers/${z9.id}`)
      .set(as('admin'))
      .send({ supervisorUserId: supervisor.id })
      .expect(200);
    expect(moved.body).toMatchObject({ teamCode: 'TEAM-Z', supervisor: { username: 'supervisor' } });
    await t.http().get(`/api/v1/stop-searches/${elsewhere.id}`).set(as('supervisor')).expect(200);
    const [event] = await t.dataSource.query(
      `SELECT before->'supervisor' AS b, after->'supervisor'->>'username' AS a FROM audit_events WHERE action = 'officer.updated' AND target_id = $1`,
      [z9.id],
    );
    expect(event).toEqual({ b: null, a: 'supervisor' });
  });

  it('only admins and professional standards reassign officers, and only to supervisors', async () => {
    const [officer] = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body.items;
    await t
      .http()
      .patch(`/api/v1/officers/${officer.id}`)
      .set(as('supervisor'))
      .send({ teamCode: 'TEAM-Q' })
      .expect(403);
    await t.http().get('/api/v1/officers').set(as('external')).expect(403);
    const [psd] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'psd'`);
    const bad = await t
      .http()
      .patch(`/api/v1/officers/${officer.id}`)
      .set(as('admin'))
      .send({ supervisorUserId: psd.id })
      .expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'supervisorUserId', message: 'must be an active user with the supervisor role' },
    ]);
    await t
      .http()
      .patch('/api/v1/officers/00000000-0000-4000-8000-000000000000')
      .set(as('admin'))
      .send({ teamCode: 'X' })
      .expect(404);
  });

  it('professional standards flag an officer with a reason, and clear the flag later; both audited', async () => {
    const [officer] = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body.items;
    const noReason = await t
      .http()
      .patch(`/api/v1/officers/${officer.id}`)
      .set(as('psd'))
      .send({ flagged: true })
      .expect(400);
    expect(noReason.body.errors).toEqual([{ field: 'flagReason', message: 'give the reason for flagging' }]);
    const flagged = await t
      .http()
      .patch(`/api/v1/officers/${officer.id}`)
      .set(as('psd'))
      .send({ flagged: true, flagReason: 'Three complaints this quarter' })
      .expect(200);
    expect(flagged.body.flag).toMatchObject({
      reason: 'Three complaints this quarter',
      flaggedAt: expect.any(String),
      clearedAt: null,
    });
    const cleared = await t
      .http()
      .patch(`/api/v1/officers/${officer.id}`)
      .set(as('psd'))
      .send({ flagged: false })
      .expect(200);
    expect(cleared.body.flag).toMatchObject({ reason: 'Three complaints this quarter', clearedAt: expect.any(String) });
    const events = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'officer.updated' AND target_id = $1`,
      [officer.id],
    );
    expect(events[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuses a flag reason sent without flagging, naming flagReason, and changes nothing', async () => {
    const [officer] = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body.items;
    for (const body of [{ flagReason: 'Complaint received' }, { flagged: false, flagReason: 'Complaint received' }]) {
      const res = await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('psd')).send(body).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'flagReason', message: 'is recorded only when flagging: send it with flagged: true' },
      ]);
    }
    expect((await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body.items[0]).toEqual(officer);
  });

  it('counts each officer’s records of every kind, in the list and in an update and its audit', async () => {
    const lancashire = {
      force: 'lancashire',
      occurredAt: '2024-06-01T10:00:00+01:00',
      officerReference: 'PC-C1',
      teamCode: 'TEAM-A',
    };
    await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send({ ...lancashire, searchType: 'person' })
      .expect(201);
    await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send({ ...lancashire, searchType: 'vehicle' })
      .expect(201);
    await t
      .http()
      .post('/api/v1/vehicle-stops')
      .set(as('psd'))
      .send({ ...lancashire, reason: 'vehicle_defect' })
      .expect(201);
    await t
      .http()
      .post('/api/v1/use-of-force')
      .set(as('psd'))
      .send({ ...lancashire, tactics: [{ tactic: 'unarmed_skills', effective: true }] })
      .expect(201);
    await t
      .http()
      .post('/api/v1/vehicle-stops')
      .set(as('psd'))
      .send({ ...lancashire, officerReference: 'PC-C2', reason: 'vehicle_defect' })
      .expect(201);
    const listed = (await t.http().get('/api/v1/officers?team=TEAM-A').set(as('psd')).expect(200)).body.items as {
      reference: string;
      id: string;
      records: unknown;
    }[];
    const c1 = listed.find((o) => o.reference === 'PC-C1')!;
    expect(c1.records).toEqual({ stopSearches: 2, vehicleStops: 1, useOfForce: 1 });
    expect(listed.find((o) => o.reference === 'PC-C2')!.records).toEqual({
      stopSearches: 0,
      vehicleStops: 1,
      useOfForce: 0,
    });
    const moved = await t
      .http()
      .patch(`/api/v1/officers/${c1.id}`)
      .set(as('admin'))
      .send({ teamCode: 'TEAM-D' })
      .expect(200);
    expect(moved.body.records).toEqual({ stopSearches: 2, vehicleStops: 1, useOfForce: 1 });
    const [event] = await t.dataSource.query(
      `SELECT before->'records' AS b, after->'records' AS a FROM audit_events WHERE action = 'officer.updated' AND target_id = $1`,
      [c1.id],
    );
    expect(event).toEqual({ b: c1.records, a: c1.records });
  });
});
