import { sampleWithReviews } from '../browser/support/fixtures';
import { createTestApp, type TestApp } from '../setup/test-app';
import { PANEL_PASSWORD, panelWorld, type PanelWorld } from './panel-fixture';
import { csrfOf, signIn, signInAs } from './support/web-agent';

describe('web workspace: building a panel session’s agenda (HTTP)', () => {
  let t: TestApp;
  let w: PanelWorld;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    w = await panelWorld(t);
    // Another month than the panel world's own cases (May 2024): drawn among those, a case already on the session's
    // agenda is offered without a checkbox, so the count below depended on which random ids the draw picked.
    await sampleWithReviews(t, { size: 2, seed: 'agenda', period: '2024-04' });
  }, 120_000);
  afterAll(() => t.close());

  it('lets professional standards add issued dip-sample cases to the agenda and take one off (CSRF, PRG)', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get(`/sessions/${w.sessionId}/agenda`).expect(200);
    const values = [...page.text.matchAll(/name="cases" type="checkbox" value="([^"]+)"/g)].map((m) => m[1]);
    expect(values.length).toBe(2);
    const none = await agent
      .post(`/sessions/${w.sessionId}/agenda`)
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(400);
    expect(none.text).toContain('href="#cases"');
    const added = await agent
      .post(`/sessions/${w.sessionId}/agenda`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&cases=${encodeURIComponent(values[0])}`)
      .expect(303);
    expect(added.headers.location).toBe(`/sessions/${w.sessionId}/agenda?saved=added`);
    const after = await agent.get(added.headers.location).expect(200);
    expect(after.text).toContain('Cases added to the agenda');
    expect(after.text).toContain(values[0].split(':')[1]);
    const [{ id: itemId }] = await t.dataSource.query(
      `SELECT id FROM session_agenda_items WHERE session_id = $1 AND case_id = $2`,
      [w.sessionId, values[0].split(':')[1]],
    );
    await agent
      .post(`/sessions/${w.sessionId}/agenda/${itemId}/remove`)
      .type('form')
      .send({ _csrf: csrfOf(after.text) })
      .expect(303);
    expect((await agent.get(`/sessions/${w.sessionId}/agenda`).expect(200)).text).not.toContain(
      `/agenda/${itemId}/remove`,
    );
  });

  it('refuses a member who is not the chair, and those outside panels', async () => {
    const member = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const res = await member.get(`/sessions/${w.sessionId}/agenda`);
    expect([403, 404]).toContain(res.status);
    await (await signInAs(t, 'supervisor')).get(`/sessions/${w.sessionId}/agenda`).expect(403);
  });
});
