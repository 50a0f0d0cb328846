import request from 'supertest';
import type { Role } from '@scrutiny/auth';
import { sampleWithReviews } from '../browser/support/fixtures';
import { USERNAME_FOR } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';
import { PANEL_PASSWORD, panelWorld, type PanelWorld } from './panel-fixture';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function signIn(t: TestApp, username: string, password: string) {
  const agent = request.agent(t.app.getHttpServer()).set('accept', 'text/html');
  const page = await agent.get('/sign-in').expect(200);
  await agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(page.text), username, password })
    .expect(303);
  return agent;
}
const demo = (t: TestApp, role: Role) => signIn(t, USERNAME_FOR[role], t.config.demo.password);

describe('web workspace: building a panel session’s agenda (HTTP)', () => {
  let t: TestApp;
  let w: PanelWorld;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    w = await panelWorld(t);
    await sampleWithReviews(t, { size: 2, seed: 'agenda' });
  }, 120_000);
  afterAll(() => t.close());

  it('lets professional standards add issued dip-sample cases to the agenda and take one off (CSRF, PRG)', async () => {
    const agent = await demo(t, 'professional_standards');
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
    await (await demo(t, 'supervisor')).get(`/sessions/${w.sessionId}/agenda`).expect(403);
  });
});
