import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { createPanelWithMembers, issueDipSample, scheduleSession, signInPanelUsers, SIGNED } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { itOnPostgres, raceUpToAudit } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';

const FORM = EXAMPLE_REVIEW_FORM;
const FINDING = { ...EXAMPLE_REVIEW_FORM, outcome: 'feedback_to_officer' };

describe('panels: review fixes (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['psd', 'professional_standards'],
      ['supervisor', 'supervisor'],
    ] as const)
      token[who] = await tokenFor(t, role);
    await signInPanelUsers(
      t,
      token.admin,
      'internal_panel',
      ['fx-chair', 'fx-member', 'fx-lapsed', 'fx-unvetted', 'fx-outsider'],
      { user, token },
    );
  });
  afterAll(() => t.close());

  /** An internal panel (quorum 1) with fx-chair as chair, fx-member, and a lapsed and an unvetted member; a session with `cases` new cases. */
  async function session(
    cases = 1,
    status: 'planned' | 'open' | 'closed' = 'open',
  ): Promise<{ panelId: string; id: string; items: string[] }> {
    const panelId = await createPanelWithMembers(
      t,
      token.psd,
      {
        name: `Review fixes ${Math.random().toString(36).slice(2, 7)}`,
        kind: 'internal',
        remit: ['stop_search'],
        quorum: 1,
      },
      [
        [user['fx-chair'], { role: 'chair', ...SIGNED }],
        [user['fx-member'], { role: 'member', ...SIGNED }],
        [user['fx-lapsed'], { role: 'member', ...SIGNED, termEnd: '2024-06-30' }],
        [user['fx-unvetted'], { role: 'member', termStart: '2024-01-01', confidentialitySignedOn: '2024-01-03' }],
      ],
    );
    const id = await scheduleSession(t, token['fx-chair'], panelId);
    const caseIds = [];
    for (let i = 0; i < cases; i++) caseIds.push(await insertStopSearch(t.dataSource));
    const planned = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${id}/agenda`)
        .set(as('psd'))
        .send({ cases: caseIds.map((c) => ({ kind: 'stop_search', id: c })) })
        .expect(200)
    ).body;
    if (status !== 'planned') await transition(id, 'open');
    if (status === 'closed') await close(id);
    return { panelId, id, items: planned.agenda.map((a: { id: string }) => a.id) };
  }

  async function transition(id: string, status: string) {
    const { version } = (await t.http().get(`/api/v1/panel-sessions/${id}`).set(as('psd')).expect(200)).body;
    return t.http().post(`/api/v1/panel-sessions/${id}/transitions`).set(as('fx-chair')).send({ status, version });
  }

  async function close(id: string) {
    await t
      .http()
      .put(`/api/v1/panel-sessions/${id}/attendance`)
      .set(as('fx-chair'))
      .send({ entries: [{ userId: user['fx-chair'], present: true }] })
      .expect(200);
    await transition(id, 'closed').then((r) => expect(r.status).toBe(200));
  }

  const finding = (s: string, item: string, body: object) =>
    t.http().put(`/api/v1/panel-sessions/${s}/agenda/${item}/finding`).set(as('fx-chair')).send(body);
  const correct = (s: string, item: string, outcome: string) =>
    t
      .http()
      .post(`/api/v1/panel-sessions/${s}/agenda/${item}/finding/corrections`)
      .set(as('fx-chair'))
      .send({ form: { ...FINDING, outcome }, reason: `Corrected to ${outcome}` });

  it('keeps an action with its case in the report after the finding that raised it is corrected', async () => {
    const s = await session(1);
    const v1 = (await finding(s.id, s.items[0], { form: FINDING }).expect(200)).body;
    await close(s.id);
    await t
      .http()
      .post(`/api/v1/findings/${v1.id}/actions`)
      .set(as('fx-chair'))
      .send({
        kind: 'feedback_to_officer',
        description: 'Debrief the officer',
        owner: 'Sgt, TEAM-A',
        dueOn: '2030-01-31',
      })
      .expect(201);
    await correct(s.id, s.items[0], 'organisational_learning').expect(201);
    for (const who of ['fx-chair', 'psd']) {
      const report = (await t.http().get(`/api/v1/panel-sessions/${s.id}/report`).set(as(who)).expect(200)).body;
      expect(report.items[0].finding).toMatchObject({ version: 2, form: { outcome: 'organisational_learning' } });
      expect(report.items[0].actions).toEqual([
        expect.objectContaining({ description: 'Debrief the officer', status: 'open' }),
      ]);
    }
  });

  it('refuses to mark an action done while clearing its response', async () => {
    const s = await session(1);
    const f = (await finding(s.id, s.items[0], { form: FINDING }).expect(200)).body;
    const action = (
      await t
        .http()
        .post(`/api/v1/findings/${f.id}/actions`)
        .set(as('fx-chair'))
        .send({ kind: 'other', description: 'Check', owner: 'Insp', dueOn: '2030-01-31' })
        .expect(201)
    ).body;
    const answered = (
      await t
        .http()
        .patch(`/api/v1/finding-actions/${action.id}`)
        .set(as('psd'))
        .send({ version: action.version, status: 'in_progress', response: 'Under way' })
        .expect(200)
    ).body;
    const refused = await t
      .http()
      .patch(`/api/v1/finding-actions/${action.id}`)
      .set(as('psd'))
      .send({ version: answered.version, status: 'done', response: null })
      .expect(400);
    expect(refused.body.errors[0].field).toBe('response');
    const kept = (
      await t
        .http()
        .patch(`/api/v1/finding-actions/${action.id}`)
        .set(as('psd'))
        .send({ version: answered.version, status: 'done' })
        .expect(200)
    ).body;
    expect(kept).toMatchObject({ status: 'done', response: 'Under way' });
  });

  it('refuses a chair who declared a conflict with a case: no finding, correction or action on it', async () => {
    const s = await session(2);
    const f = (await finding(s.id, s.items[0], { form: FINDING }).expect(200)).body;
    await t
      .http()
      .post(`/api/v1/panel-sessions/${s.id}/agenda/${s.items[0]}/conflict`)
      .set(as('fx-chair'))
      .send({ reason: 'I know the officer' })
      .expect(200);
    await finding(s.id, s.items[0], { form: FINDING, version: f.rowVersion }).expect(403);
    await finding(s.id, s.items[1], { form: FINDING }).expect(200); // the other case is theirs to record
    await close(s.id);
    await correct(s.id, s.items[0], 'no_action').expect(403);
    await t
      .http()
      .post(`/api/v1/findings/${f.id}/actions`)
      .set(as('fx-chair'))
      .send({ kind: 'other', description: 'x', owner: 'y', dueOn: '2030-01-31' })
      .expect(403);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'panel_finding.%' AND target_id = ''`,
    );
    expect(n).toBe(0);
  });

  it('answers 400, not 500, for dates that do not exist', async () => {
    const s = await session(1, 'planned');
    const bad = await t
      .http()
      .put(`/api/v1/panels/${s.panelId}/members/${user['fx-member']}`)
      .set(as('psd'))
      .send({ role: 'member', ...SIGNED, termStart: '2024-02-31' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['termStart']);
    await t
      .http()
      .put(`/api/v1/panels/${s.panelId}/members/${user['fx-member']}`)
      .set(as('psd'))
      .send({ role: 'member', ...SIGNED, vettedOn: '2023-02-29' })
      .expect(400);
    const panelId = s.panelId;
    for (const scheduledAt of ['2024-02-31T18:00:00Z', '2024-06-20T25:00:00+01:00', '2024-06-20']) {
      const res = await t.http().post(`/api/v1/panels/${panelId}/sessions`).set(as('fx-chair')).send({ scheduledAt });
      expect([scheduledAt, res.status, res.body.errors?.[0]?.field]).toEqual([scheduledAt, 400, 'scheduledAt']);
    }
    const { version } = (await t.http().get(`/api/v1/panel-sessions/${s.id}`).set(as('psd')).expect(200)).body;
    await t
      .http()
      .patch(`/api/v1/panel-sessions/${s.id}`)
      .set(as('fx-chair'))
      .send({ version, scheduledAt: '2024-04-31T18:00:00Z' })
      .expect(400);
    await transition(s.id, 'open').then((r) => expect(r.status).toBe(200));
    const f = (await finding(s.id, s.items[0], { form: FINDING }).expect(200)).body;
    const dueOn = await t
      .http()
      .post(`/api/v1/findings/${f.id}/actions`)
      .set(as('fx-chair'))
      .send({ kind: 'other', description: 'x', owner: 'y', dueOn: '2024-02-31' })
      .expect(400);
    expect(dueOn.body.errors[0].field).toBe('dueOn');
    const action = (
      await t
        .http()
        .post(`/api/v1/findings/${f.id}/actions`)
        .set(as('fx-chair'))
        .send({ kind: 'other', description: 'x', owner: 'y', dueOn: '2024-02-29' })
        .expect(201)
    ).body;
    await t
      .http()
      .patch(`/api/v1/finding-actions/${action.id}`)
      .set(as('psd'))
      .send({ version: action.version, dueOn: '2025-02-29' })
      .expect(400);
  });

  it('lets only current members open a session, its report or its list: not once their term ended, nor unvetted', async () => {
    const s = await session(1, 'closed');
    for (const who of ['fx-lapsed', 'fx-unvetted']) {
      const refused = await t.http().get(`/api/v1/panel-sessions/${s.id}`).set(as(who)).expect(403);
      expect(refused.body.detail).toMatch(/not current/);
      await t.http().get(`/api/v1/panel-sessions/${s.id}/report`).set(as(who)).expect(403);
      await t.http().get(`/api/v1/panel-sessions/${s.id}/report.csv`).set(as(who)).expect(403);
      await t.http().get(`/api/v1/panel-sessions/${s.id}/agenda/${s.items[0]}/findings`).set(as(who)).expect(403);
      const listed = (await t.http().get('/api/v1/panel-sessions').set(as(who)).expect(200)).body.items;
      expect(listed.map((x: { id: string }) => x.id)).not.toContain(s.id);
    }
    await t.http().get(`/api/v1/panel-sessions/${s.id}`).set(as('fx-outsider')).expect(404);
    expect((await t.http().get(`/api/v1/panel-sessions/${s.id}`).set(as('fx-member')).expect(200)).body.yourRole).toBe(
      'member',
    );
    await t.http().get(`/api/v1/panel-sessions/${s.id}/report`).set(as('fx-member')).expect(200);
  });

  it('lists sessions with their summary fields and the caller’s part in each, in one query', async () => {
    const s = await session(1, 'planned');
    const mine = (
      await t.http().get('/api/v1/panel-sessions?status=planned').set(as('fx-chair')).expect(200)
    ).body.items.find((x: { id: string }) => x.id === s.id);
    expect(mine).toMatchObject({
      id: s.id,
      panel: { id: s.panelId, kind: 'internal', quorum: 1 },
      status: 'planned',
      scheduledAt: '2024-06-20T17:30:00.000Z',
      yourRole: 'chair',
      version: 1,
    });
    expect(mine).not.toHaveProperty('agenda');
    const managed = (await t.http().get('/api/v1/panel-sessions').set(as('psd')).expect(200)).body.items.find(
      (x: { id: string }) => x.id === s.id,
    );
    expect(managed.yourRole).toBe('manager');
    const panels = (await t.http().get('/api/v1/panels').set(as('fx-chair')).expect(200)).body.items;
    expect(
      panels
        .find((p: { id: string }) => p.id === s.panelId)
        .members.map((m: { active: boolean }) => m.active)
        .sort(),
    ).toEqual([false, false, true, true]);
  });

  it('names the panel’s remit when none of a dip sample’s items is within it', async () => {
    for (let i = 0; i < 3; i++) await insertStopSearch(t.dataSource, { occurredAt: `2024-05-0${i + 1}T21:47:00Z` });
    const drawn = await issueDipSample(
      t,
      { psd: token.psd, supervisor: token.supervisor },
      {
        name: 'fixes',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 3, strata: [] },
        seed: 'fixes',
      },
    );
    const panelId = await createPanelWithMembers(
      t,
      token.psd,
      { name: 'Use of force only', kind: 'internal', remit: ['use_of_force'], quorum: 1 },
      [],
    );
    const id = await scheduleSession(t, token.psd, panelId);
    const refused = await t
      .http()
      .post(`/api/v1/panel-sessions/${id}/agenda`)
      .set(as('psd'))
      .send({ dipSampleId: drawn.id })
      .expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'dipSampleId', message: "none of the sample's 3 item(s) is within the panel's remit (use_of_force)" },
    ]);
  });

  describe('concurrent writes', () => {
    itOnPostgres(
      'saves a double-submitted first rating once; the other submit is told to reload (409, not 500)',
      async () => {
        const s = await session(1);
        const send = () =>
          t
            .http()
            .put(`/api/v1/panel-sessions/${s.id}/agenda/${s.items[0]}/rating`)
            .set(as('fx-member'))
            .send({ form: FORM });
        const results = await raceUpToAudit(t.dataSource, 2, () => Promise.all([send(), send()]));
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        expect(results.find((r) => r.status === 409)!.body.code).toBe('VERSION_CONFLICT');
      },
    );

    itOnPostgres('records a first finding once when it is sent twice at the same time (409, not 500)', async () => {
      const s = await session(1);
      const results = await raceUpToAudit(t.dataSource, 2, () =>
        Promise.all([finding(s.id, s.items[0], { form: FINDING }), finding(s.id, s.items[0], { form: FINDING })]),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('VERSION_CONFLICT');
    });

    itOnPostgres('keeps one of two simultaneous corrections; the other is told to reload (409, not 500)', async () => {
      const s = await session(1);
      await finding(s.id, s.items[0], { form: FINDING }).expect(200);
      await close(s.id);
      const results = await raceUpToAudit(t.dataSource, 2, () =>
        Promise.all([correct(s.id, s.items[0], 'no_action'), correct(s.id, s.items[0], 'organisational_learning')]),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('VERSION_CONFLICT');
      const versions = (
        await t.http().get(`/api/v1/panel-sessions/${s.id}/agenda/${s.items[0]}/findings`).set(as('psd')).expect(200)
      ).body;
      expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    });

    itOnPostgres(
      'refuses a finding edit checked before a close that committed in between: the frozen finding stays as it was',
      async () => {
        const s = await session(1);
        const draft = (await finding(s.id, s.items[0], { form: FINDING }).expect(200)).body;
        // Hold the edit after its checks (it stops reading the theme vocabulary) while the chair closes the session.
        const hold = t.dataSource.createQueryRunner();
        await hold.connect();
        let edit: Promise<{ status: number; body: { detail?: string } }>;
        try {
          await hold.startTransaction();
          await hold.query('LOCK TABLE themes IN ACCESS EXCLUSIVE MODE');
          edit = finding(s.id, s.items[0], {
            form: { ...FINDING, outcome: 'no_action' },
            version: draft.rowVersion,
          }).then((r) => r);
          for (let i = 0; i < 200; i++) {
            const [{ n }] = await t.dataSource.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            if (n >= 1) break;
            await new Promise((r) => setTimeout(r, 25));
          }
          await close(s.id);
          await hold.commitTransaction();
        } finally {
          if (hold.isTransactionActive) await hold.rollbackTransaction();
          await hold.release();
        }
        const res = await edit!;
        expect(res.status).toBe(409);
        expect(res.body.detail).toMatch(/it is closed/);
        const [latest] = (
          await t.http().get(`/api/v1/panel-sessions/${s.id}/agenda/${s.items[0]}/findings`).set(as('psd')).expect(200)
        ).body;
        expect(latest).toMatchObject({ version: 1, status: 'final', form: { outcome: 'feedback_to_officer' } });
      },
    );
  });
});
