import * as fs from 'node:fs';
import * as path from 'node:path';
import { notificationPath } from '@scrutiny/sampling';
import { WEB_PATHS } from '../../apps/web/web-http';
import { listRoutes } from '../setup/routes';
import { createTestApp, type TestApp } from '../setup/test-app';
import { tokenFor } from '../factories/users';

/**
 * The web workspace's paths are excluded from the global /api prefix by path, whichever controller serves them: a page
 * section named like an API resource (themes, officers, admin/outbox once were) silently moved that resource out of
 * /api/v1. Every API route must keep its first segment to itself.
 */
const firstSegment = (p: string) => p.replace(/^\/+/, '').split('/')[0];

/** Whether WEB_PATHS routes a path (query and fragment aside) to the workspace: 'x' exactly, or 'x/{*rest}' below. */
const servedByWeb = (link: string) => {
  const route = new URL(link, 'http://x').pathname.replace(/^\/+/, '');
  return WEB_PATHS.some((p) =>
    p.endsWith('/{*rest}') ? route.startsWith(`${p.slice(0, -'{*rest}'.length)}`) : route === p.replace(/^\//, ''),
  );
};

/** Every `path:` an email is queued with in the libs, with each interpolation standing for an id. */
function emailPaths(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.spec.ts'))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bpath: `(\/[^`]*)`/g))
          found.push(m[1].replace(/\$\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'));
    }
  };
  walk(path.join(__dirname, '../../libs'));
  return found;
}

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

  it('every link an email or a notification carries opens a workspace page (not the 404 page)', () => {
    const links = [
      ...emailPaths(),
      notificationPath('review_assigned', { itemId: '00000000-0000-4000-8000-000000000000' }),
      notificationPath('sample_empty', { sampleId: '00000000-0000-4000-8000-000000000000' }),
    ];
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((link) => !servedByWeb(link))).toEqual([]);
  });

  it('serves the API routes whose names the pages echo under /api/v1', async () => {
    const psd = await tokenFor(t, 'professional_standards');
    const admin = await tokenFor(t, 'admin');
    await t.http().get('/api/v1/themes/quarters/2024-Q2').set('authorization', `Bearer ${psd}`).expect(200);
    await t.http().get('/api/v1/officers').set('authorization', `Bearer ${psd}`).expect(200);
    await t.http().get('/api/v1/email-outbox').set('authorization', `Bearer ${admin}`).expect(200);
  });
});
