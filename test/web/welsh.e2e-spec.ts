import { VOCABULARIES } from '@scrutiny/records';
import welshLabels from '../../apps/web/i18n/labels.cy.json';
import { keysOf, lookup } from '../../apps/web/i18n/messages';
import { createTestApp, type TestApp } from '../setup/test-app';
import { PANEL_PASSWORD, panelWorld, type PanelWorld } from './panel-fixture';
import { agentOf, csrfOf } from './support/web-agent';

/** The catalogue groups whose messages appear on the pages a panel member uses. */
const PANEL_MEMBER_GROUPS = [
  'service',
  'common',
  'signIn',
  'account',
  'timeout',
  'errors',
  'notifications',
  'language',
  'panels',
  // The case shown on the rating page and in the pack.
  'records',
];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };

/** What a reader meets on a page: its text and the accessible names in attributes, scripts left out. */
function visibleText(html: string): string {
  const attributes = [...html.matchAll(/\b(?:aria-label|title|alt|placeholder|value)="([^"]*)"/g)].map((m) => m[1]);
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .concat(' ', attributes.join(' '));
  return text.replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole).replace(/\s+/g, ' ');
}

/**
 * English that must not be left on a Welsh page: each catalogue message whose Welsh differs, cut at its placeholders;
 * a fragment counts when it is a phrase (two words or more) or a single word long enough not to be a name or code.
 */
function englishFragments(): { key: string; text: string }[] {
  return keysOf('en').flatMap((key) => {
    if (!PANEL_MEMBER_GROUPS.includes(key.split('.')[0])) return [];
    const en = lookup('en', key)!;
    if (lookup('cy', key) === en) return [];
    return en
      .split(/\{\w+\}/)
      .map((part) => part.trim().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''))
      .filter((part) => part.split(/\s+/).length >= 2 || part.length >= 6)
      .map((text) => ({ key, text }));
  });
}

function englishLeftIn(html: string): string[] {
  const text = visibleText(html);
  return englishFragments()
    .filter(({ text: fragment }) =>
      new RegExp(`(^|[^\\p{L}])${fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text),
    )
    .map(({ key, text: fragment }) => `${key}: ${fragment}`);
}

describe('web workspace in Welsh (cy)', () => {
  let t: TestApp;
  let w: PanelWorld;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    w = await panelWorld(t, 'cy');
  }, 120_000);
  afterAll(() => t?.close());

  it('has a Welsh message for every key of the groups panel members’ pages use', () => {
    const cy = new Set(keysOf('cy'));
    const missing = keysOf('en').filter((key) => PANEL_MEMBER_GROUPS.includes(key.split('.')[0]) && !cy.has(key));
    expect(missing).toEqual([]);
    // Welsh keeps the English placeholders, so a message is filled in the same way.
    const placeholders = (s: string | undefined) => [...(s ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const different = keysOf('cy').filter(
      (key) => lookup('en', key) && placeholders(lookup('en', key)).join() !== placeholders(lookup('cy', key)).join(),
    );
    expect(different).toEqual([]);
  });

  it('switches language without JavaScript, before and after sign-in, and keeps it in the session', async () => {
    const agent = agentOf(t);
    const english = await agent.get('/sign-in').expect(200);
    expect(english.text).toContain('<html lang="en"');
    expect(english.text).toContain('href="/language?lang=cy&amp;returnTo=%2Fsign-in"');
    const switched = await agent.get('/language?lang=cy&returnTo=/sign-in').expect(303);
    expect(switched.headers.location).toBe('/sign-in');
    // Never back to another site.
    expect((await agent.get('/language?lang=cy&returnTo=//evil.example').expect(303)).headers.location).toBe('/');
    const signInPage = await agent.get('/sign-in').expect(200);
    expect(signInPage.text).toContain('<html lang="cy"');
    expect(englishLeftIn(signInPage.text)).toEqual([]);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(signInPage.text), username: 'cy-member', password: PANEL_PASSWORD })
      .expect(303);
    expect((await agent.get('/notifications').expect(200)).text).toContain('<html lang="cy"');
    // The session row keeps the choice: a new browser with only the session cookie still gets Welsh.
    const [row] = (await t.dataSource.query(`SELECT locale FROM web_sessions ORDER BY created_at DESC LIMIT 1`)) as {
      locale: string;
    }[];
    expect(row.locale).toBe('cy');
    await agent.get('/language?lang=en&returnTo=/notifications').expect(303);
    expect((await agent.get('/notifications').expect(200)).text).toContain('<html lang="en"');
    await agent.get('/language?lang=cy&returnTo=/notifications').expect(303);
  });

  it('renders every page a panel member uses in Welsh with no English from the catalogue left', async () => {
    const agent = agentOf(t);
    await agent.get('/language?lang=cy&returnTo=/sign-in').expect(303);
    const signInPage = await agent.get('/sign-in').expect(200);
    await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfOf(signInPage.text), username: 'cy-member', password: PANEL_PASSWORD })
      .expect(303);
    const pages = [
      '/sessions',
      `/sessions/${w.sessionId}`,
      `/sessions/${w.sessionId}/cases/${w.items[0].id}`,
      `/sessions/${w.sessionId}/cases/${w.items[0].id}/conflict`,
      `/sessions/${w.sessionId}/pack`,
      '/actions',
      '/notifications',
      '/account/password',
      '/account/notifications',
    ];
    const found: Record<string, string[]> = {};
    for (const path of pages) {
      const res = await agent.get(path).expect(200);
      expect(res.text).toContain('<html lang="cy"');
      const left = englishLeftIn(res.text);
      if (left.length) found[path] = left;
    }
    const notFound = await agent.get('/sessions/00000000-0000-4000-8000-000000000000').expect(404);
    expect(notFound.text).toContain('<html lang="cy"');
    if (englishLeftIn(notFound.text).length) found['404'] = englishLeftIn(notFound.text);
    expect(found).toEqual({});
  });
});

// The review forms' sections, questions and answers are vocabularies too (form_*, uof_*, vehicle_stop_*), so a label
// added to any vocabulary without Welsh fails here rather than showing English on a panel member's page.
describe('Welsh library labels', () => {
  it('has Welsh for every vocabulary label and code label', () => {
    const welsh: Record<string, string> = welshLabels;
    const missing = Object.entries(VOCABULARIES).flatMap(([name, vocabulary]) =>
      [vocabulary.label, ...Object.values(vocabulary.codes)]
        .filter((label) => !welsh[label]?.trim())
        .map((label) => `${name}: ${label}`),
    );
    expect(missing).toEqual([]);
  });
});
