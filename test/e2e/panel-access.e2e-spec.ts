import { randomUUID } from 'node:crypto';
import { ROLE_PERMISSIONS } from '@scrutiny/auth';
import { addMember, addToAgenda, createPanel, createSession } from '../factories/panels';
import { tokenFor } from '../factories/users';
import { listRoutes } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';

const SECRETS = {
  officer: 'PC-SECRET-77',
  operation: 'Op Kestrel',
  s60: 'S60-AUTH-991',
  grounds: 'Grounds text that only the force may read',
  lat: 53.7999123,
  lon: -2.2444123,
};

describe('panel members: agenda cases only, pseudonymised for external panels (e2e)', () => {
  let t: TestApp;
  let external: string;
  let internal: string;
  let psd: string;
  let externalId: string;
  let internalId: string;
  const ids: Record<string, string> = {};

  const createCase = async (officer = SECRETS.officer) =>
    (
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set('authorization', `Bearer ${psd}`)
        .send({
          force: 'lancashire',
          areaCode: 'E07000117',
          occurredAt: '2024-05-03T21:47:10+01:00',
          searchType: 'person',
          legislation: 'cjpoa_s60',
          objectOfSearch: 'offensive_weapons',
          outcome: 'no_further_action',
          grounds: SECRETS.grounds,
          operationName: SECRETS.operation,
          s60AuthorisationId: SECRETS.s60,
          latitude: SECRETS.lat,
          longitude: SECRETS.lon,
          officerReference: officer,
          teamCode: 'TEAM-Q',
          gender: 'male',
          ageRange: '10_17',
          selfDefinedEthnicity: 'B1',
          officerDefinedEthnicity: 'black',
        })
        .expect(201)
    ).body.id as string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    psd = await tokenFor(t, 'professional_standards');
    external = await tokenFor(t, 'external_panel');
    internal = await tokenFor(t, 'internal_panel');
    [{ id: externalId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'external'`);
    [{ id: internalId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'internal'`);
    for (const name of [
      'onMyOpenSession',
      'sameOfficerOther',
      'otherPanel',
      'noAgenda',
      'closed3',
      'closed10',
      'planned',
      'internalCase',
    ])
      ids[name] = await createCase();
    ids.sameOfficerOther = await createCase(SECRETS.officer);

    const myPanel = await createPanel(t.dataSource, 'external', false);
    await addMember(t.dataSource, myPanel, externalId);
    const open = await createSession(t.dataSource, myPanel, 'open');
    await addToAgenda(t.dataSource, open, ids.onMyOpenSession, 1);
    await addToAgenda(t.dataSource, open, ids.sameOfficerOther, 2);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, myPanel, 'closed', 3), ids.closed3);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, myPanel, 'closed', 10), ids.closed10);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, myPanel, 'planned'), ids.planned);

    const otherPanel = await createPanel(t.dataSource, 'external', true);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, otherPanel, 'open'), ids.otherPanel);

    const internalPanel = await createPanel(t.dataSource, 'internal');
    await addMember(t.dataSource, internalPanel, internalId);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, internalPanel, 'open'), ids.internalCase);
  });
  afterAll(() => t.close());

  const get = (token: string, id: string) =>
    t.http().get(`/api/v1/stop-searches/${id}`).set('authorization', `Bearer ${token}`);

  it('shows an external member the cases on their panel’s open session, pseudonymised', async () => {
    const res = await get(external, ids.onMyOpenSession).expect(200);
    expect(res.body).toMatchObject({
      pseudonymised: true,
      occurredAt: '2024-05-03T20:00:00.000Z',
      location: null,
      grounds: null,
      operationName: null,
      s60AuthorisationId: null,
      teamCode: null,
    });
    expect(res.body.officer).toMatch(/^Officer [A-Z2-9]{6}$/);
    const again = await get(external, ids.sameOfficerOther).expect(200);
    expect(again.body.officer).toBe(res.body.officer); // stable within the panel: repeat officers can be noticed
    const [audit] = await t.dataSource.query(
      `SELECT details->>'view' AS view FROM audit_events WHERE action = 'stop_search.viewed' AND target_id = $1 AND actor_username = 'external'`,
      [ids.onMyOpenSession],
    );
    expect(audit.view).toBe('pseudonymised');
  });

  it('answers 404 for another panel’s case, a case on no agenda, a planned session, or one closed over 7 days ago', async () => {
    for (const name of ['otherPanel', 'noAgenda', 'planned', 'closed10']) {
      const res = await get(external, ids[name]);
      expect([name, res.status]).toEqual([name, 404]);
    }
    await get(external, ids.closed3).expect(200);
    await get(external, randomUUID()).expect(404);
  });

  it('lists only the member’s agenda cases', async () => {
    const res = await t
      .http()
      .get('/api/v1/stop-searches?limit=200')
      .set('authorization', `Bearer ${external}`)
      .expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [ids.onMyOpenSession, ids.sameOfficerOther, ids.closed3].sort(),
    );
    expect(res.body.items.every((i: { pseudonymised: boolean }) => i.pseudonymised)).toBe(true);
  });

  it('never reveals officer identity or subject identifiers through any route an external member can call', async () => {
    const routes = listRoutes(t.app).filter(
      (r) =>
        r.method === 'GET' &&
        (r.rule?.kind === 'public' ||
          (r.rule?.kind === 'permission' && ROLE_PERMISSIONS.external_panel.includes(r.rule.permission))),
    );
    expect(routes.length).toBeGreaterThan(3);
    for (const route of routes) {
      for (const id of Object.values(ids)) {
        const res = await t
          .http()
          .get(
            route.path.replace(/:[A-Za-z]+/g, id) +
              (route.path.includes('stop-searches') && !route.path.includes(':') ? '?limit=200' : ''),
          )
          .set('authorization', `Bearer ${external}`);
        const text = res.text;
        for (const secret of Object.values(SECRETS))
          expect([route.path, text.includes(String(secret))]).toEqual([route.path, false]);
      }
    }
  });

  it('stops access when the member’s term has ended, or they lack vetting or a confidentiality agreement', async () => {
    const [{ panel_id }] = await t.dataSource.query(`SELECT panel_id FROM panel_members WHERE user_id = $1`, [
      externalId,
    ]);
    await addMember(t.dataSource, panel_id, externalId, { vettedOn: null });
    await get(external, ids.onMyOpenSession).expect(404);
    await addMember(t.dataSource, panel_id, externalId, { confidentialitySignedOn: null });
    await get(external, ids.onMyOpenSession).expect(404);
    await addMember(t.dataSource, panel_id, externalId, { termEnd: '2021-01-01' });
    await get(external, ids.onMyOpenSession).expect(404);
    await addMember(t.dataSource, panel_id, externalId);
    await get(external, ids.onMyOpenSession).expect(200);
  });

  it('shows an internal panel member their agenda case in full, and nothing else', async () => {
    const res = await get(internal, ids.internalCase).expect(200);
    expect(res.body).toMatchObject({ pseudonymised: false, officer: SECRETS.officer, grounds: SECRETS.grounds });
    await get(internal, ids.onMyOpenSession).expect(404);
    await t
      .http()
      .patch(`/api/v1/stop-searches/${ids.internalCase}`)
      .set('authorization', `Bearer ${internal}`)
      .send({})
      .expect(403);
  });
});

describe('a case on both an internal and an external panel’s agenda (e2e)', () => {
  it('is still pseudonymised for the external member (the internal panel does not lend its view)', async () => {
    const t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    try {
      const psd = await tokenFor(t, 'professional_standards');
      const external = await tokenFor(t, 'external_panel');
      const [{ id: externalId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'external'`);
      const id = (
        await t
          .http()
          .post('/api/v1/stop-searches')
          .set('authorization', `Bearer ${psd}`)
          .send({
            force: 'lancashire',
            occurredAt: '2024-05-03T21:47:10+01:00',
            searchType: 'person',
            officerReference: 'PC-BOTH-1',
            grounds: 'secret grounds',
            teamCode: 'T',
          })
          .expect(201)
      ).body.id;
      const ext = await createPanel(t.dataSource, 'external');
      await addMember(t.dataSource, ext, externalId);
      await addToAgenda(t.dataSource, await createSession(t.dataSource, ext, 'open'), id);
      const int = await createPanel(t.dataSource, 'internal');
      await addToAgenda(t.dataSource, await createSession(t.dataSource, int, 'open'), id);
      const res = await t
        .http()
        .get(`/api/v1/stop-searches/${id}`)
        .set('authorization', `Bearer ${external}`)
        .expect(200);
      expect(res.body).toMatchObject({ pseudonymised: true, grounds: null });
      expect(res.text).not.toContain('PC-BOTH-1');
    } finally {
      await t.close();
    }
  });
});
