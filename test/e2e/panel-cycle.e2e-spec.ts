import { DeliberationService } from '@scrutiny/panels';
import { createPanelWithMembers, FINDING, FORM, issueDipSample, signInPanelUsers, SIGNED } from '../factories/panels';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('a whole panel cycle (e2e): sample → session → conflicts and blind ratings → consensus → close → action → report', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  const user: Record<string, string> = {};
  let sessionId: string;
  let items: { id: string; caseId: string }[];
  const version = async () =>
    (await t.http().get(`/api/v1/panel-sessions/${sessionId}`).set(as('psd')).expect(200)).body.version;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
      ['external', 'external_panel'],
    ] as const)
      token[who] = await tokenFor(t, role);
    await signInPanelUsers(t, token.admin, 'external_panel', ['ext-chair', 'ext-b', 'ext-c', 'ext-unsigned'], {
      user,
      token,
    });
    [{ id: user.external }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'external'`);
    for (let i = 0; i < 6; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `2024-05-0${i + 1}T21:47:00Z`,
        officerReference: `PC-77${i}`,
      });
      await insertClip(t.dataSource, id, 40, `EVD-CYCLE-${i}`);
    }
  });
  afterAll(() => t.close());

  it('1. a supervisor draws and issues the month’s sample', async () => {
    const issued = await issueDipSample(
      t,
      { psd: token.psd, supervisor: token.supervisor },
      {
        name: 'cycle',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 3, strata: [] },
        seed: 'cycle',
      },
    );
    user.sampleId = issued.id;
  });

  it('2. professional standards set up an external panel; its chair plans a session with the sample’s cases', async () => {
    const panelId = await createPanelWithMembers(
      t,
      token.psd,
      { name: 'Community panel', kind: 'external', remit: ['stop_search'], quorum: 3 },
      [
        [user['ext-chair'], { role: 'chair', ...SIGNED }],
        ...['external', 'ext-b', 'ext-c'].map((name) => [user[name], { role: 'member', ...SIGNED }] as const),
        [user['ext-unsigned'], { role: 'member', termStart: '2024-01-01', vettedOn: '2024-01-02' }],
      ],
    );
    const [sup] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
    const wrongRole = await t
      .http()
      .put(`/api/v1/panels/${panelId}/members/${sup.id}`)
      .set(as('psd'))
      .send({ role: 'member', ...SIGNED })
      .expect(400);
    expect(wrongRole.body.errors[0]).toMatchObject({
      field: 'userId',
      message: expect.stringMatching(/external_panel role/),
    });
    await t
      .http()
      .post(`/api/v1/panels/${panelId}/sessions`)
      .set(as('external'))
      .send({ scheduledAt: '2024-06-20T18:30:00+01:00' })
      .expect(403); // not the chair
    sessionId = (
      await t
        .http()
        .post(`/api/v1/panels/${panelId}/sessions`)
        .set(as('ext-chair'))
        .send({ scheduledAt: '2024-06-20T18:30:00+01:00', online: true })
        .expect(201)
    ).body.id;
    await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/agenda`)
      .set(as('external'))
      .send({ dipSampleId: user.sampleId })
      .expect(403); // a member does not set the agenda
    const session = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${sessionId}/agenda`)
        .set(as('ext-chair'))
        .send({ dipSampleId: user.sampleId })
        .expect(200)
    ).body;
    expect(session.agenda).toHaveLength(3);
    expect(session.agenda.every((a: { dipSampleItemId: string }) => a.dipSampleItemId)).toBe(true);
    items = session.agenda.map((a: { id: string; caseId: string }) => ({ id: a.id, caseId: a.caseId }));
    // Planned: members see the session but not yet its cases; outsiders see nothing.
    expect(
      (await t.http().get(`/api/v1/panel-sessions/${sessionId}`).set(as('external')).expect(200)).body.yourRole,
    ).toBe('member');
    await t.http().get(`/api/v1/stop-searches/${items[0].caseId}`).set(as('external')).expect(404);
    await t.http().get(`/api/v1/panel-sessions/${sessionId}`).set(as('supervisor')).expect(404);
  });

  it('3. the chair opens it; members see its cases pseudonymised; a member without a signed agreement sees none', async () => {
    const closeTooSoon = await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
      .set(as('ext-chair'))
      .send({ status: 'closed', version: await version() })
      .expect(409);
    expect(closeTooSoon.body.detail).toMatch(/a planned session cannot become closed/);
    await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
      .set(as('ext-chair'))
      .send({ status: 'open', version: await version() })
      .expect(200);
    const seen = (await t.http().get(`/api/v1/stop-searches/${items[0].caseId}`).set(as('external')).expect(200)).body;
    expect(seen).toMatchObject({ pseudonymised: true, grounds: null, location: null, reference: null });
    expect(seen.officer).toMatch(/^Officer /);
    await t.http().get(`/api/v1/stop-searches/${items[0].caseId}`).set(as('ext-unsigned')).expect(404);
    const refused = await t
      .http()
      .put(`/api/v1/panel-sessions/${sessionId}/agenda/${items[0].id}/rating`)
      .set(as('ext-unsigned'))
      .send({ form: FORM })
      .expect(403);
    expect(refused.body.detail).toMatch(/confidentiality agreement/);
    // The member names the case and its clip by the opaque ids they were shown.
    const [shownClip] = (
      await t.http().get(`/api/v1/stop-searches/${items[0].caseId}/bwv-clips`).set(as('external')).expect(200)
    ).body;
    expect(shownClip).toMatchObject({ pseudonymised: true, reference: null, retentionExpiresAt: null });
    const opened = (await t.http().get(`/api/v1/bwv-clips/${shownClip.id}/open`).set(as('external')).expect(200)).body;
    expect(opened).toMatchObject({
      redacted: true,
      reference: null,
      url: expect.stringMatching(/^https:\/\/evidence\.example\.invalid\/clips\/EVD-CYCLE-\d\?redacted=true$/),
    });
    const [clip] = await t.dataSource.query(`SELECT id AS clip_id FROM bwv_clips WHERE reference = $1`, [
      /EVD-CYCLE-\d/.exec(opened.url)![0],
    ]);
    expect(
      (await t.http().get(`/api/v1/bwv-clips/${clip.clip_id}/open`).set(as('psd')).expect(200)).body.redacted,
    ).toBe(false);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'bwv.opened' AND target_id = $1`,
      [clip.clip_id],
    );
    expect(n).toBe(2);
  });

  it('4. a member declares a conflict and from then on can neither see nor rate that case', async () => {
    const after = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${sessionId}/agenda/${items[0].id}/conflict`)
        .set(as('ext-b'))
        .send({ reason: 'I know the person searched' })
        .expect(200)
    ).body;
    // The case leaves their agenda altogether; the chair sees who declared the conflict, not why.
    expect(after.agenda.map((a: { id: string }) => a.id)).not.toContain(items[0].id);
    const chairView = (await t.http().get(`/api/v1/panel-sessions/${sessionId}`).set(as('ext-chair')).expect(200)).body;
    expect(chairView.conflicts).toEqual([{ agendaItemId: items[0].id, userId: user['ext-b'], username: 'ext-b' }]);
    await t.http().get(`/api/v1/stop-searches/${items[0].caseId}`).set(as('ext-b')).expect(404);
    await t
      .http()
      .put(`/api/v1/panel-sessions/${sessionId}/agenda/${items[0].id}/rating`)
      .set(as('ext-b'))
      .send({ form: FORM })
      .expect(403);
    await t.http().get(`/api/v1/stop-searches/${items[1].caseId}`).set(as('ext-b')).expect(200); // other cases stay open to them
  });

  it('5. members rate blind: others’ ratings stay hidden until you submit yours, or the chair reveals them', async () => {
    const url = (i: number) => `/api/v1/panel-sessions/${sessionId}/agenda/${items[i].id}`;
    const draft = (
      await t
        .http()
        .put(`${url(1)}/rating`)
        .set(as('external'))
        .send({ form: FORM })
        .expect(200)
    ).body;
    expect(draft).toMatchObject({ status: 'draft', version: 1, rater: 'you' });
    await t
      .http()
      .put(`${url(1)}/rating`)
      .set(as('external'))
      .send({ form: FORM })
      .expect(409); // no version after the first save
    const bad = await t
      .http()
      .put(`${url(1)}/rating`)
      .set(as('external'))
      .send({ form: { ...FORM, assessment: { ...FORM.assessment, rag: 'purple' } }, version: 1 })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('form.assessment.rag');
    await t
      .http()
      .put(`${url(1)}/rating`)
      .set(as('external'))
      .send({ form: FORM, submit: true, version: 1 })
      .expect(200);
    await t
      .http()
      .put(`${url(1)}/rating`)
      .set(as('ext-c'))
      .send({ form: { ...FORM, assessment: { ...FORM.assessment, rag: 'red' } } })
      .expect(200);
    expect(
      (
        await t
          .http()
          .get(`${url(1)}/ratings`)
          .set(as('ext-c'))
          .expect(200)
      ).body.map((r: { rater: string }) => r.rater),
    ).toEqual(['you']);
    await t
      .http()
      .put(`${url(1)}/rating`)
      .set(as('ext-c'))
      .send({ form: { ...FORM, assessment: { ...FORM.assessment, rag: 'red' } }, submit: true, version: 1 })
      .expect(200);
    const both = (
      await t
        .http()
        .get(`${url(1)}/ratings`)
        .set(as('ext-c'))
        .expect(200)
    ).body;
    expect(both.map((r: { rater: string }) => r.rater).sort()).toEqual(['Member 1', 'you']);
    expect(JSON.stringify(both)).not.toMatch(/external|ext-c/); // raters are never named to each other
    await t
      .http()
      .put(`${url(2)}/rating`)
      .set(as('ext-b'))
      .send({ form: FORM, submit: true })
      .expect(200);
    expect(
      (
        await t
          .http()
          .get(`${url(2)}/ratings`)
          .set(as('ext-c'))
          .expect(200)
      ).body,
    ).toEqual([]);
    await t
      .http()
      .post(`${url(2)}/reveal`)
      .set(as('external'))
      .expect(403);
    await t
      .http()
      .post(`${url(2)}/reveal`)
      .set(as('ext-chair'))
      .expect(200);
    expect(
      (
        await t
          .http()
          .get(`${url(2)}/ratings`)
          .set(as('ext-c'))
          .expect(200)
      ).body,
    ).toHaveLength(1);
    await t.http().get(`/api/v1/panel-sessions/${sessionId}/agreement`).set(as('external')).expect(403); // members see it after the session
    const agreement = (
      await t.http().get(`/api/v1/panel-sessions/${sessionId}/agreement`).set(as('ext-chair')).expect(200)
    ).body;
    const rag = agreement.criteria.find((c: { criterion: string }) => c.criterion === 'assessment.rag');
    // One case rated by two members says nothing about agreement beyond chance: no number, and why.
    expect(rag).toMatchObject({ level: 'ordinal', pairableCases: 1, alpha: null, ci95: null });
    expect(rag.reason).toMatch(/too few ratings to pair/);
  });

  it('6. the chair records consensus findings, with optimistic locking', async () => {
    const url = (i: number) => `/api/v1/panel-sessions/${sessionId}/agenda/${items[i].id}/finding`;
    await t.http().put(url(1)).set(as('external')).send({ form: FINDING }).expect(403);
    const first = (await t.http().put(url(1)).set(as('ext-chair')).send({ form: FINDING }).expect(200)).body;
    expect(first).toMatchObject({ version: 1, status: 'draft', rowVersion: 1 });
    await t.http().put(url(1)).set(as('ext-chair')).send({ form: FINDING }).expect(409);
    const bad = await t
      .http()
      .put(url(1))
      .set(as('ext-chair'))
      .send({ form: { ...FINDING, outcome: 'supervisor_debrief' }, version: 1 })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('form.outcome');
    await t.http().put(url(1)).set(as('ext-chair')).send({ form: FINDING, version: 1 }).expect(200);
    await t
      .http()
      .put(url(2))
      .set(as('ext-chair'))
      .send({ form: { ...FINDING, outcome: 'no_action', assessment: { ...FINDING.assessment, rag: 'green' } } })
      .expect(200);
  });

  it('7. closing is refused without quorum, then freezes the findings; a correction is a new version that keeps the old', async () => {
    const noQuorum = await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
      .set(as('ext-chair'))
      .send({ status: 'closed', version: await version() })
      .expect(409);
    expect(noQuorum.body.detail).toMatch(/no quorum: 0 member\(s\) recorded present, 3 needed/);
    await t
      .http()
      .put(`/api/v1/panel-sessions/${sessionId}/attendance`)
      .set(as('ext-chair'))
      .send({ entries: [user['ext-chair'], user.external, user['ext-c']].map((userId) => ({ userId, present: true })) })
      .expect(200);
    const closed = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
        .set(as('ext-chair'))
        .send({ status: 'closed', version: await version() })
        .expect(200)
    ).body;
    expect(closed.status).toBe('closed');
    expect(closed.agenda[1].finding).toMatchObject({ version: 1, status: 'final' });
    await t
      .http()
      .put(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/finding`)
      .set(as('ext-chair'))
      .send({ form: FINDING, version: 2 })
      .expect(409);
    await t
      .http()
      .put(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/rating`)
      .set(as('ext-c'))
      .send({ form: FORM })
      .expect(409);
    const corrected = (
      await t
        .http()
        .post(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/finding/corrections`)
        .set(as('ext-chair'))
        .send({
          form: { ...FINDING, outcome: 'organisational_learning' },
          reason: 'Outcome recorded against the wrong case',
        })
        .expect(201)
    ).body;
    expect(corrected).toMatchObject({
      version: 2,
      status: 'final',
      correctionReason: 'Outcome recorded against the wrong case',
    });
    const history = (
      await t
        .http()
        .get(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/findings`)
        .set(as('external'))
        .expect(200)
    ).body;
    expect(history.map((f: { version: number; form: { outcome: string } }) => [f.version, f.form.outcome])).toEqual([
      [2, 'organisational_learning'],
      [1, 'feedback_to_officer'],
    ]);
  });

  it('8. the finding raises an action; the force answers it ("you said, we did"); overdue actions are listed', async () => {
    const [finding] = (
      await t
        .http()
        .get(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/findings`)
        .set(as('ext-chair'))
        .expect(200)
    ).body;
    await t
      .http()
      .post(`/api/v1/findings/${finding.id}/actions`)
      .set(as('external'))
      .send({ kind: 'other', description: 'x', owner: 'y', dueOn: '2024-07-01' })
      .expect(403);
    const action = (
      await t
        .http()
        .post(`/api/v1/findings/${finding.id}/actions`)
        .set(as('ext-chair'))
        .send({
          kind: 'organisational_learning',
          description: 'Brief response officers on cannabis-smell-only grounds',
          owner: 'Ch Insp, Burnley',
          dueOn: '2024-07-31',
        })
        .expect(201)
    ).body;
    expect(action).toMatchObject({ status: 'open', overdue: true });
    expect(
      (await t.http().get('/api/v1/finding-actions?overdue=true').set(as('external')).expect(200)).body.items.map(
        (a: { id: string }) => a.id,
      ),
    ).toContain(action.id);
    expect((await t.http().get('/api/v1/finding-actions').set(as('supervisor')).expect(200)).body.items).toEqual([]);
    await t
      .http()
      .patch(`/api/v1/finding-actions/${action.id}`)
      .set(as('ext-chair'))
      .send({ version: 1, status: 'done' })
      .expect(403); // the force answers
    const noResponse = await t
      .http()
      .patch(`/api/v1/finding-actions/${action.id}`)
      .set(as('psd'))
      .send({ version: 1, status: 'done' })
      .expect(400);
    expect(noResponse.body.errors[0].field).toBe('response');
    const answered = (
      await t
        .http()
        .patch(`/api/v1/finding-actions/${action.id}`)
        .set(as('psd'))
        .send({ version: 1, status: 'done', response: 'Briefed at all four NPT parades in July' })
        .expect(200)
    ).body;
    expect(answered).toMatchObject({ status: 'done', overdue: false, respondedAt: expect.any(String) });
    await t
      .http()
      .patch(`/api/v1/finding-actions/${action.id}`)
      .set(as('psd'))
      .send({ version: 1, status: 'in_progress' })
      .expect(409);
  });

  it('8b. an overdue action emails professional standards and whoever raised it, once per action and due date', async () => {
    const [finding] = (
      await t
        .http()
        .get(`/api/v1/panel-sessions/${sessionId}/agenda/${items[1].id}/findings`)
        .set(as('ext-chair'))
        .expect(200)
    ).body;
    const action = (
      await t
        .http()
        .post(`/api/v1/findings/${finding.id}/actions`)
        .set(as('ext-chair'))
        .send({ kind: 'organisational_learning', description: 'Overdue', owner: 'Ch Insp', dueOn: '2024-08-31' })
        .expect(201)
    ).body;
    await t.dataSource.query(
      `UPDATE users SET email = username || '@example.org' WHERE id = $1 OR 'professional_standards' = ANY(roles)`,
      [user['ext-chair']],
    );
    const [{ n: expected }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE disabled_at IS NULL AND (id = $1 OR 'professional_standards' = ANY(roles))`,
      [user['ext-chair']],
    );
    const deliberation = t.app.get(DeliberationService);
    const emailed = async () =>
      (
        await t.dataSource.query(`SELECT user_id FROM email_outbox WHERE dedupe_key LIKE $1 ORDER BY user_id`, [
          `action_overdue:${action.id}:2024-08-31:%`,
        ])
      ).map((r: { user_id: string }) => r.user_id);
    expect(await deliberation.remindOverdueActions()).toBeGreaterThanOrEqual(1);
    const first = await emailed();
    expect(first).toHaveLength(expected);
    expect(first).toContain(user['ext-chair']);
    await deliberation.remindOverdueActions();
    expect(await emailed()).toEqual(first);
    // Step 9's report lists the session's actions: this one was only for the reminder.
    await t.dataSource.query(`DELETE FROM finding_actions WHERE id = $1`, [action.id]);
  });

  it('9. the session report: pseudonymised for the external panel, in full for professional standards, nothing for others', async () => {
    const external = (await t.http().get(`/api/v1/panel-sessions/${sessionId}/report`).set(as('external')).expect(200))
      .body;
    expect(external.items).toHaveLength(3);
    const second = external.items.find((i: { position: number }) => i.position === 2);
    expect(second.case).toMatchObject({ pseudonymised: true, officer: expect.stringMatching(/^Officer /) });
    expect(second.finding).toMatchObject({ version: 2, form: { outcome: 'organisational_learning' } });
    expect(second.actions).toEqual([
      expect.objectContaining({ status: 'done', response: 'Briefed at all four NPT parades in July' }),
    ]);
    expect(JSON.stringify(external)).not.toMatch(/PC-77|EVD-CYCLE/);
    const conflicted = (await t.http().get(`/api/v1/panel-sessions/${sessionId}/report`).set(as('ext-b')).expect(200))
      .body;
    expect(conflicted.items).toHaveLength(2);
    const full = (await t.http().get(`/api/v1/panel-sessions/${sessionId}/report`).set(as('psd')).expect(200)).body;
    expect(full.items.find((i: { position: number }) => i.position === 2).case.officer).toMatch(/^PC-77/);
    const csv = await t.http().get(`/api/v1/panel-sessions/${sessionId}/report.csv`).set(as('external')).expect(200);
    expect(csv.text.split('\n')[0]).toBe(
      'position,case_kind,period,area,officer,rag,themes,outcome,learning_points,questions_for_force,action,action_owner,action_due,action_status,force_response',
    );
    expect(csv.text).toContain('Briefed at all four NPT parades in July');
    expect(csv.text).not.toMatch(/PC-77/);
    await t.http().get(`/api/v1/panel-sessions/${sessionId}/report`).set(as('supervisor')).expect(404);
  });

  it('10. seven days after closing, members can no longer open the cases; the session can be published, then nothing changes', async () => {
    await t.dataSource.query(`UPDATE panel_sessions SET closed_at = now() - interval '8 days' WHERE id = $1`, [
      sessionId,
    ]);
    await t.http().get(`/api/v1/stop-searches/${items[1].caseId}`).set(as('external')).expect(404);
    await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
      .set(as('ext-chair'))
      .send({ status: 'published', version: await version() })
      .expect(200);
    const reopen = await t
      .http()
      .post(`/api/v1/panel-sessions/${sessionId}/transitions`)
      .set(as('ext-chair'))
      .send({ status: 'open', version: await version() })
      .expect(409);
    expect(reopen.body.detail).toMatch(/it is final/);
  });
});
