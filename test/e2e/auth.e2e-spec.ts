import { createHmac } from 'node:crypto';
import { ROLES, ROLE_PERMISSIONS } from '@scrutiny/auth';
import { loginAs, tokenFor, USERNAME_FOR } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function signHs(payload: object, secret: string, alg: 'HS256' | 'HS512' = 'HS256'): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  const sig = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(head)
    .digest('base64url');
  return `${head}.${sig}`;
}

describe('authentication (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it.each(ROLES)('the demo %s user signs in and /me shows their roles and permissions', async (role) => {
    const token = await tokenFor(t, role);
    const me = await t.http().get('/api/v1/me').set('authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ username: USERNAME_FOR[role], roles: [role] });
    expect(me.body.permissions).toEqual([...ROLE_PERMISSIONS[role]].sort());
  });

  it('refuses a wrong password with the same message as an unknown user', async () => {
    const wrong = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'analyst', password: 'not the password at all' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'nobody-here', password: 'not the password at all' })
      .expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['content-type']).toMatch(/problem\+json/);
  });

  it('names missing login fields', async () => {
    const res = await t.http().post('/api/v1/auth/login').send({ username: 'admin' }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('password');
  });

  describe('tokens that must be refused with 401 problem+json', () => {
    let good: string;
    let claims: Record<string, unknown>;
    beforeAll(async () => {
      good = await tokenFor(t, 'analyst');
      claims = JSON.parse(Buffer.from(good.split('.')[1], 'base64url').toString());
    });

    const cases: [string, () => string][] = [
      [
        'tampered payload',
        () => {
          const [h, , s] = good.split('.');
          return `${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`;
        },
      ],
      ['tampered signature', () => `${good.slice(0, -4)}AAAA`],
      ['expired', () => signHs({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, t.config.jwtSecret)],
      ['wrong algorithm (HS512 with the right key)', () => signHs(claims, t.config.jwtSecret, 'HS512')],
      ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['signed with another key', () => signHs(claims, 'x'.repeat(48))],
      ['wrong audience', () => signHs({ ...claims, aud: 'someone-else' }, t.config.jwtSecret)],
      ['not a JWT', () => 'hello'],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const res = await t.http().get('/api/v1/me').set('authorization', `Bearer ${make()}`).expect(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
    });

    it('says when the token has expired', async () => {
      const res = await t
        .http()
        .get('/api/v1/me')
        .set('authorization', `Bearer ${signHs({ ...claims, exp: 1 }, t.config.jwtSecret)}`);
      expect(res.body.detail).toMatch(/expired/);
    });
  });

  it('rotates refresh tokens; reusing an old one ends the whole family', async () => {
    const first = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'internal', password: t.config.demo.password })
        .expect(200)
    ).body;
    const second = (await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200))
      .body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The old one again: refused, and the newer one it was exchanged for stops working too.
    const reuse = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(reuse.body.detail).toMatch(/already used/);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    const events = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE action = 'auth.refresh.reuse_detected'`,
    );
    expect(events).toHaveLength(1);
  });

  it('logout revokes the refresh token', async () => {
    const pair = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'external', password: t.config.demo.password })
        .expect(200)
    ).body;
    await t
      .http()
      .post('/api/v1/auth/logout')
      .set('authorization', `Bearer ${pair.accessToken}`)
      .send({ refreshToken: pair.refreshToken })
      .expect(204);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('locks an account after repeated failures, with a clear 423, even for the right password', async () => {
    const admin = await tokenFor(t, 'admin');
    await t
      .http()
      .post('/api/v1/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ username: 'locktest', roles: ['analyst'], password: 'a perfectly fine passphrase' })
      .expect(201);
    for (let i = 0; i < 2; i++)
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'locktest', password: 'wrong wrong wrong' })
        .expect(401);
    const third = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'locktest', password: 'wrong wrong wrong' })
      .expect(423);
    expect(third.body).toMatchObject({ code: 'ACCOUNT_LOCKED', lockedUntil: expect.any(String) });
    expect(third.body.detail).toMatch(/locked until/);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'locktest', password: 'a perfectly fine passphrase' })
      .expect(423);
    const failures = await t.dataSource.query(
      `SELECT details->>'reason' AS reason FROM audit_events WHERE action = 'auth.login.failed' AND actor_username = 'locktest' ORDER BY seq`,
    );
    expect(failures.map((f: { reason: string }) => f.reason)).toEqual([
      'wrong password',
      'wrong password',
      'wrong password',
      'locked',
    ]);
  });

  it('audits successful sign-ins with the request id', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'psd', password: t.config.demo.password })
      .expect(200);
    expect(res.body.accessToken).toBeDefined();
    const [event] = await t.dataSource.query(`SELECT actor_username, action FROM audit_events WHERE request_id = $1`, [
      res.headers['x-request-id'],
    ]);
    expect(event).toEqual({ actor_username: 'psd', action: 'auth.login.succeeded' });
  });
});

describe('sign-in rate limit (e2e)', () => {
  it('answers 429 past the per-client sign-in limit', async () => {
    const t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3', LOGIN_MAX_FAILURES: '100' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await t.http().post('/api/v1/auth/login').send({ username: 'analyst', password: 'wrong wrong wrong' }))
            .status,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('user administration (e2e)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await tokenFor(t, 'admin');
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('creates a user with a generated password shown once, and refuses a duplicate', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username: 'New.Officer', roles: ['supervisor'], teams: ['T1'] })
      .expect(201);
    expect(res.body.user).toMatchObject({
      username: 'new.officer',
      roles: ['supervisor'],
      teams: ['T1'],
      version: 1,
      disabled: false,
    });
    expect(res.body.generatedPassword).toHaveLength(24);
    expect(JSON.stringify(res.body)).not.toContain('argon2');
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'new.officer', password: res.body.generatedPassword })
      .expect(200);
    const dup = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username: 'new.officer', roles: ['analyst'] })
      .expect(409);
    expect(dup.body.errors).toEqual([{ field: 'username', message: 'is taken' }]);
  });

  it('names each invalid field: weak password, unknown role', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username: 'weakling', roles: ['chief'], password: 'short' })
      .expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['roles']));
    const weak = await t
      .http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username: 'weakling', roles: ['analyst'], password: 'weakling-pass!' })
      .expect(400);
    expect(weak.body.errors).toContainEqual({ field: 'password', message: 'must not contain the username' });
  });

  it('updates with optimistic locking: a stale version gets 409', async () => {
    const created = (
      await t
        .http()
        .post('/api/v1/users')
        .set(as(admin))
        .send({ username: 'versioned', roles: ['analyst'] })
        .expect(201)
    ).body.user;
    const updated = await t
      .http()
      .patch(`/api/v1/users/${created.id}`)
      .set(as(admin))
      .send({ version: 1, roles: ['analyst', 'internal_panel'] })
      .expect(200);
    expect(updated.body).toMatchObject({ roles: ['analyst', 'internal_panel'], version: 2 });
    const stale = await t
      .http()
      .patch(`/api/v1/users/${created.id}`)
      .set(as(admin))
      .send({ version: 1, displayName: 'Too late' })
      .expect(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const [event] = await t.dataSource.query(
      `SELECT before, after FROM audit_events WHERE action = 'user.updated' AND target_id = $1`,
      [created.id],
    );
    expect(event.before.roles).toEqual(['analyst']);
    expect(event.after.roles).toEqual(['analyst', 'internal_panel']);
  });

  it('disabling a user ends their session at once; a password reset does too', async () => {
    const victim = await loginAs(t, 'analyst');
    const analystId = (await t.http().get('/api/v1/me').set(as(victim.accessToken)).expect(200)).body.id;
    await t.http().post(`/api/v1/users/${analystId}/disabled`).set(as(admin)).send({ disabled: true }).expect(200);
    await t.http().get('/api/v1/me').set(as(victim.accessToken)).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(401);
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'analyst', password: t.config.demo.password })
      .expect(401);
    expect(login.body.detail).toMatch(/disabled/);
    await t.http().post(`/api/v1/users/${analystId}/disabled`).set(as(admin)).send({ disabled: false }).expect(200);
    const reset = await t.http().post(`/api/v1/users/${analystId}/password`).set(as(admin)).send({}).expect(200);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'analyst', password: t.config.demo.password })
      .expect(401);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'analyst', password: reset.body.generatedPassword })
      .expect(200);
  });

  it('answers 404 for an unknown or malformed user id', async () => {
    await t.http().get('/api/v1/users/6f1c1a39-3c47-4f8e-9d55-3f2b9f4d1c11').set(as(admin)).expect(404);
    await t.http().get('/api/v1/users/not-a-uuid').set(as(admin)).expect(404);
  });
});
