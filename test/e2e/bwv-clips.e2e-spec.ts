import { addMember, addToAgenda, createPanel, createSession } from '../factories/panels';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('BWV clip references (e2e)', () => {
  let t: TestApp;
  let supervisor: string;
  let external: string;
  let caseId: string;
  let otherCase: string;
  let clipId: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const clip = (over: Record<string, unknown> = {}) => ({
    reference: 'EVD-2024-000123',
    force: 'lancashire',
    officerReference: 'PC-4471',
    deviceId: 'AXON-88213',
    recordedAt: '2024-05-03T21:46:30+01:00',
    durationSeconds: 412,
    retentionExpiresAt: '2024-06-02T21:46:30+01:00',
    links: [{ kind: 'stop_search', id: caseId }],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    supervisor = await tokenFor(t, 'supervisor');
    external = await tokenFor(t, 'external_panel');
    const body = {
      force: 'lancashire',
      occurredAt: '2024-05-03T21:47:00+01:00',
      searchType: 'person',
      officerReference: 'PC-4471',
      teamCode: 'TEAM-A',
    };
    caseId = (await t.http().post('/api/v1/stop-searches').set(auth(supervisor)).send(body).expect(201)).body.id;
    otherCase = (await t.http().post('/api/v1/stop-searches').set(auth(supervisor)).send(body).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('records a clip against a case in scope, refuses a duplicate reference and a case out of scope', async () => {
    const res = await t.http().post('/api/v1/bwv-clips').set(auth(supervisor)).send(clip()).expect(201);
    clipId = res.body.id;
    expect(res.body).toMatchObject({
      reference: 'EVD-2024-000123',
      officer: 'PC-4471',
      status: 'available',
      links: [{ kind: 'stop_search', id: caseId }],
    });
    const dup = await t.http().post('/api/v1/bwv-clips').set(auth(supervisor)).send(clip()).expect(409);
    expect(dup.body.errors).toEqual([{ field: 'reference', message: 'is already recorded' }]);
    const psdCase = (
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set(auth(await tokenFor(t, 'professional_standards')))
        .send({ force: 'kent', occurredAt: '2024-05-03T21:47:00Z', searchType: 'person' })
        .expect(201)
    ).body.id;
    await t
      .http()
      .post('/api/v1/bwv-clips')
      .set(auth(supervisor))
      .send(clip({ reference: 'EVD-X', links: [{ kind: 'stop_search', id: psdCase }] }))
      .expect(404);
    const bad = await t
      .http()
      .post('/api/v1/bwv-clips')
      .set(auth(supervisor))
      .send(clip({ reference: 'bad ref!', retentionExpiresAt: '2020-01-01T00:00:00Z', links: [] }))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['links', 'reference']);
  });

  it('filters stop searches by BWV present or absent', async () => {
    const withBwv = await t.http().get('/api/v1/stop-searches?bwv=true').set(auth(supervisor)).expect(200);
    expect(withBwv.body.items.map((i: { id: string }) => i.id)).toEqual([caseId]);
    const without = await t.http().get('/api/v1/stop-searches?bwv=false').set(auth(supervisor)).expect(200);
    expect(without.body.items.map((i: { id: string }) => i.id)).toEqual([otherCase]);
    await t.http().get('/api/v1/stop-searches?bwv=maybe').set(auth(supervisor)).expect(400);
  });

  it('audits every view of a clip, through the case or directly', async () => {
    const list = await t.http().get(`/api/v1/stop-searches/${caseId}/bwv-clips`).set(auth(supervisor)).expect(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([clipId]);
    await t.http().get(`/api/v1/bwv-clips/${clipId}`).set(auth(supervisor)).expect(200);
    const events = await t.dataSource.query(
      `SELECT actor_username, details->>'view' AS view FROM audit_events WHERE action = 'bwv.viewed' AND target_id = $1 ORDER BY seq`,
      [clipId],
    );
    expect(events).toEqual([
      { actor_username: 'supervisor', view: 'full' },
      { actor_username: 'supervisor', view: 'full' },
    ]);
  });

  it('shows an external member a clip of an agenda case pseudonymised, and 404 otherwise', async () => {
    await t.http().get(`/api/v1/bwv-clips/${clipId}`).set(auth(external)).expect(404);
    await t.http().get(`/api/v1/stop-searches/${caseId}/bwv-clips`).set(auth(external)).expect(404);
    const [{ id: externalId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'external'`);
    const panel = await createPanel(t.dataSource, 'external');
    await addMember(t.dataSource, panel, externalId);
    await addToAgenda(t.dataSource, await createSession(t.dataSource, panel, 'open'), caseId);
    const res = await t.http().get(`/api/v1/bwv-clips/${clipId}`).set(auth(external)).expect(200);
    // No evidence-system reference, no exact retention expiry (recording + 31 days), an id that encodes no time.
    expect(res.body).toMatchObject({
      pseudonymised: true,
      deviceId: null,
      recordedAt: '2024-05-03T20:00:00.000Z',
      reference: null,
      retentionExpiresAt: null,
      retentionExpiresOn: '2024-06-02',
      holdPlacedAt: null,
    });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(res.text).not.toMatch(/PC-4471|EVD-2024-000123|2024-06-02T20:46/);
    expect(res.text).not.toContain(clipId);
    // The opaque ids are accepted back: the clip, where it opens, and the case's clips.
    expect((await t.http().get(`/api/v1/bwv-clips/${res.body.id}`).set(auth(external)).expect(200)).body.id).toBe(
      res.body.id,
    );
    const [link] = res.body.links;
    expect(link.id).not.toBe(caseId);
    const viaCase = await t.http().get(`/api/v1/stop-searches/${link.id}/bwv-clips`).set(auth(external)).expect(200);
    expect(viaCase.body.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    expect(
      (await t.http().get(`/api/v1/bwv-clips/${res.body.id}/open`).set(auth(external)).expect(200)).body,
    ).toMatchObject({ redacted: true, reference: null });
  });
});
