import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('demo data (embedded start)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DEMO_RECORDS: 'true', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it('seeds a real police.uk month through the importer and team cases the demo supervisor can see', async () => {
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034'`);
    expect(n).toBe(101);
    const supervisor = await tokenFor(t, 'supervisor');
    const mine = await t.http().get('/api/v1/stop-searches').set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(mine.body.items).toHaveLength(5);
    expect(mine.body.items.every((i: { teamCode: string }) => i.teamCode === 'TEAM-A')).toBe(true);
    const clips = await t.http().get(`/api/v1/stop-searches/${mine.body.items[0].id}/bwv-clips`).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(clips.body).toHaveLength(1);
    const psd = await tokenFor(t, 'professional_standards');
    const all = await t.http().get('/api/v1/stop-searches?limit=200').set('authorization', `Bearer ${psd}`).expect(200);
    expect(all.body.items).toHaveLength(106);
  });

  it('gives the demo panel members an open session: external sees three cases pseudonymised, internal three in full', async () => {
    const external = await t.http().get('/api/v1/stop-searches').set('authorization', `Bearer ${await tokenFor(t, 'external_panel')}`).expect(200);
    expect(external.body.items).toHaveLength(3);
    expect(external.body.items.every((i: { pseudonymised: boolean; officer: string }) => i.pseudonymised && i.officer.startsWith('Officer '))).toBe(true);
    const internal = await t.http().get('/api/v1/stop-searches').set('authorization', `Bearer ${await tokenFor(t, 'internal_panel')}`).expect(200);
    expect(internal.body.items).toHaveLength(3);
    expect(internal.body.items.every((i: { pseudonymised: boolean }) => !i.pseudonymised)).toBe(true);
  });
});
