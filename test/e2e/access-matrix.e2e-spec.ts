import { randomUUID } from 'node:crypto';
import { ROLES, ROLE_PERMISSIONS, type Role } from '@scrutiny/auth';
import { tokenFor } from '../factories/users';
import { listRoutes, type RouteInfo } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';

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
});
