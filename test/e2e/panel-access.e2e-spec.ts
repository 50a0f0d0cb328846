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
  clipReference: 'EVD-SECRET-5150',
};

/** A UUIDv7 encodes its creation time to the millisecond: none may reach an external member. */
const UUID_V7 = /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/i;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

describe('panel members: agenda cases only, pseudonymised for external panels (e2e)', () => {
  let t: TestApp;
  let external: string;
  let internal: string;
  let psd: string;
  let externalId: string;
  let internalId: string;
  const ids: Record<string, string> = {};
  let clipRetention: string;

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

    // A clip (a UUIDv7 id; retention by default recording + 31 days) and an action whose text names the officer.
    const clip = await t
      .http()
      .post('/api/v1/bwv-clips')
      .set('authorization', `Bearer ${psd}`)
      .send({
        reference: SECRETS.clipReference,
        force: 'lancashire',
        officerReference: SECRETS.officer,
        recordedAt: '2024-05-03T21:47:10+01:00',
        links: [
          { kind: 'stop_search', id: ids.onMyOpenSession },
          { kind: 'stop_search', id: ids.noAgenda },
        ],
      })
      .expect(201);
    clipRetention = clip.body.retentionExpiresAt;
    const [item] = await t.dataSource.query(
      `SELECT id FROM session_agenda_items WHERE session_id = $1 AND position = 1`,
      [open],
    );
    const [finding] = await t.dataSource.query(
      `INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, version) VALUES ($1, 1, '{}', 'draft', 1) RETURNING id`,
      [item.id],
    );
    await t.dataSource.query(
      `INSERT INTO finding_actions (finding_id, kind, description, owner, due_on, status, response, responded_at, version)
       VALUES ($1, 'feedback_to_officer', $2, 'Insp, Burnley', '2024-07-01', 'done', $3, now(), 1)`,
      [finding.id, `Feedback to ${SECRETS.officer} on the grounds`, `${SECRETS.officer.toLowerCase()} was briefed`],
    );

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
    // Each case by the opaque id the member knows it by (a real id is accepted too, and answered with the opaque one).
    const shown = [];
    for (const name of ['onMyOpenSession', 'sameOfficerOther', 'closed3'])
      shown.push((await get(external, ids[name])).body.id);
    expect(shown.some((id) => Object.values(ids).includes(id))).toBe(false);
    expect(res.body.items.map((i: { id: string }) => i.id).sort()).toEqual(shown.sort());
    expect(res.body.items.every((i: { pseudonymised: boolean }) => i.pseudonymised)).toBe(true);
  });

  it('never reveals officer identity, subject identifiers, a UUIDv7 or the exact retention time through any route an external member can call', async () => {
    const routes = listRoutes(t.app).filter(
      (r) =>
        r.method === 'GET' &&
        (r.rule?.kind === 'public' ||
          (r.rule?.kind === 'permission' && ROLE_PERMISSIONS.external_panel.includes(r.rule.permission))),
    );
    expect(routes.length).toBeGreaterThan(3);
    const retention = new Date(clipRetention);
    const forbidden = [
      ...Object.values(SECRETS).map(String),
      SECRETS.officer.toLowerCase(),
      clipRetention,
      clipRetention.slice(0, 16), // to the minute, in any suffix
      String(retention.getTime()),
      '2024-05-03T20:47', // the exact time of the encounter and recording
    ];
    const check = (label: string, text: string) => {
      for (const secret of forbidden) expect([label, secret, text.includes(secret)]).toEqual([label, secret, false]);
      expect([label, UUID_V7.exec(text)?.[0] ?? null]).toEqual([label, null]);
    };
    // Every id the member is given, followed until no new one appears, substituted into every route's parameters
    // (the real case ids too, as before): responses to ids they were never given must leak nothing either.
    const known = new Set<string>(Object.values(ids));
    const seen = new Set<string>();
    const sessions = new Set<string>();
    let calls = 0;
    for (let round = 0; round < 4; round++) {
      const before = known.size;
      for (const route of routes) {
        const params = route.path.match(/:[A-Za-z]+/g) ?? [];
        // Two parameters are a session's and one of its agenda items': pair the sessions the member opened with every id.
        const combos: string[][] =
          params.length === 0
            ? [[]]
            : params.length === 1
              ? [...known].map((k) => [k])
              : [...sessions].flatMap((a) => [...known].map((b) => [a, b]));
        for (const combo of combos) {
          let url = route.path;
          for (const value of combo) url = url.replace(/:[A-Za-z]+/, value);
          if (route.path.includes('stop-searches') && !params.length) url += '?limit=200';
          if (seen.has(url)) continue;
          seen.add(url);
          calls++;
          const res = await t.http().get(url).set('authorization', `Bearer ${external}`);
          // A 404 names the id it was asked for: an echo of the request, not something the member was given.
          let text = res.text;
          // Opening a clip hands over the evidence system's own link to it (BWV_LINK_TEMPLATE), which names the clip
          // there: the one place its reference goes, and only there.
          if (route.path.endsWith('/open') && res.status === 200) {
            expect(res.body.url).toContain(SECRETS.clipReference);
            text = JSON.stringify({ ...res.body, url: null });
          }
          check(
            url,
            combo.reduce((t, value) => t.replaceAll(value, '<asked>'), text),
          );
          // Ids given in answers (a refusal carries only its own request id).
          if (res.status === 200) for (const id of res.text.match(UUID) ?? []) known.add(id.toLowerCase());
          if (route.path === '/api/v1/panel-sessions/:id' && res.status === 200) sessions.add(combo[0]);
        }
      }
      if (known.size === before) break;
    }
    expect(calls).toBeGreaterThan(100);
    // The member was shown the clip, the action and the report (so the checks above read them).
    const actions = (
      await t.http().get('/api/v1/finding-actions').set('authorization', `Bearer ${external}`).expect(200)
    ).body.items;
    expect(actions).toHaveLength(1);
    expect(actions[0].description).toMatch(/^Feedback to Officer [A-Z2-9]{6} on the grounds$/);
    expect(actions[0].response).toBe(`${actions[0].description.slice(12, 26)} was briefed`);
    const openSession = [...known].find((id) => seen.has(`/api/v1/panel-sessions/${id}`));
    expect(openSession).toBeDefined();
    const caseShown = (await get(external, ids.onMyOpenSession).expect(200)).body;
    const clips = (
      await t
        .http()
        .get(`/api/v1/stop-searches/${caseShown.id}/bwv-clips`)
        .set('authorization', `Bearer ${external}`)
        .expect(200)
    ).body;
    expect(clips).toEqual([
      expect.objectContaining({
        pseudonymised: true,
        reference: null,
        retentionExpiresAt: null,
        retentionExpiresOn: clipRetention.slice(0, 10),
        links: [{ kind: 'stop_search', id: caseShown.id }], // not the case outside their scope
      }),
    ]);
    // What the member writes back is refused nothing either: a rating's answer is checked the same way.
    const session = (
      await t.http().get('/api/v1/panel-sessions').set('authorization', `Bearer ${external}`).expect(200)
    ).body.items.find((s: { status: string }) => s.status === 'open');
    const shownSession = (
      await t.http().get(`/api/v1/panel-sessions/${session.id}`).set('authorization', `Bearer ${external}`).expect(200)
    ).body;
    expect(shownSession.pseudonymised).toBe(true);
    expect(shownSession.agenda.map((a: { caseId: string }) => a.caseId)).toContain(caseShown.id);
    check('session', JSON.stringify(shownSession));
  }, 180_000);

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
