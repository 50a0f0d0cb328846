import { randomUUID } from 'node:crypto';
import { ROLES, ROLE_PERMISSIONS, type Role } from '@scrutiny/auth';
import { tokenFor } from '../factories/users';
import { buildOpenApiDocument } from '../../apps/api/openapi';
import { listRoutes, type RouteInfo } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';
import { VALID_REQUESTS, WRITE_METHODS, fillPath, validBody } from '../setup/write-routes';

/**
 * Every route × every role (and no token), generated from the application's own route table: a new route without
 * an explicit rule fails here, and each role gets exactly what the role → permission table grants.
 */
describe('access matrix (every route × every role)', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '100000', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    routes = listRoutes(t.app);
    for (const role of ROLES) tokens[role] = await tokenFor(t, role);
  });
  afterAll(() => t.close());

  it('finds the routes (the table is not empty)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/v1/auth/login',
        'GET /api/v1/me',
        'GET /api/v1/disproportionality/published-comparison',
      ]),
    );
  });

  it('every route states an access rule', () => {
    expect(routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path} (${r.handler})`)).toEqual([]);
  });

  const call = (route: RouteInfo, token?: string) => {
    const url = route.path.replace(/:[A-Za-z]+/g, randomUUID());
    const req = t.http()[route.method.toLowerCase() as 'get'](url);
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.send(route.method === 'GET' ? undefined : {});
  };

  it('without a token: public routes open, every other route 401 problem+json', async () => {
    for (const route of routes) {
      const res = await call(route);
      if (route.rule?.kind === 'public') {
        expect([route.path, res.status]).not.toEqual([route.path, 401]);
      } else {
        expect([`${route.method} ${route.path}`, res.status, res.body.code]).toEqual([
          `${route.method} ${route.path}`,
          401,
          'UNAUTHENTICATED',
        ]);
      }
    }
  });

  it.each(ROLES)('as %s: allowed routes pass the guard, the rest answer 403', async (role) => {
    for (const route of routes) {
      if (route.rule?.kind !== 'permission') continue;
      const res = await call(route, tokens[role]);
      const allowed = ROLE_PERMISSIONS[role].includes(route.rule.permission);
      const label = `${role} ${route.method} ${route.path}`;
      if (allowed) expect([label, [401, 403].includes(res.status)]).toEqual([label, false]);
      else expect([label, res.status, res.body.code]).toEqual([label, 403, 'FORBIDDEN']);
    }
  });

  it('every write route has a valid request in VALID_REQUESTS (test/setup/write-routes.ts), and no entry is stale', () => {
    const writes = routes.filter((r) => WRITE_METHODS.has(r.method)).map((r) => `${r.method} ${r.path}`);
    expect(writes.filter((key) => !VALID_REQUESTS[key])).toEqual([]);
    expect(Object.keys(VALID_REQUESTS).filter((key) => !writes.includes(key))).toEqual([]);
  });

  /**
   * Every write route × every role with a VALID request, so a refusal cannot hide behind a bad body. A role the
   * route's permission (or, for a route open to any signed-in user whose service decides, its `roles` entry) does not
   * admit must get 403 or 404; anything else (2xx, 400, 409, 422…) is a grant: the request reached the work. A role
   * it admits must never get 401 or 403, nor 400 VALIDATION_FAILED (the table's body would have gone stale), nor 5xx.
   */
  it.each(ROLES)('as %s, with a valid body: every write route grants exactly what the role holds', async (role) => {
    const doc = buildOpenApiDocument(t.app);
    const users = {} as Record<Role, string>;
    for (const r of ROLES)
      users[r] = (await t.http().get('/api/v1/me').set('authorization', `Bearer ${tokens[r]}`).expect(200)).body.id;
    const failures: string[] = [];
    for (const route of routes) {
      const entry = VALID_REQUESTS[`${route.method} ${route.path}`];
      if (!WRITE_METHODS.has(route.method) || !entry || route.rule?.kind !== 'permission') continue;
      const req = t.http()[route.method.toLowerCase() as 'post'](fillPath(route.path, randomUUID));
      req.set('authorization', `Bearer ${tokens[role]}`);
      if (entry.multipart) {
        for (const [name, value] of Object.entries(entry.multipart.fields)) req.field(name, value);
        req.attach('file', Buffer.from(entry.multipart.file), 'matrix.csv');
      }
      const res = entry.multipart ? await req : await req.send((validBody(doc, route, users) ?? {}) as object);
      const admitted =
        ROLE_PERMISSIONS[role].includes(route.rule.permission) && (!entry.roles || entry.roles.includes(role));
      const label = `${role} ${route.method} ${route.path} → ${res.status} ${res.body?.code ?? ''}`;
      if (res.status >= 500) failures.push(`${label} (server error)`);
      else if (!admitted && ![403, 404].includes(res.status)) failures.push(`${label} (unexpected grant)`);
      else if (admitted && entry.answer !== undefined) {
        if (res.status !== entry.answer) failures.push(`${label} (expected ${entry.answer})`);
      } else if (admitted && [401, 403].includes(res.status)) failures.push(`${label} (refused a role it admits)`);
      else if (admitted && res.body?.code === 'VALIDATION_FAILED')
        failures.push(`${label} (the valid body is not: ${JSON.stringify(res.body.errors)})`);
    }
    expect(failures).toEqual([]);
  });
});
