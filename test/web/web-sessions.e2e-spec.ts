import request from 'supertest';
import { createTestApp, type TestApp } from '../setup/test-app';
import { USERNAME_FOR } from '../factories/users';
import { agentOf, csrfOf } from './support/web-agent';

async function signIn(t: TestApp, username = USERNAME_FOR.supervisor, password = t.config.demo.password) {
  const agent = agentOf(t);
  const page = await agent.get('/sign-in').expect(200);
  const res = await agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(page.text), username, password });
  return { agent, res };
}

describe('web workspace: sign-in, sessions and CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it('sends a page that needs a session to sign-in, and back after it', async () => {
    const agent = agentOf(t);
    const res = await agent.get('/notifications').expect(303);
    expect(res.headers.location).toBe('/sign-in?next=%2Fnotifications');
    const page = await agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('<h1 class="govuk-heading-l">Sign in</h1>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
    const signedIn = await agent
      .post('/sign-in')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        username: USERNAME_FOR.supervisor,
        password: t.config.demo.password,
        next: '/notifications',
      })
      .expect(303);
    expect(signedIn.headers.location).toBe('/notifications');
    const cookie = String(signedIn.headers['set-cookie']);
    expect(cookie).toMatch(/scrutiny_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const [row] = await t.dataSource.query(`SELECT id FROM web_sessions`);
    // The table holds the token's hash, not the token.
    expect(cookie).not.toContain(row.id);
  });

  it('answers a wrong password with the GOV.UK error summary, audited and counted like the API', async () => {
    const { res } = await signIn(t, USERNAME_FOR.analyst, 'not the password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('<a href="#username">Enter a correct username and password</a>');
    const [failed] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login.failed' AND details->>'reason' = 'wrong password'`,
    );
    expect(failed.n).toBeGreaterThanOrEqual(1);
  });

  it('refuses a form post without the CSRF token (403 page), and with a wrong one', async () => {
    const { agent } = await signIn(t);
    const missing = await agent.post('/sign-out').type('form').send({}).expect(403);
    expect(missing.text).toContain('Your form could not be sent');
    await agent.post('/sign-out').type('form').send({ _csrf: 'forged' }).expect(403);
    // Still signed in: nothing was done.
    await agent.get('/notifications').expect(200);
    const anonymous = await agentOf(t).post('/sign-in').type('form').send({ username: 'x', password: 'y' });
    expect(anonymous.status).toBe(403);
  });

  it('signs out: the session row is deleted and the cookie no longer works', async () => {
    const { agent } = await signIn(t);
    const page = await agent.get('/notifications').expect(200);
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM web_sessions`))[0].n;
    const out = await agent
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(303);
    expect(out.headers.location).toBe('/sign-in?signedOut=1');
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM web_sessions`))[0].n).toBe(before - 1);
    await agent.get('/notifications').expect(303);
  });

  it('ends a session after the idle time-out: to sign-in with a message', async () => {
    const { agent } = await signIn(t);
    await t.dataSource.query(`UPDATE web_sessions SET last_seen_at = now() - interval '31 minutes'`);
    const res = await agent.get('/notifications').expect(303);
    expect(res.headers.location).toBe('/sign-in?expired=1&next=%2Fnotifications');
    const page = await agent.get(res.headers.location).expect(200);
    expect(page.text).toContain('You were signed out because you were inactive');
  });

  it('ends a session at the absolute time-out however active', async () => {
    const { agent } = await signIn(t);
    await t.dataSource.query(`UPDATE web_sessions SET absolute_expires_at = now() - interval '1 second'`);
    await agent.get('/notifications').expect(303);
  });

  it('answers unknown pages with the GOV.UK 404 page, and keeps problem+json for API clients', async () => {
    const page = await agentOf(t).get('/no-such-page').expect(404);
    expect(page.text).toContain('Page not found');
    const api = await request(t.app.getHttpServer()).get('/no-such-page').expect(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(t.app.getHttpServer()).get('/api/v1/me').expect(401);
  });

  it('serves the GOV.UK and MOJ assets', async () => {
    await request(t.app.getHttpServer())
      .get('/assets/govuk-frontend.min.css')
      .expect(200)
      .expect('content-type', /css/);
    await request(t.app.getHttpServer()).get('/assets/moj/moj-frontend.min.js').expect(200);
    await request(t.app.getHttpServer()).get('/assets/web/init.mjs').expect(200);
    await request(t.app.getHttpServer()).get('/assets/fonts/bold-b542beb274-v2.woff2').expect(200);
  });
});
