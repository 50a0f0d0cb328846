import { WEB_PATHS } from '../../apps/web/web-http';
import { listRoutes } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';
import { tokenFor } from '../factories/users';

/**
 * The web workspace's paths are excluded from the global /api prefix by path, whichever controller serves them: a page
 * section named like an API resource (themes, officers, admin/outbox once were) silently moved that resource out of
 * /api/v1. Every API route must keep its first segment to itself.
 */
const firstSegment = (path: string) => path.replace(/^\/+/, '').split('/')[0];

describe('web workspace paths leave the JSON API where it is', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(() => t.close());

  it('no web section shares its first path segment with an API route', () => {
    const web = new Set(WEB_PATHS.map(firstSegment).filter(Boolean));
    const clashes = listRoutes(t.app)
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => ({ route: `${r.method} ${r.path}`, segment: firstSegment(r.path.slice('/api/v1'.length)) }))
      .filter((r) => web.has(r.segment));
    expect(clashes).toEqual([]);
  });

  it('serves the API routes whose names the pages echo under /api/v1', async () => {
    const psd = await tokenFor(t, 'professional_standards');
    const admin = await tokenFor(t, 'admin');
    await t.http().get('/api/v1/themes/quarters/2024-Q2').set('authorization', `Bearer ${psd}`).expect(200);
    await t.http().get('/api/v1/officers').set('authorization', `Bearer ${psd}`).expect(200);
    await t.http().get('/api/v1/email-outbox').set('authorization', `Bearer ${admin}`).expect(200);
  });
});
