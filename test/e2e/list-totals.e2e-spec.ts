import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/** Lists outside sampling answer { items, total }: how many match, not only the page (or the cap) that came back. */
describe('list totals (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'psd', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const get = async (url: string, who: keyof typeof token = 'psd') =>
    (await t.http().get(url).set(as(who)).expect(200)).body;
  const count = async (sql: string) => ((await t.dataSource.query(sql)) as { n: number }[])[0].n;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.psd = await tokenFor(t, 'professional_standards');
  });
  afterAll(() => t.close());

  it('users, panels, sessions, officers, dead letters, findings and report packs give their total', async () => {
    const users = await get('/api/v1/users', 'admin');
    expect(users.total).toBe(await count(`SELECT count(*)::int AS n FROM users`));
    expect(users.items).toHaveLength(users.total);
    for (const url of [
      '/api/v1/panels',
      '/api/v1/panel-sessions',
      '/api/v1/officers',
      '/api/v1/disproportionality/findings',
      '/api/v1/themes/quarters/2024-Q2/packs',
    ]) {
      const body = await get(url);
      expect({ url, total: body.total, items: Array.isArray(body.items) }).toEqual({ url, total: 0, items: true });
    }
    expect(await get('/api/v1/jobs/failed', 'admin')).toEqual({ items: [], total: 0 });
  });

  it('pages the actions tracker with a cursor, the total on every page (no silent cap)', async () => {
    // Actions raised at a quarterly themes review: professional standards see them all.
    for (let i = 0; i < 7; i++) {
      await t.dataSource.query(
        `INSERT INTO finding_actions (kind, description, owner, due_on, status, version, meeting_quarter)
         VALUES ('organisational_learning', $1, 'Training lead', $2::date, 'open', 1, '2024-04-01')`,
        [`action ${i}`, `2024-0${(i % 3) + 5}-0${i + 1}`],
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string; dueOn: string }[]; total: number; nextCursor: string | null } = await get(
        `/api/v1/finding-actions?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.total).toBe(7);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((a) => `${a.dueOn}/${a.id}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(seen);
    const overdueOnly = await get('/api/v1/finding-actions?overdue=true&limit=2');
    expect(overdueOnly.total).toBe(7);
    expect(overdueOnly.items).toHaveLength(2);
    const bad = await t.http().get('/api/v1/finding-actions?cursor=nope').set(as('psd')).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  });

  it('case lists count on the first page only, and no page after it counts again', async () => {
    for (let i = 1; i <= 3; i++) {
      await t
        .http()
        .post('/api/v1/stop-searches')
        .set(as('psd'))
        .send({
          force: 'lancashire',
          occurredAt: `2024-05-0${i}T21:47:00+01:00`,
          searchType: 'person',
          legislation: 'misuse_of_drugs_act_s23',
          teamCode: 'TEAM-A',
        })
        .expect(201);
    }
    const first = await get('/api/v1/stop-searches?limit=2');
    expect(first).toMatchObject({ total: 3, totalCapped: false });
    expect(first.items).toHaveLength(2);
    const second = await get(`/api/v1/stop-searches?limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ total: null, totalCapped: false, nextCursor: null });
    expect(second.items).toHaveLength(1);
    expect((await get('/api/v1/stop-searches?from=2030-01')).total).toBe(0);
  });

  it('the audit trail counts its matches on the first page', async () => {
    const first = await get('/api/v1/audit?action=stop_search.created&limit=2', 'admin');
    expect(first).toMatchObject({ total: 3, totalCapped: false });
    expect(first.items).toHaveLength(2);
    const next = await get(`/api/v1/audit?action=stop_search.created&limit=2&cursor=${first.nextCursor}`, 'admin');
    expect(next).toMatchObject({ total: null });
    expect(next.items).toHaveLength(1);
  });
});
