import { londonMonth, previousMonth, DomainError } from '@scrutiny/core';
import { HeartbeatJob, HeartbeatReader, InProcessJobQueue, JobQueue, RecurringJobs } from '@scrutiny/jobs';
import {
  DipSamplesService,
  RetentionCheckJob,
  SamplingPlansService,
  SamplingScheduleTickJob,
  ScheduledDrawHandler,
} from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const ADMIN = {
  id: '00000000-0000-4000-8000-000000000000',
  username: 'test',
  displayName: 'test',
  roles: ['admin' as const],
  permissions: new Set<never>(),
  teams: [],
  areas: [],
};

describe('sampling jobs: schedules declared by the feature, and an idempotent scheduled draw', () => {
  let t: TestApp;
  const period = previousMonth(londonMonth(new Date()));

  beforeAll(async () => {
    // The heartbeat and the sampling tick every hour; the retention check switched off.
    t = await createTestApp({
      HEARTBEAT_INTERVAL_MS: '3600000',
      SAMPLING_SCHEDULE_INTERVAL_MS: '3600000',
      RETENTION_CHECK_INTERVAL_MS: '0',
    });
    for (let i = 0; i < 6; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `${period}-${String(i + 1).padStart(2, '0')}T12:00:00Z`,
      });
      await insertClip(t.dataSource, id, 30);
    }
  });
  afterAll(() => t.close());

  const plan = async (name: string) =>
    (
      await t.app
        .get(SamplingPlansService)
        .create(ADMIN, { name, spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 2, strata: [] } })
    ).id;

  it('finds every declared schedule, the jobs module’s and the sampling feature’s, and installs those switched on', async () => {
    const recurring = t.app.get(RecurringJobs);
    expect(
      recurring
        .schedules()
        .map((s) => `${s.def.queue}/${s.def.name}`)
        .sort(),
    ).toEqual([
      'imports/sweep-stranded',
      'maintenance/heartbeat',
      'notifications/action-overdue-check',
      'notifications/send-email',
      'sampling/retention-check',
      'sampling/review-overdue-check',
      'sampling/schedule-tick',
    ]);
    // Installed at start-up: the heartbeat has run once already.
    await t.app.get(InProcessJobQueue).idle();
    expect(await t.app.get(HeartbeatReader).latest()).not.toBeNull();

    const schedule = jest.spyOn(t.app.get(JobQueue), 'schedule').mockResolvedValue();
    try {
      await recurring.onApplicationBootstrap();
      expect(schedule.mock.calls).toEqual(
        expect.arrayContaining([
          [HeartbeatJob, 3_600_000, { source: 'schedule' }],
          [SamplingScheduleTickJob, 3_600_000, {}],
        ]),
      );
      expect(schedule.mock.calls.map(([def]) => def)).not.toContain(RetentionCheckJob);
      expect(schedule).toHaveBeenCalledTimes(2);
    } finally {
      schedule.mockRestore();
    }
  });

  it('draws a plan’s scheduled sample of a month once: drawing it again answers the same sample, drawing nothing', async () => {
    const samples = t.app.get(DipSamplesService);
    const planId = await plan('idempotent');
    const [first, second] = await Promise.all([
      samples.draw({ system: true }, { period, planId }, { scheduled: true }),
      samples.draw({ system: true }, { period, planId }, { scheduled: true }),
    ]);
    expect(second.id).toBe(first.id);
    const again = await samples.draw({ system: true }, { period, planId, seed: 'ignored' }, { scheduled: true });
    expect(again).toMatchObject({ id: first.id, seed: first.seed, scheduled: true });
    const [{ n, audits }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM dip_samples WHERE plan_id = $1) AS n,
         (SELECT count(*)::int FROM audit_events WHERE action = 'dip_sample.drawn' AND target_id = $2) AS audits`,
      [planId, first.id],
    );
    expect({ n, audits }).toEqual({ n: 1, audits: 1 });
    // An unscheduled draw of the same plan and month is another sample.
    expect((await samples.draw({ system: true }, { period, planId })).id).not.toBe(first.id);
  });

  it('lets the system issue an issued sample again as a no-op, while a user still gets a conflict', async () => {
    const samples = t.app.get(DipSamplesService);
    const planId = await plan('issue twice');
    const drawn = await samples.draw({ system: true }, { period, planId }, { scheduled: true });
    const issued = await samples.issue({ system: true }, drawn.id, drawn.version);
    const again = await samples.issue({ system: true }, drawn.id, drawn.version); // a stale version: still nothing to do
    expect(again).toMatchObject({ id: drawn.id, status: 'issued', version: issued.version, issuedAt: issued.issuedAt });
    const [{ notes }] = await t.dataSource.query(
      `SELECT count(*)::int AS notes FROM notifications WHERE link->>'sampleId' = $1`,
      [drawn.id],
    );
    expect(notes).toBe(1);
    await expect(samples.issue({ actor: ADMIN }, drawn.id, issued.version)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('fails a scheduled draw whose plan version is missing, instead of taking the error for a lost race', async () => {
    const samples = t.app.get(DipSamplesService);
    const planId = await plan('broken');
    await t.app.get(SamplingPlansService).setSchedule(ADMIN, planId, { enabled: true, from: period });
    const drawn = await samples.draw({ system: true }, { period, planId }, { scheduled: true });
    await t.dataSource.query(`UPDATE dip_samples SET plan_version = 99 WHERE id = $1`, [drawn.id]);
    const failure = t.app.get(ScheduledDrawHandler).handle({ planId, period });
    await expect(failure).rejects.toThrow(DomainError);
    await expect(failure).rejects.toThrow(/Sampling plan version .* not found/);
  });
});
