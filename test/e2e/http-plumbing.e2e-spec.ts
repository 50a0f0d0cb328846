import { createTestApp, type TestApp } from '../setup/test-app';

const PROBLEM = /^application\/problem\+json/;

describe('HTTP plumbing (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: 'https://panel.example' });
  });
  afterAll(() => t.close());

  it('GET /health answers 200 without authentication', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });

  it('GET /health/ready checks the database, migrations and the queue', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body.details).toMatchObject({
      database: { status: 'up' },
      migrations: { status: 'up' },
      queue: { status: 'up', kind: 'in-process' },
    });
  });

  it('answers an unknown route with problem+json carrying the request id', async () => {
    const res = await t.http().get('/api/v1/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      type: 'urn:scrutiny:problem:route-not-found',
    });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['/nope', '/health/nope', '/docs-json/x', '/apix'])(
    'answers %s, outside /api, with a problem too (not an HTML page)',
    async (path) => {
      const res = await t.http().get(path).expect(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: res.headers['x-request-id'] });
    },
  );

  it('serves / as the web workspace: a visitor without a session is sent to sign in', async () => {
    const res = await t.http().get('/').set('accept', 'text/html').expect(303);
    expect(res.headers.location).toMatch(/^\/sign-in/);
  });

  it('refuses a body that is not JSON with 415, instead of reporting every field missing', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'text/plain')
      .send('username=admin&password=x')
      .expect(415);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const form = await t
      .http()
      .post('/api/v1/auth/login')
      .type('form')
      .send({ username: 'admin', password: 'x' })
      .expect(415);
    expect(form.body.detail).toMatch(/application\/x-www-form-urlencoded/);
  });

  it('answers a malformed JSON body with a 400 problem, before any route runs', async () => {
    const res = await t
      .http()
      .post('/api/v1/anything')
      .set('content-type', 'application/json')
      .set('x-request-id', 'client-chosen-id-123')
      .send('{"period": "2024-01",')
      .expect(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    // The request's id is the server's own; the client's is kept beside it.
    expect(res.body).toMatchObject({ code: 'MALFORMED_BODY', requestId: res.headers['x-request-id'] });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-client-request-id']).toBe('client-chosen-id-123');
  });

  it('replaces an unsafe incoming request id rather than echoing it into logs', async () => {
    const res = await t.http().get('/health').set('x-request-id', 'bad id "<script>"');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-client-request-id']).toBeUndefined();
  });

  it('refuses a body over the limit with 413 problem+json', async () => {
    const res = await t
      .http()
      .post('/api/v1/anything')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(1_100_000) }))
      .expect(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sets security headers (helmet)', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await t.http().get('/health').set('origin', 'https://panel.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://panel.example');
    const other = await t.http().get('/health').set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document at /docs-json and the UI at /docs', async () => {
    const json = await t.http().get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    const ui = await t.http().get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
