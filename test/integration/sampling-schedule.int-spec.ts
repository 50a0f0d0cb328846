import { InProcessJobQueue } from '@scrutiny/jobs';
import { londonMonth, previousMonth } from '@scrutiny/core';
import { loadActor, type Actor } from '@scrutiny/auth';
import {
  DipSamplesService,
  SamplingPlansService,
  SamplingScheduleTickHandler,
  ScheduledDrawHandler,
} from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('the monthly sampling schedule', () => {
  let t: TestApp;
  const period = previousMonth(londonMonth(new Date()));
  const older = previousMonth(period);
  let psd: Actor;

  const plan = async (name: string, spec: Record<string, unknown>) =>
    (await t.app.get(SamplingPlansService).create(psd, { name, spec: { kinds: ['stop_search'], strata: [], ...spec } }))
      .id;
  const switchOn = (id: string, from = period) =>
    t.app.get(SamplingPlansService).setSchedule(psd, id, { enabled: true, from });
  const tick = async () => {
    await t.app.get(SamplingScheduleTickHandler).handle();
    await t.app.get(InProcessJobQueue).idle();
  };
  const samplesOf = async (id: string, month = period) =>
    (await t.dataSource.query(
      `SELECT id, status, scheduled FROM dip_samples WHERE plan_id = $1 AND period = $2::date ORDER BY drawn_at`,
      [id, `${month}-01`],
    )) as { id: string; status: string; scheduled: boolean }[];
  const notes = async (kind: string, sampleId: string) =>
    (
      (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM notifications WHERE kind = $1 AND link->>'sampleId' = $2`,
        [kind, sampleId],
      )) as { n: number }[]
    )[0].n;

  beforeAll(async () => {
    t = await createTestApp();
    psd = (await loadActor(t.dataSource, { username: 'psd' }))!;
    for (let i = 0; i < 12; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `${period}-${String(i + 1).padStart(2, '0')}T12:00:00Z`,
      });
      await insertClip(t.dataSource, id, 30);
    }
    for (let i = 0; i < 3; i++)
      await insertStopSearch(t.dataSource, { occurredAt: `${older}-${String(i + 10).padStart(2, '0')}T12:00:00Z` });
  });
  afterAll(() => t.close());

  it('draws and issues a scheduled plan’s sample for the month just ended exactly once, however often it is asked', async () => {
    const planId = await plan('scheduled TEAM-A', { teams: ['TEAM-A'], sampleSize: 4 });
    await switchOn(planId);
    const draw = t.app.get(ScheduledDrawHandler);
    // Two workers given the same job at once, then the schedule ticking twice more.
    await Promise.all([draw.handle({ planId, period }), draw.handle({ planId, period })]);
    await tick();
    await tick();
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

  it('draws nothing for a plan nobody switched on (a new plan, the default plan), and audits switching on and off', async () => {
    const planId = await plan('never switched on', { teams: ['TEAM-A'], sampleSize: 2 });
    await t.app.get(DipSamplesService).draw({ actor: psd }, { period: older }); // makes the default plan
    await tick();
    await t.app.get(ScheduledDrawHandler).handle({ planId, period }); // a job queued before it was switched off
    expect(await samplesOf(planId)).toEqual([]);
    const [{ scheduled }] = await t.dataSource.query(
      `SELECT count(*)::int AS scheduled FROM dip_samples s JOIN sampling_plans p ON p.id = s.plan_id WHERE p.is_default AND s.scheduled`,
    );
    expect(scheduled).toBe(0);

    const plans = t.app.get(SamplingPlansService);
    const on = await plans.setSchedule(psd, planId, { enabled: true });
    expect(on.schedule).toMatchObject({ enabled: true, from: period, changedBy: { id: psd.id, username: 'psd' } });
    expect((await plans.setSchedule(psd, planId, { enabled: false })).schedule.enabled).toBe(false);
    await tick();
    expect(await samplesOf(planId)).toEqual([]);
    const audits = (await t.dataSource.query(
      `SELECT action, after FROM audit_events WHERE target_id = $1 AND action LIKE 'sampling_plan.schedule%' ORDER BY occurred_at, id`,
      [planId],
    )) as { action: string; after: unknown }[];
    expect(audits.map((a) => a.action)).toEqual([
      'sampling_plan.schedule_switched_on',
      'sampling_plan.schedule_switched_off',
    ]);
  });

  it('never draws a month that has a sample from the plan (drawn by hand, even a draft), nor re-selects records already in an issued sample', async () => {
    const samples = t.app.get(DipSamplesService);
    const byHand = await plan('drawn by hand first', { teams: ['TEAM-A'], sampleSize: 2 });
    const manual = await samples.draw({ actor: psd }, { period, planId: byHand });
    await switchOn(byHand);
    await tick();
    expect((await samplesOf(byHand)).map((s) => s.id)).toEqual([manual.id]);

    // A manual sample of the month, issued; then another plan's schedule draws the same month.
    const other = await plan('manual five', { teams: ['TEAM-A'], sampleSize: 5 });
    const five = await samples.draw({ actor: psd }, { period, planId: other });
    await samples.issue({ actor: psd }, five.id, five.version);
    const wide = await plan('scheduled, takes everything eligible', { teams: ['TEAM-A'], sampleSize: 50 });
    await switchOn(wide);
    await tick();
    const [scheduled] = await samplesOf(wide);
    const overlap = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM dip_sample_items a JOIN dip_sample_items b ON b.case_id = a.case_id AND b.sample_id <> a.sample_id
       JOIN dip_samples s ON s.id = b.sample_id AND s.status = 'issued' WHERE a.sample_id = $1`,
      [scheduled.id],
    )) as { n: number }[];
    expect(overlap[0].n).toBe(0);
    // 12 records: 4 in the first scheduled sample, 5 in the manual one; the other 3 are drawn.
    const drawn = await samples.read(scheduled.id);
    expect({ status: drawn.status, items: drawn.itemCount }).toEqual({ status: 'issued', items: 3 });
    expect(drawn.eligibility).toMatchObject({ inMonth: 12, inScope: 12, excluded: { alreadySampled: 9 }, eligible: 3 });
  });

  it('reports an empty draw instead of issuing it, and says so once to whoever switched the schedule on', async () => {
    const planId = await plan('nobody’s team', { teams: ['TEAM-Z'], sampleSize: 5 });
    await switchOn(planId);
    await tick();
    await tick();
    await t.app.get(ScheduledDrawHandler).handle({ planId, period });
    const [sample] = await samplesOf(planId);
    expect(sample).toMatchObject({ status: 'draft', scheduled: true });
    const read = await t.app.get(DipSamplesService).read(sample.id);
    expect(read.itemCount).toBe(0);
    expect(read.eligibility?.reason).toBe(`12 record(s) in ${period}, none in the plan’s teams (TEAM-Z): eligible 0`);
    const [note] = (await t.dataSource.query(
      `SELECT user_id, message FROM notifications WHERE kind = 'sample_empty' AND link->>'sampleId' = $1`,
      [sample.id],
    )) as { user_id: string; message: string }[];
    expect(note).toEqual({ user_id: psd.id, message: expect.stringContaining('Nothing drawn for') });
    expect(await notes('sample_empty', sample.id)).toBe(1);
    expect(await notes('review_assigned', sample.id)).toBe(0);
  });

  it('catches up a month missed while no worker ran, once', async () => {
    // Records already in other samples may be drawn again here, so each month has something to issue.
    const planId = await plan('catch up', {
      teams: ['TEAM-A'],
      sampleSize: 1,
      exclusions: { alreadySampled: false },
    });
    await switchOn(planId, older);
    await tick();
    await tick();
    expect((await samplesOf(planId, older)).map((s) => s.status)).toEqual(['issued']);
    expect((await samplesOf(planId, period)).map((s) => s.status)).toEqual(['issued']);
  });

  it('keeps a scheduled draft whose items have nobody to review them, tells professional standards once, and issues it once someone can', async () => {
    for (let i = 0; i < 2; i++)
      await insertStopSearch(t.dataSource, { occurredAt: `${period}-2${i}T12:00:00Z`, teamCode: 'TEAM-N' });
    const planId = await plan('unled team', { teams: ['TEAM-N'], sampleSize: 2 });
    await switchOn(planId);
    await tick();
    await tick();
    const [sample] = await samplesOf(planId);
    expect(sample).toMatchObject({ status: 'draft', scheduled: true });
    expect(await notes('sample_needs_assignee', sample.id)).toBe(1);
    expect(await notes('review_assigned', sample.id)).toBe(0);
    // A supervisor takes TEAM-N: the next run issues the waiting draft.
    await t.dataSource.query(`UPDATE users SET teams = teams || '{TEAM-N}' WHERE username = 'supervisor'`);
    await t.app.get(ScheduledDrawHandler).handle({ planId, period });
    expect((await samplesOf(planId)).map((s) => s.status)).toEqual(['issued']);
  });

  it('leaves its waiting draft alone once the month has a sample of the plan drawn by hand: no record issued twice', async () => {
    for (let i = 0; i < 2; i++)
      await insertStopSearch(t.dataSource, { occurredAt: `${period}-2${i}T13:00:00Z`, teamCode: 'TEAM-W' });
    const samples = t.app.get(DipSamplesService);
    const planId = await plan('unled team W', { teams: ['TEAM-W'], sampleSize: 2 });
    await switchOn(planId);
    await tick();
    const [waiting] = await samplesOf(planId);
    expect(waiting).toMatchObject({ status: 'draft', scheduled: true });
    // Someone draws the month by hand meanwhile and issues it to a supervisor they name.
    const supervisor = (await loadActor(t.dataSource, { username: 'supervisor' }))!;
    const manual = await samples.draw({ actor: psd }, { period, planId });
    await samples.issue({ actor: psd }, manual.id, manual.version, { assignTo: supervisor.id });
    // Then the team gets a supervisor, so the waiting draft could be issued.
    await t.dataSource.query(`UPDATE users SET teams = teams || '{TEAM-W}' WHERE username = 'supervisor'`);
    await t.app.get(ScheduledDrawHandler).handle({ planId, period });
    await tick();
    const after = await samplesOf(planId);
    expect(after.find((s) => s.id === waiting.id)).toMatchObject({ status: 'draft' });
    const [{ n }] = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM dip_sample_items a JOIN dip_sample_items b ON b.case_id = a.case_id AND b.id <> a.id
       JOIN dip_samples sa ON sa.id = a.sample_id JOIN dip_samples sb ON sb.id = b.sample_id
       WHERE sa.plan_id = $1 AND sa.status = 'issued' AND sb.status = 'issued'`,
      [planId],
    )) as { n: number }[];
    expect(n).toBe(0);
  });

  it('redraws a waiting scheduled draft whose records another plan’s sample issued meanwhile, then issues it: no record twice, the draw verifiable', async () => {
    for (let i = 0; i < 3; i++)
      await insertStopSearch(t.dataSource, { occurredAt: `${period}-2${i}T14:00:00Z`, teamCode: 'TEAM-V' });
    const samples = t.app.get(DipSamplesService);
    const planId = await plan('unled team V', { teams: ['TEAM-V'], sampleSize: 2 });
    await switchOn(planId);
    await tick();
    const [waiting] = await samplesOf(planId);
    expect(waiting).toMatchObject({ status: 'draft', scheduled: true });
    // Another plan's sample of the month is drawn by hand and issued: two of the same three records, so they share one.
    const supervisor = (await loadActor(t.dataSource, { username: 'supervisor' }))!;
    const other = await plan('TEAM-V by hand', { teams: ['TEAM-V'], sampleSize: 2 });
    const manual = await samples.draw({ actor: psd }, { period, planId: other });
    await samples.issue({ actor: psd }, manual.id, manual.version, { assignTo: supervisor.id });
    await t.dataSource.query(`UPDATE users SET teams = teams || '{TEAM-V}' WHERE username = 'supervisor'`);
    await t.app.get(ScheduledDrawHandler).handle({ planId, period });
    const issued = await samples.read(waiting.id);
    expect(issued).toMatchObject({ status: 'issued', itemCount: 1, eligibleCount: 1 });
    const taken = new Set(manual.items.map((i) => i.recordId));
    expect(taken.has(issued.items[0].recordId)).toBe(false);
    expect((await samples.verify(waiting.id)).verified).toBe(true);
    const [redrawn] = (await t.dataSource.query(
      `SELECT actor_username, details FROM audit_events WHERE action = 'dip_sample.redrawn' AND target_id = $1`,
      [waiting.id],
    )) as { actor_username: string; details: Record<string, unknown> }[];
    expect(redrawn).toMatchObject({ actor_username: 'scheduler', details: { alreadySampled: expect.any(Number) } });
  });
});
