import { createHmac } from 'node:crypto';
import { dummyVerify } from '@scrutiny/auth';
import { tokenFor } from '../factories/users';
import { itOnPostgres, raceUpToAudit } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const signHs256 = (payload: object, secret: string) => {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
};
const PASSWORD = 'a perfectly fine passphrase';

/** Issue 15 point 11: sessions that really end, an atomic lockout that does not reveal usernames, and the rest. */
describe('sign-in (e2e)', () => {
  let t: TestApp;
  let admin: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_RATE_LIMIT_PER_MINUTE: '10000' });
    admin = await tokenFor(t, 'admin');
  });
  afterAll(() => t.close());

  async function createUser(username: string, roles = ['analyst']): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username, roles, password: PASSWORD })
      .expect(201);
    return res.body.user.id;
  }
  const login = (username: string, password = PASSWORD) =>
    t.http().post('/api/v1/auth/login').send({ username, password });
  async function signIn(username: string, password = PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
    return (await login(username, password).expect(200)).body;
  }

  describe('ending sessions', () => {
    it('after logout, the access token is refused at once', async () => {
      await createUser('leaver');
      const pair = await signIn('leaver');
      await t.http().get('/api/v1/me').set(as(pair.accessToken)).expect(200);
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set(as(pair.accessToken))
        .send({ refreshToken: pair.refreshToken })
        .expect(204);
      const res = await t.http().get('/api/v1/me').set(as(pair.accessToken)).expect(401);
      expect(res.body.detail).toMatch(/session has ended/);
    });

    it('after a reused refresh token, the access tokens from that sign-in are refused at once', async () => {
      await createUser('victim');
      const first = await signIn('victim');
      const stolen = (
        await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)
      ).body;
      await t.http().get('/api/v1/me').set(as(stolen.accessToken)).expect(200);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      await t.http().get('/api/v1/me').set(as(stolen.accessToken)).expect(401);
      await t.http().get('/api/v1/me').set(as(first.accessToken)).expect(401);
    });

    it.each([
      ['without exp', (c: Record<string, unknown>) => ({ ...c, exp: undefined })],
      ['without iat', (c: Record<string, unknown>) => ({ ...c, iat: undefined })],
      ['with a non-numeric exp', (c: Record<string, unknown>) => ({ ...c, exp: 'never' })],
    ])('refuses a correctly signed access token %s', async (_name, alter) => {
      const good = await tokenFor(t, 'analyst');
      const claims = JSON.parse(Buffer.from(good.split('.')[1], 'base64url').toString());
      const forged = signHs256(alter(claims), t.config.jwtSecret);
      const res = await t.http().get('/api/v1/me').set(as(forged)).expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('lockout', () => {
    itOnPostgres('40 concurrent wrong passwords: exactly 5 are checked, then the account is locked', async () => {
      const id = await createUser('hammered');
      const statuses = (
        await Promise.all(Array.from({ length: 40 }, () => login('hammered', 'wrong wrong wrong wrong')))
      ).map((r) => r.status);
      const [{ checked }] = await t.dataSource.query(
        `SELECT count(*)::int AS checked FROM audit_events
         WHERE action = 'auth.login.failed' AND target_id = $1 AND details->>'reason' = 'wrong password'`,
        [id],
      );
      expect(checked).toBe(5);
      expect(statuses.filter((s) => s === 401)).toHaveLength(4);
      expect(statuses.filter((s) => s === 423)).toHaveLength(36);
      await login('hammered').expect(423);
    });

    it('answers a username no account has exactly as a real one given wrong passwords, 423 included', async () => {
      await createUser('realperson');
      const answers = async (username: string) => {
        const out: { status: number; body: Record<string, unknown> }[] = [];
        for (let i = 0; i < 7; i++) {
          const res = await login(username, 'wrong wrong wrong wrong');
          const { requestId, lockedUntil, detail, ...rest } = res.body;
          expect(requestId).toEqual(expect.any(String));
          if (res.status === 423) expect(lockedUntil).toEqual(expect.any(String));
          out.push({
            status: res.status,
            body: { ...rest, lockedUntil: typeof lockedUntil, detail: String(detail).replace(/\S+Z\b/, '<time>') },
          });
        }
        return out;
      };
      const known = await answers('realperson');
      const unknown = await answers('ghostperson');
      expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 423, 423, 423]);
      expect(unknown).toEqual(known);
    });

    it('spends an argon2 verification on a username no account has, as on a real one', async () => {
      await createUser('timedperson');
      // The quickest of a few verifications here is a floor the request cannot beat if it verifies at all.
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await dummyVerify('whatever at all');
        times.push(performance.now() - start);
      }
      const floor = Math.min(...times) * 0.5;
      for (const username of ['timedperson', 'timedghost']) {
        const start = performance.now();
        await login(username, 'wrong wrong wrong wrong').expect(401);
        expect([username, performance.now() - start >= floor]).toEqual([username, true]);
      }
    });
  });

  describe('password policy', () => {
    it.each(['qwertyuiop123', 'password123456'])('refuses %s for a new user, naming the field', async (password) => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set(as(admin))
        .send({ username: 'commonpw', roles: ['analyst'], password })
        .expect(400);
      expect(res.body.errors).toContainEqual({
        field: 'password',
        message: 'is one of the most commonly used passwords (found in data breaches); choose another',
      });
    });
  });

  describe('self-service password change', () => {
    it('checks the current password, applies the policy, ends every other session and answers new tokens', async () => {
      const id = await createUser('changer');
      const here = await signIn('changer');
      const elsewhere = await signIn('changer');
      const change = (token: string, body: object) => t.http().post('/api/v1/me/password').set(as(token)).send(body);

      const wrong = await change(here.accessToken, {
        currentPassword: 'not it at all',
        newPassword: 'another fine passphrase',
      }).expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: 'is not your current password' }]);
      const weak = await change(here.accessToken, { currentPassword: PASSWORD, newPassword: 'qwertyuiop123' }).expect(
        400,
      );
      expect(weak.body.errors.map((e: { field: string }) => e.field)).toEqual(['newPassword']);
      const missing = await change(here.accessToken, { currentPassword: PASSWORD }).expect(400);
      expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('newPassword');

      const res = await change(here.accessToken, {
        currentPassword: PASSWORD,
        newPassword: 'another fine passphrase',
      }).expect(200);
      expect(res.body).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
      expect(res.headers['cache-control']).toBe('no-store');
      await t.http().get('/api/v1/me').set(as(res.body.accessToken)).expect(200);
      await t.http().get('/api/v1/me').set(as(here.accessToken)).expect(401);
      await t.http().get('/api/v1/me').set(as(elsewhere.accessToken)).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: elsewhere.refreshToken }).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: here.refreshToken }).expect(401);
      await login('changer').expect(401);
      await signIn('changer', 'another fine passphrase');
      const events = await t.dataSource.query(
        `SELECT action, actor_username FROM audit_events WHERE target_id = $1 AND action LIKE '%password%' ORDER BY seq`,
        [id],
      );
      expect(events).toEqual([
        { action: 'auth.password_change.failed', actor_username: 'changer' },
        { action: 'user.password_changed', actor_username: 'changer' },
      ]);
    });
  });

  describe('caching and request ids', () => {
    it('marks tokens and personal data no-store', async () => {
      const pair = await login('analyst', t.config.demo.password).expect(200);
      expect(pair.headers['cache-control']).toBe('no-store');
      const me = await t.http().get('/api/v1/me').set(as(pair.body.accessToken)).expect(200);
      expect(me.headers['cache-control']).toBe('no-store');
      const users = await t.http().get('/api/v1/users').set(as(admin)).expect(200);
      expect(users.headers['cache-control']).toBe('no-store');
      const refused = await t.http().get('/api/v1/users').expect(401);
      expect(refused.headers['cache-control']).toBe('no-store');
    });

    it("keeps a client's X-Request-Id as the client's; the audit records the server's own", async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('x-request-id', 'forged-id')
        .send({ username: 'psd', password: t.config.demo.password })
        .expect(200);
      const serverId = res.headers['x-request-id'];
      expect(serverId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-client-request-id']).toBe('forged-id');
      const events = await t.dataSource.query(
        `SELECT request_id FROM audit_events WHERE action = 'auth.login.succeeded' AND actor_username = 'psd'`,
      );
      expect(events.map((e: { request_id: string }) => e.request_id)).toContain(serverId);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE request_id = 'forged-id'`,
      );
      expect(n).toBe(0);
    });
  });
});

describe('the last active administrator (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '10000' });
    admin = await tokenFor(t, 'admin');
    adminId = (await t.http().get('/api/v1/me').set(as(admin)).expect(200)).body.id;
  });
  afterAll(() => t.close());

  it('refuses to take the admin role from the only active admin', async () => {
    const me = (await t.http().get(`/api/v1/users/${adminId}`).set(as(admin)).expect(200)).body;
    const res = await t
      .http()
      .patch(`/api/v1/users/${adminId}`)
      .set(as(admin))
      .send({ version: me.version, roles: ['analyst'] })
      .expect(409);
    expect(res.body.detail).toMatch(/last active administrator/);
    // Other changes to the last admin are fine.
    await t
      .http()
      .patch(`/api/v1/users/${adminId}`)
      .set(as(admin))
      .send({ version: me.version, roles: ['admin', 'analyst'] })
      .expect(200);
  });

  itOnPostgres('two admins removing each other at once: one succeeds, the other gets 409', async () => {
    const second = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username: 'admin2', roles: ['admin'], password: PASSWORD })
      .expect(201);
    const other = (
      await t.http().post('/api/v1/auth/login').send({ username: 'admin2', password: PASSWORD }).expect(200)
    ).body.accessToken;
    const { version } = (await t.http().get(`/api/v1/users/${second.body.user.id}`).set(as(admin)).expect(200)).body;
    // Both requests get past the guard and up to their audit entry before either commits.
    const results = await raceUpToAudit(t.dataSource, 2, () =>
      Promise.all([
        t
          .http()
          .patch(`/api/v1/users/${second.body.user.id}`)
          .set(as(admin))
          .send({ version, roles: ['analyst'] }),
        t.http().post(`/api/v1/users/${adminId}/disabled`).set(as(other)).send({ disabled: true }),
      ]),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL`,
    );
    expect(n).toBe(1);
  });
});
