import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/** Issue 15, point 1: a record names an officer, it never moves them; references are the force's own. */
describe('officers named by records (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const search = (officerReference: string, teamCode: string, force = 'lancashire') => ({
    force,
    occurredAt: '2024-05-03T21:47:00+01:00',
    searchType: 'person',
    officerReference,
    teamCode,
  });
  const officer = async (reference: string, force = 'E23000003') =>
    (
      (await t.dataSource.query(
        `SELECT id, team_code, flag_reason FROM officers WHERE reference = $1 AND force_code = $2`,
        [reference, force],
      )) as { id: string; team_code: string | null; flag_reason: string | null }[]
    )[0];

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
    ] as const)
      token[who] = await tokenFor(t, role);
  });
  afterAll(() => t.close());

  it('a supervisor naming another team’s officer in a new record is refused, the officer stays put and their flag stays hidden', async () => {
    await t.http().post('/api/v1/stop-searches').set(as('psd')).send(search('PC-B1', 'TEAM-B')).expect(201);
    const b1 = await officer('PC-B1');
    await t
      .http()
      .patch(`/api/v1/officers/${b1.id}`)
      .set(as('psd'))
      .send({ flagged: true, flagReason: 'two complaints this quarter' })
      .expect(200);

    const refused = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('supervisor'))
      .send(search('PC-B1', 'TEAM-A'))
      .expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'officerReference', message: expect.stringContaining('outside your teams') },
    ]);
    expect(await officer('PC-B1')).toMatchObject({ team_code: 'TEAM-B' });
    const mine = (await t.http().get('/api/v1/officers').set(as('supervisor')).expect(200)).body.items;
    expect(mine.map((o: { reference: string }) => o.reference)).not.toContain('PC-B1');
    expect(JSON.stringify(mine)).not.toContain('two complaints');
    // Nothing of the refused write was kept.
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches WHERE officer_id = $1`, [
      b1.id,
    ]);
    expect(n).toBe(1);
  });

  it('a supervisor creates a new officer only in their own team; no record moves an existing officer, admins’ included', async () => {
    const created = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('supervisor'))
      .send(search('PC-A9', 'TEAM-A'))
      .expect(201);
    expect(created.body.officer).toBe('PC-A9');
    const a9 = await officer('PC-A9');
    expect(a9.team_code).toBe('TEAM-A');
    // The supervisor's own officer again: fine, and still TEAM-A.
    await t.http().post('/api/v1/stop-searches').set(as('supervisor')).send(search('PC-A9', 'TEAM-A')).expect(201);
    // An admin's record in another team names the officer without moving them (moving is PATCH /officers/:id).
    await t.http().post('/api/v1/stop-searches').set(as('admin')).send(search('PC-A9', 'TEAM-Q')).expect(201);
    expect(await officer('PC-A9')).toMatchObject({ team_code: 'TEAM-A' });

    const [event] = await t.dataSource.query(
      `SELECT actor_username, after FROM audit_events WHERE action = 'officer.created' AND target_id = $1`,
      [a9.id],
    );
    expect(event).toEqual({
      actor_username: 'supervisor',
      after: { id: a9.id, reference: 'PC-A9', forceCode: 'E23000003', teamCode: 'TEAM-A' },
    });
  });

  it('two forces can each have officer PC-1', async () => {
    await t.http().post('/api/v1/stop-searches').set(as('psd')).send(search('PC-1', 'LAN-1')).expect(201);
    await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('psd'))
      .send(search('PC-1', 'CITY-1', 'E23000034'))
      .expect(201);
    const rows = await t.dataSource.query(
      `SELECT force_code, team_code FROM officers WHERE reference = 'PC-1' ORDER BY force_code`,
    );
    expect(rows).toEqual([
      { force_code: 'E23000003', team_code: 'LAN-1' },
      { force_code: 'E23000034', team_code: 'CITY-1' },
    ]);
    const cityRecord = await t.dataSource.query(
      `SELECT o.force_code FROM stop_searches s JOIN officers o ON o.id = s.officer_id WHERE s.force_code = 'E23000034'`,
    );
    expect(cityRecord).toEqual([{ force_code: 'E23000034' }]);
  });

  it('audits every officer change: created from a record, moved and flagged, each with before and after', async () => {
    const b1 = await officer('PC-B1');
    await t.http().patch(`/api/v1/officers/${b1.id}`).set(as('admin')).send({ teamCode: 'TEAM-C' }).expect(200);
    const events = await t.dataSource.query(
      `SELECT action, before->>'teamCode' AS before_team, after->>'teamCode' AS after_team,
         before->'flag' IS NOT NULL AND before->'flag' <> 'null' AS flagged_before, after->'flag'->>'reason' AS flag_after
       FROM audit_events WHERE target_type = 'officer' AND target_id = $1 ORDER BY seq`,
      [b1.id],
    );
    expect(events).toEqual([
      { action: 'officer.created', before_team: null, after_team: 'TEAM-B', flagged_before: false, flag_after: null },
      {
        action: 'officer.updated',
        before_team: 'TEAM-B',
        after_team: 'TEAM-B',
        flagged_before: false,
        flag_after: 'two complaints this quarter',
      },
      {
        action: 'officer.updated',
        before_team: 'TEAM-B',
        after_team: 'TEAM-C',
        flagged_before: true,
        flag_after: 'two complaints this quarter',
      },
    ]);
  });
});
