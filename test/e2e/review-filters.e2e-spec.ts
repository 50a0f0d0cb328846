import { createTestApp, type TestApp } from '../setup/test-app';
import { tokenFor } from '../factories/users';
import { sampleWithReviews } from '../browser/support/fixtures';

/** GET /api/v1/sample-reviews filtered by the sample's month and the sampled record's team, in SQL (issue 18). */
describe('sample reviews: period and team filters', () => {
  let t: TestApp;
  let may: string[];
  let june: string[];
  let supervisor: string;
  let psd: string;
  const ids = (body: { items: { itemId: string }[] }) => body.items.map((r) => r.itemId).sort();

  beforeAll(async () => {
    t = await createTestApp();
    may = (await sampleWithReviews(t, { period: '2024-05', seed: 'may' })).itemIds;
    june = (await sampleWithReviews(t, { period: '2024-06', seed: 'june' })).itemIds;
    // One sampled record moves to another team: its review stays the supervisor's, its team is no longer theirs.
    await t.dataSource.query(
      `UPDATE stop_searches SET team_code = 'TEAM-B' WHERE id = (SELECT case_id FROM dip_sample_items WHERE id = $1)`,
      [june[0]],
    );
    supervisor = `Bearer ${await tokenFor(t, 'supervisor')}`;
    psd = `Bearer ${await tokenFor(t, 'professional_standards')}`;
  }, 60_000);
  afterAll(() => t.close());

  const get = (query: string, auth: string) =>
    t.http().get(`/api/v1/sample-reviews?${query}`).set('authorization', auth);

  it('filters by the sample’s month', async () => {
    const res = await get('period=2024-05', supervisor).expect(200);
    expect(ids(res.body)).toEqual([...may].sort());
    expect(res.body.total).toBe(may.length);
  });

  it('filters by the record’s team: only that team’s reviews', async () => {
    const res = await get('team=TEAM-A', supervisor).expect(200);
    expect(ids(res.body)).toEqual([...may, june[1]].sort());
    const both = await get('team=TEAM-A&period=2024-06', supervisor).expect(200);
    expect(ids(both.body)).toEqual([june[1]]);
    const everyone = await get('team=TEAM-B&all=true', psd).expect(200);
    expect(ids(everyone.body)).toEqual([june[0]]);
  });

  it('a team outside the supervisor’s teams matches nothing, like records outside scope', async () => {
    const res = await get('team=TEAM-B', supervisor).expect(200);
    expect(res.body).toMatchObject({ items: [], total: 0 });
  });

  it('names a malformed month or team (400)', async () => {
    const res = await get('period=2024-13&team=a%20b', supervisor).expect(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['period', 'team']);
  });
});
