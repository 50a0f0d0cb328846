import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLES, type Role } from '@scrutiny/auth';
import { buildOpenApiDocument } from '../../apps/api/openapi';
import { USERNAME_FOR } from '../factories/users';
import { listRoutes, type RouteInfo } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';
import {
  WRITE_METHODS,
  fillPath,
  leaves,
  requestSchema,
  resolve,
  roleFor,
  sample,
  validBody,
  withValue,
  type Schema,
} from '../setup/write-routes';

interface Probe {
  label: string;
  /** A JSON value to send, or `raw` JSON text. */
  body?: unknown;
  raw?: string;
  /** The input is wrong whatever the route: the body parser or the validation pipe refuses it (400, before any lookup). */
  refused: boolean;
}

const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/** Bad inputs that are wrong in any body: nesting, and bodies that are not a JSON object at all. */
const BODY_PROBES: Probe[] = [
  { label: 'object nested 5,000 deep', raw: deepObject(5000), refused: true },
  { label: 'list nested 5,000 deep', raw: deepArray(5000), refused: true },
  // A route that reads no body ignores an empty list (it has nothing to refuse), so that alone may pass there.
  { label: 'a list for a body', raw: '[]', refused: true },
  { label: 'a string for a body', raw: '"text"', refused: true },
  { label: 'a number for a body', raw: '42', refused: true },
  { label: 'null for a body', raw: 'null', refused: true },
];

const DATEISH = /(date|At|On|From|To|until|since|day|month|period)$/;

/** One bad value per class for a scalar of this schema. */
function leafProbes(name: string, schema: Schema): { label: string; value: unknown; refused: boolean }[] {
  const probes: { label: string; value: unknown; refused: boolean }[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    probes.push({ label: '2^31', value: 2 ** 31, refused: schema.type === 'integer' });
    probes.push({ label: '2^53+1', value: 2 ** 53 + 1, refused: schema.type === 'integer' });
    probes.push({ label: 'null', value: null, refused: false });
  }
  if (schema.type === 'string' || schema.type === undefined) {
    probes.push({ label: 'NUL', value: 'a\u0000b', refused: true });
    probes.push({ label: 'lone surrogate', value: 'a\uD800b', refused: true });
    probes.push({ label: 'null', value: null, refused: false });
    probes.push({ label: 'huge string', value: 'x'.repeat(200_000), refused: false });
    if (schema.format === 'date' || schema.format === 'date-time' || DATEISH.test(name))
      probes.push({ label: 'impossible date', value: '2017-02-31', refused: schema.format !== undefined });
  }
  return probes;
}

/**
 * Every write route × every class of bad input the security probe found giving a 500 (issue 15): deep nesting, NUL
 * bytes, lone surrogates, integers past int4, null for a value, impossible dates, bodies that are not objects, huge
 * strings. Routes come from the application's own table and each body from the route's OpenAPI request schema, one
 * field at a time, as a role the route admits: a new route is fuzzed without being listed here.
 */
describe('fuzz: every write route × every bad-input class answers 4xx, never 5xx', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' });
    doc = buildOpenApiDocument(t.app);
    routes = listRoutes(t.app).filter((r) => WRITE_METHODS.has(r.method));
  });
  afterAll(() => t.close());

  // A fresh sign-in per route: a probe a route accepts (sign-out, say) must not spoil the next route's token.
  const signIn = async (role: Role) => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: USERNAME_FOR[role], password: t.config.demo.password });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };

  it('finds the write routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/v1/auth/login');
  });

  it('sends every class to every write route: 0 × 5xx, and the wrong-in-any-body classes are refused', async () => {
    const failures: string[] = [];
    const users = {} as Record<Role, string>;
    for (const r of ROLES)
      users[r] = (
        await t
          .http()
          .get('/api/v1/me')
          .set('authorization', `Bearer ${await signIn(r)}`)
      ).body.id;
    let sent = 0;
    for (const route of routes) {
      const role = roleFor(route);
      const token = role ? await signIn(role) : undefined;
      const url = fillPath(route.path, randomUUID);
      const schema = requestSchema(doc, route);
      // Each bad value goes into an otherwise valid body (the access matrix's), so it is the one thing refused.
      const base = validBody(doc, route, users) ?? (schema ? sample(doc, schema) : {});
      const probes: Probe[] = BODY_PROBES.map((p) => (p.raw === '[]' && !schema ? { ...p, refused: false } : p));
      if (schema && resolve(doc, schema).properties)
        for (const leaf of leaves(doc, schema)) {
          const name = leaf.path.join('.');
          for (const p of leafProbes(String(leaf.path.filter((k) => typeof k === 'string').at(-1)), leaf.schema))
            probes.push({
              label: `${name} = ${p.label}`,
              body: withValue(doc, base, schema, leaf.path, p.value),
              refused: p.refused,
            });
        }
      for (const probe of probes) {
        const req = t.http()[route.method.toLowerCase() as 'post'](url);
        if (token) req.set('authorization', `Bearer ${token}`);
        req.set('content-type', 'application/json');
        const res = await req.send(probe.raw ?? JSON.stringify(probe.body));
        sent++;
        const bad = res.status >= 500 || (probe.refused && res.status !== 400);
        if (bad)
          failures.push(
            `${route.method} ${route.path} as ${role ?? 'anyone'}: ${probe.label} → ${res.status} ${res.body?.code ?? ''} ${res.body?.errors?.[0]?.message ?? res.body?.detail ?? ''}`,
          );
      }
    }
    expect(sent).toBeGreaterThan(routes.length * BODY_PROBES.length);
    expect(failures).toEqual([]);
  }, 300_000);

  /**
   * Query strings the probe sent: numbers past double, lists and objects for one value, NUL, broken UTF-8. `refused`
   * says, from the parameter's schema, when only a 400 is right; otherwise any answer but a 5xx.
   */
  const QUERY_PROBES: [string, (name: string) => string, (s: Schema) => boolean][] = [
    ['1e309', (n) => `${n}=1e309`, (s) => s.type === 'integer' || s.type === 'number'],
    ['-1e309', (n) => `${n}=-1e309`, (s) => s.type === 'integer' || s.type === 'number'],
    ['2^53+1', (n) => `${n}=9007199254740993`, (s) => s.type === 'integer'],
    ['a list', (n) => `${n}=1&${n}=2`, (s) => s.type !== 'array' && s.type !== undefined],
    ['an object', (n) => `${n}[a]=1`, () => true],
    ['NUL', (n) => `${n}=a%00b`, () => true],
    ['a lone surrogate', (n) => `${n}=a%ED%A0%80b`, () => false],
    ['an impossible date', (n) => `${n}=2017-02-31`, (s) => s.format === 'date'],
  ];

  it('sends every query-string class to every read route with query parameters: 400 where wrong, never 5xx', async () => {
    const failures: string[] = [];
    const reads = listRoutes(t.app).filter((r) => r.method === 'GET');
    let sent = 0;
    for (const route of reads) {
      const op = (doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')] as Record<string, unknown> | undefined)
        ?.get as { parameters?: { in: string; name: string; schema?: Schema }[] } | undefined;
      const params = (op?.parameters ?? []).filter((p) => p.in === 'query');
      if (!params.length) continue;
      const role = roleFor(route);
      const token = role ? await signIn(role) : undefined;
      const url = fillPath(route.path, randomUUID);
      for (const param of params)
        for (const [label, query, refused] of QUERY_PROBES) {
          const req = t.http().get(`${url}?${query(param.name)}`);
          if (token) req.set('authorization', `Bearer ${token}`);
          const res = await req;
          sent++;
          const mustRefuse = refused(resolve(doc, param.schema ?? {}));
          if (res.status >= 500 || (mustRefuse && res.status !== 400))
            failures.push(`GET ${route.path}?${param.name} = ${label} → ${res.status}`);
        }
    }
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 300_000);
});
