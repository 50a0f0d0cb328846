import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('officers (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'external', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const search = (officerReference: string, teamCode: string) => ({ force: 'lancashire', occurredAt: '2024-05-03T21:47:00+01:00', searchType: 'person', officerReference, teamCode });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    for (const [who, role] of [['admin', 'admin'], ['supervisor', 'supervisor'], ['psd', 'professional_standards'], ['external', 'external_panel']] as const) token[who] = await tokenFor(t, role);
  });
  afterAll(() => t.close());

  it('a supervisor sees their team’s officers; putting another officer under them brings that officer’s cases into their scope', async () => {
    await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(search('PC-A1', 'TEAM-A')).expect(201);
    const elsewhere = (await t.http().post('/api/v1/stop-searches').set(as('psd')).send(search('PC-Z9', 'TEAM-Z')).expect(201)).body;
    const mine = (await t.http().get('/api/v1/officers').set(as('supervisor')).expect(200)).body;
    expect(mine.map((o: { reference: string }) => o.reference)).toEqual(['PC-A1']);
    expect(mine[0].records).toEqual({ stopSearches: 1, vehicleStops: 0, useOfForce: 0 });
    await t.http().get(`/api/v1/stop-searches/${elsewhere.id}`).set(as('supervisor')).expect(404);

    const all = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body;
    const z9 = all.find((o: { reference: string }) => o.reference === 'PC-Z9');
    const [supervisor] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
    const moved = await t.http().patch(`/api/v1/officers/${z9.id}`).set(as('admin')).send({ supervisorUserId: supervisor.id }).expect(200);
    expect(moved.body).toMatchObject({ teamCode: 'TEAM-Z', supervisor: { username: 'supervisor' } });
    await t.http().get(`/api/v1/stop-searches/${elsewhere.id}`).set(as('supervisor')).expect(200);
    const [event] = await t.dataSource.query(`SELECT before->'supervisor' AS b, after->'supervisor'->>'username' AS a FROM audit_events WHERE action = 'officer.updated' AND target_id = $1`, [z9.id]);
    expect(event).toEqual({ b: null, a: 'supervisor' });
  });

  it('only admins and professional standards reassign officers, and only to supervisors', async () => {
    const [officer] = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body;
    await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('supervisor')).send({ teamCode: 'TEAM-Q' }).expect(403);
    await t.http().get('/api/v1/officers').set(as('external')).expect(403);
    const [psd] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'psd'`);
    const bad = await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('admin')).send({ supervisorUserId: psd.id }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'supervisorUserId', message: 'must be an active user with the supervisor role' }]);
    await t.http().patch('/api/v1/officers/00000000-0000-4000-8000-000000000000').set(as('admin')).send({ teamCode: 'X' }).expect(404);
  });

  it('professional standards flag an officer with a reason, and clear the flag later; both audited', async () => {
    const [officer] = (await t.http().get('/api/v1/officers').set(as('psd')).expect(200)).body;
    const noReason = await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('psd')).send({ flagged: true }).expect(400);
    expect(noReason.body.errors).toEqual([{ field: 'flagReason', message: 'give the reason for flagging' }]);
    const flagged = await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('psd')).send({ flagged: true, flagReason: 'Three complaints this quarter' }).expect(200);
    expect(flagged.body.flag).toMatchObject({ reason: 'Three complaints this quarter', flaggedAt: expect.any(String), clearedAt: null });
    const cleared = await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('psd')).send({ flagged: false }).expect(200);
    expect(cleared.body.flag).toMatchObject({ reason: 'Three complaints this quarter', clearedAt: expect.any(String) });
    const events = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'officer.updated' AND target_id = $1`, [officer.id]);
    expect(events[0].n).toBeGreaterThanOrEqual(2);
  });
});
