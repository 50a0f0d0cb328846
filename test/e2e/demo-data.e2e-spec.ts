import { InProcessJobQueue } from '@scrutiny/jobs';
import { SamplingScheduleTickHandler } from '@scrutiny/sampling';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('demo data (embedded start)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DEMO_RECORDS: 'true', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it('seeds a real police.uk month through the importer and team cases the demo supervisor can see', async () => {
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034'`,
    );
    expect(n).toBe(101);
    const supervisor = await tokenFor(t, 'supervisor');
    const mine = await t.http().get('/api/v1/stop-searches').set('authorization', `Bearer ${supervisor}`).expect(200);
    // TEAM-A's five, and the ten of TEAM-B officers the demo supervisor supervises (the themes-review history).
    expect(mine.body.items).toHaveLength(15);
    expect(mine.body.items.filter((i: { teamCode: string }) => i.teamCode === 'TEAM-A')).toHaveLength(5);
    expect(mine.body.items.filter((i: { teamCode: string }) => i.teamCode === 'TEAM-B')).toHaveLength(10);
    const teamA = mine.body.items.find((i: { teamCode: string }) => i.teamCode === 'TEAM-A');
    const clips = await t
      .http()
      .get(`/api/v1/stop-searches/${teamA.id}/bwv-clips`)
      .set('authorization', `Bearer ${supervisor}`)
      .expect(200);
    expect(clips.body).toHaveLength(1);
    const psd = await tokenFor(t, 'professional_standards');
    const all = await t.http().get('/api/v1/stop-searches?limit=200').set('authorization', `Bearer ${psd}`).expect(200);
    expect(all.body.items).toHaveLength(116); // and TEAM-B's ten reviewed searches for the quarterly themes review
  });

  it('seeds vehicle stops and use-of-force reports from the documented CSV templates, one linked to a search and its footage', async () => {
    const supervisor = { authorization: `Bearer ${await tokenFor(t, 'supervisor')}` };
    expect((await t.http().get('/api/v1/vehicle-stops').set(supervisor).expect(200)).body.items).toHaveLength(3);
    const reports = (await t.http().get('/api/v1/use-of-force').set(supervisor).expect(200)).body.items;
    expect(reports).toHaveLength(2);
    const linked = reports.find((r: { reference: string }) => r.reference === 'UOF-2024-0001');
    expect(linked.linkedStopSearchId).toEqual(expect.any(String));
    expect(
      (await t.http().get(`/api/v1/use-of-force/${linked.id}/bwv-clips`).set(supervisor).expect(200)).body,
    ).toHaveLength(1);
  });

  it('issues no sample by itself: the demo plans are not scheduled, so the schedule draws nothing', async () => {
    await t.app.get(SamplingScheduleTickHandler).handle(); // what every start, and every hour after, runs
    await t.app.get(InProcessJobQueue).idle();
    const psd = { authorization: `Bearer ${await tokenFor(t, 'professional_standards')}` };
    const plans = (await t.http().get('/api/v1/sampling-plans').set(psd).expect(200)).body;
    expect(plans.total).toBeGreaterThanOrEqual(2);
    expect(plans.items.filter((p: { schedule: { enabled: boolean } }) => p.schedule.enabled)).toEqual([]);
    const [{ scheduled, empty }] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE scheduled)::int AS scheduled,
         count(*) FILTER (WHERE status = 'issued' AND NOT EXISTS (SELECT 1 FROM dip_sample_items i WHERE i.sample_id = s.id))::int AS empty
       FROM dip_samples s`,
    );
    expect({ scheduled, empty }).toEqual({ scheduled: 0, empty: 0 });
  });

  it('issues a demo dip sample of May 2024 for TEAM-A, with reviews for the demo supervisor and a hold confirmed', async () => {
    const supervisor = { authorization: `Bearer ${await tokenFor(t, 'supervisor')}` };
    const [sample] = (await t.http().get('/api/v1/dip-samples?period=2024-05').set(supervisor).expect(200)).body.items;
    expect(sample).toMatchObject({ status: 'issued', teams: ['TEAM-A'], seed: 'demo-2024-05' });
    const full = (await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(supervisor).expect(200)).body;
    expect(full.items.length).toBeGreaterThanOrEqual(3);
    expect(
      full.items.every(
        (i: { review: { assignedTo: { username: string } } }) => i.review.assignedTo.username === 'supervisor',
      ),
    ).toBe(true);
    expect(full.items.some((i: { footage: string }) => i.footage === 'held')).toBe(true);
    expect(
      (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(supervisor).expect(200)).body.verified,
    ).toBe(true);
    expect((await t.http().get('/api/v1/me/notifications').set(supervisor).expect(200)).body[0].kind).toBe(
      'review_assigned',
    );
  });

  it('closes a demo internal session with findings, and an action professional standards answered', async () => {
    const internal = { authorization: `Bearer ${await tokenFor(t, 'internal_panel')}` };
    const sessions = (await t.http().get('/api/v1/panel-sessions?status=closed').set(internal).expect(200)).body.items;
    expect(sessions).toHaveLength(1);
    const report = (await t.http().get(`/api/v1/panel-sessions/${sessions[0].id}/report`).set(internal).expect(200))
      .body;
    expect(report.items.map((i: { finding: { form: { outcome: string } } }) => i.finding.form.outcome)).toEqual([
      'feedback_to_officer',
      'no_action',
    ]);
    expect(report.items[0].actions).toEqual([
      expect.objectContaining({ status: 'done', response: expect.stringMatching(/debriefed/) }),
    ]);
  });

  it('answers disproportionality over the demo month, with a recorded finding for professional standards', async () => {
    const psd = { authorization: `Bearer ${await tokenFor(t, 'professional_standards')}` };
    const res = (
      await t
        .http()
        .get('/api/v1/disproportionality?from=2017-12&to=2017-12&area=city-of-london&basis=officer')
        .set(psd)
        .expect(200)
    ).body;
    expect(res.total).toBe(101);
    const findings = (await t.http().get('/api/v1/disproportionality/findings?quarter=2017-Q4').set(psd).expect(200))
      .body.items;
    expect(findings).toHaveLength(1);
    expect(findings[0].snapshot.total).toBe(101);
  });

  it('gives the demo panel members an open session: external sees three cases pseudonymised, internal theirs in full', async () => {
    const external = await t
      .http()
      .get('/api/v1/stop-searches')
      .set('authorization', `Bearer ${await tokenFor(t, 'external_panel')}`)
      .expect(200);
    expect(external.body.items).toHaveLength(3);
    expect(
      external.body.items.every(
        (i: { pseudonymised: boolean; officer: string }) => i.pseudonymised && i.officer.startsWith('Officer '),
      ),
    ).toBe(true);
    const internal = await t
      .http()
      .get('/api/v1/stop-searches')
      .set('authorization', `Bearer ${await tokenFor(t, 'internal_panel')}`)
      .expect(200);
    expect(internal.body.items).toHaveLength(5); // three on the open session, two from the session closed today (7-day window)
    expect(internal.body.items.every((i: { pseudonymised: boolean }) => !i.pseudonymised)).toBe(true);
  });
});
