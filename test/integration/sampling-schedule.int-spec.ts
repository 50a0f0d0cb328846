import { InProcessJobQueue } from '@scrutiny/jobs';
import { londonMonth, previousMonth } from '@scrutiny/core';
import { SamplingPlansService, SamplingScheduleTickHandler, ScheduledDrawHandler } from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('the monthly sampling schedule', () => {
  let t: TestApp;
  const period = previousMonth(londonMonth(new Date()));
  let planId: string;

  beforeAll(async () => {
    t = await createTestApp();
    for (let i = 0; i < 12; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `${period}-${String(i + 1).padStart(2, '0')}T12:00:00Z`,
      });
      await insertClip(t.dataSource, id, 30);
    }
    const actor = {
      id: '00000000-0000-4000-8000-000000000000',
      username: 'test',
      displayName: 'test',
      roles: ['admin' as const],
      permissions: new Set<never>(),
      teams: [],
      areas: [],
    };
    planId = (
      await t.app.get(SamplingPlansService).create(actor, {
        name: 'scheduled TEAM-A',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 4, strata: [] },
      })
    ).id;
  });
  afterAll(() => t.close());

  const samplesOf = async (id: string) =>
    (await t.dataSource.query(
      `SELECT id, status, scheduled FROM dip_samples WHERE plan_id = $1 AND period = $2::date`,
      [id, `${period}-01`],
    )) as { id: string; status: string }[];

  it('draws and issues each active plan’s sample for the month just ended exactly once, however often it is asked', async () => {
    const draw = t.app.get(ScheduledDrawHandler);
    // Two workers given the same job at once, then the schedule ticking twice more.
    await Promise.all([draw.handle({ planId, period }), draw.handle({ planId, period })]);
    const tick = t.app.get(SamplingScheduleTickHandler);
    await tick.handle();
    await tick.handle();
    await t.app.get(InProcessJobQueue).idle();
    await draw.handle({ planId, period });
    const samples = await samplesOf(planId);
    expect(samples).toEqual([{ id: expect.any(String), status: 'issued', scheduled: true }]);
    const [{ items, holds, reviews }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM dip_sample_items WHERE sample_id = $1) AS items, (SELECT count(*)::int FROM bwv_hold_requests WHERE sample_id = $1) AS holds,
         (SELECT count(*)::int FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id WHERE i.sample_id = $1 AND r.assigned_to IS NOT NULL) AS reviews`,
      [samples[0].id],
    );
    expect({ items, holds, reviews }).toEqual({ items: 4, holds: 4, reviews: 4 });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'supervisor' AND n.kind = 'review_assigned'`,
    );
    expect(n).toBe(1);
  });

  it('finishes a scheduled sample left drafted by a worker that stopped between draw and issue', async () => {
    const actor = {
      id: '00000000-0000-4000-8000-000000000000',
      username: 'test',
      displayName: 'test',
      roles: ['admin' as const],
      permissions: new Set<never>(),
      teams: [],
      areas: [],
    };
    const other = (
      await t.app.get(SamplingPlansService).create(actor, {
        name: 'interrupted',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 2, strata: [] },
      })
    ).id;
    const { DipSamplesService } = await import('@scrutiny/sampling');
    await t.app.get(DipSamplesService).draw({ system: true }, { period, planId: other }, { scheduled: true });
    expect((await samplesOf(other)).map((s) => s.status)).toEqual(['draft']);
    await t.app.get(ScheduledDrawHandler).handle({ planId: other, period });
    expect((await samplesOf(other)).map((s) => s.status)).toEqual(['issued']);
  });
});
