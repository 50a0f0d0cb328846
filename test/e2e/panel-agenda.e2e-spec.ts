import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { createPanelWithMembers, issueDipSample, scheduleSession, signInPanelUsers, SIGNED } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const rated = (rag: 'green' | 'amber' | 'red') => ({
  ...EXAMPLE_REVIEW_FORM,
  assessment: { ...EXAMPLE_REVIEW_FORM.assessment, rag, learningPoints: rag === 'red' ? 'Explain the grounds' : null },
});

describe('a chair builds their session’s agenda; conflicts shown to the chair, hidden from the member; agreement; actions dated (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  const sampled: string[] = [];
  let outside: string;
  let sessionId: string;
  let items: { id: string; caseId: string }[];
  const url = (path = '') => `/api/v1/panel-sessions/${sessionId}${path}`;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['psd', 'professional_standards'],
      ['supervisor', 'supervisor'],
    ] as const)
      token[who] = await tokenFor(t, role);
    await signInPanelUsers(t, token.admin, 'internal_panel', ['ag-chair', 'ag-a', 'ag-b', 'ag-other-chair'], {
      user,
      token,
    });
    for (let i = 0; i < 4; i++)
      sampled.push(await insertStopSearch(t.dataSource, { occurredAt: `2024-05-1${i}T20:00:00Z` }));
    await issueDipSample(
      t,
      { psd: token.psd, supervisor: token.supervisor },
      {
        name: 'agenda',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 4, strata: [] },
        seed: 'agenda',
      },
    );
    // A record of the same month in no sample: a chair cannot bring it before the panel.
    outside = await insertStopSearch(t.dataSource, { occurredAt: '2024-05-20T20:00:00Z' });
    const panel = (name: string, chair: string, members: string[]) =>
      createPanelWithMembers(t, token.psd, { name, kind: 'internal', remit: ['stop_search'], quorum: 1 }, [
        [user[chair], { role: 'chair', ...SIGNED }],
        ...members.map((m) => [user[m], { role: 'member', ...SIGNED }] as const),
      ]);
    const panelId = await panel('Agenda panel', 'ag-chair', ['ag-a', 'ag-b']);
    await panel('Another panel', 'ag-other-chair', []);
    sessionId = await scheduleSession(t, token['ag-chair'], panelId);
  });
  afterAll(() => t.close());

  it('lists the chair’s candidates: issued dip samples’ items within the remit, with their review, no case details', async () => {
    const candidates = (await t.http().get(url('/agenda/candidates')).set(as('ag-chair')).expect(200)).body;
    expect(candidates.map((c: { caseId: string }) => c.caseId).sort()).toEqual([...sampled].sort());
    expect(candidates[0]).toEqual({
      caseKind: 'stop_search',
      caseId: expect.any(String),
      dipSampleId: expect.any(String),
      dipSampleItemId: expect.any(String),
      period: '2024-05',
      reason: expect.any(String),
      matchedRules: expect.any(Array),
      review: expect.objectContaining({ status: expect.any(String) }),
      onAgenda: false,
      earlierSessions: 0,
    });
    expect((await t.http().get(url('/agenda/candidates?reviewed=true')).set(as('ag-chair')).expect(200)).body).toEqual(
      [],
    );
    const bad = await t.http().get(url('/agenda/candidates?period=May')).set(as('ag-chair')).expect(400);
    expect(bad.body.errors[0].field).toBe('period');
    await t.http().get(url('/agenda/candidates')).set(as('ag-a')).expect(403);
    await t.http().get(url('/agenda/candidates')).set(as('ag-other-chair')).expect(404);
    await t.http().get(url('/agenda/candidates')).set(as('psd')).expect(200);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'panel_session.candidates_listed' AND target_id = $1`,
      [sessionId],
    );
    expect(n).toBe(3);
  });

  it('lets the chair add cases from the candidates (not any record) and take one off; members cannot', async () => {
    const session = (
      await t
        .http()
        .post(url('/agenda'))
        .set(as('ag-chair'))
        .send({ cases: sampled.slice(0, 3).map((id) => ({ kind: 'stop_search', id })) })
        .expect(200)
    ).body;
    expect(session.agenda).toHaveLength(3);
    expect(session.agenda.every((a: { dipSampleItemId: string | null }) => a.dipSampleItemId)).toBe(true);
    items = session.agenda.map((a: { id: string; caseId: string }) => ({ id: a.id, caseId: a.caseId }));
    const refused = await t
      .http()
      .post(url('/agenda'))
      .set(as('ag-chair'))
      .send({ cases: [{ kind: 'stop_search', id: outside }] })
      .expect(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'cases.0.id' });
    await t
      .http()
      .post(url('/agenda'))
      .set(as('ag-a'))
      .send({ cases: [{ kind: 'stop_search', id: sampled[3] }] })
      .expect(403);
    await t
      .http()
      .post(url('/agenda'))
      .set(as('ag-other-chair'))
      .send({ cases: [{ kind: 'stop_search', id: sampled[3] }] })
      .expect(404);
    const onAgenda = (await t.http().get(url('/agenda/candidates')).set(as('ag-chair')).expect(200)).body.filter(
      (c: { onAgenda: boolean }) => c.onAgenda,
    );
    expect(onAgenda).toHaveLength(3);

    await t
      .http()
      .delete(url(`/agenda/${items[2].id}`))
      .set(as('ag-a'))
      .expect(403);
    const after = (
      await t
        .http()
        .delete(url(`/agenda/${items[2].id}`))
        .set(as('ag-chair'))
        .expect(200)
    ).body;
    expect(after.agenda.map((a: { id: string }) => a.id)).toEqual([items[0].id, items[1].id]);
    await t
      .http()
      .delete(url(`/agenda/${items[2].id}`))
      .set(as('ag-chair'))
      .expect(404);
    const actions = await t.dataSource.query(
      `SELECT action FROM audit_events WHERE target_id = $1 AND action LIKE 'panel_session.agenda_%' AND actor_id = $2 ORDER BY seq`,
      [sessionId, user['ag-chair']],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'panel_session.agenda_added',
      'panel_session.agenda_removed',
    ]);
  });

  it('shows the chair who declared a conflict with which case (not why), and leaves the case off that member’s agenda', async () => {
    await t
      .http()
      .post(url(`/agenda/${items[0].id}/conflict`))
      .set(as('ag-b'))
      .send({ reason: 'My neighbour was searched' })
      .expect(200);
    const member = (await t.http().get(url()).set(as('ag-b')).expect(200)).body;
    expect(member.agenda.map((a: { id: string }) => a.id)).toEqual([items[1].id]);
    expect(JSON.stringify(member)).not.toContain(items[0].caseId);
    expect(member.conflicts).toEqual([]);
    const other = (await t.http().get(url()).set(as('ag-a')).expect(200)).body;
    expect(other.agenda).toHaveLength(2);
    expect(other.conflicts).toEqual([]);
    for (const who of ['ag-chair', 'psd']) {
      const view = (await t.http().get(url()).set(as(who)).expect(200)).body;
      expect(view.agenda).toHaveLength(2);
      expect(view.conflicts).toEqual([{ agendaItemId: items[0].id, userId: user['ag-b'], username: 'ag-b' }]);
      expect(JSON.stringify(view)).not.toMatch(/neighbour/);
    }
    // Declaring it again changes nothing, and the member still cannot rate it.
    await t
      .http()
      .post(url(`/agenda/${items[0].id}/conflict`))
      .set(as('ag-b'))
      .send({ reason: 'Again' })
      .expect(200);
    const { version } = (await t.http().get(url()).set(as('ag-chair')).expect(200)).body;
    await t.http().post(url('/transitions')).set(as('ag-chair')).send({ status: 'open', version }).expect(200);
    await t
      .http()
      .put(url(`/agenda/${items[0].id}/rating`))
      .set(as('ag-b'))
      .send({ form: rated('green') })
      .expect(403);
  });

  it('measures agreement with each criterion’s metric: 1 where all agree, an interval, and a reason where nothing pairs', async () => {
    const rate = (who: string, item: number, rag: 'green' | 'amber' | 'red') =>
      t
        .http()
        .put(url(`/agenda/${items[item].id}/rating`))
        .set(as(who))
        .send({ form: rated(rag), submit: true })
        .expect(200);
    await rate('ag-chair', 0, 'amber');
    await rate('ag-a', 0, 'red');
    await rate('ag-chair', 1, 'green');
    await rate('ag-a', 1, 'green');
    await rate('ag-b', 1, 'amber');
    const agreement = (await t.http().get(url('/agreement')).set(as('ag-chair')).expect(200)).body;
    expect(agreement.ratings).toBe(5);
    const criterion = (name: string) => agreement.criteria.find((c: { criterion: string }) => c.criterion === name);
    expect(criterion('assessment.rag')).toMatchObject({
      level: 'ordinal',
      scale: ['green', 'amber', 'red'],
      pairableCases: 2,
      pairableValues: 5,
      alpha: expect.any(Number),
      ci95: { lower: expect.any(Number), upper: expect.any(Number) },
      reason: null,
    });
    // Every member answered "full": perfect agreement, not "nothing to measure".
    expect(criterion('bwv.availability')).toMatchObject({ level: 'ordinal', alpha: 1, ci95: { lower: 1, upper: 1 } });
    // "Not applicable" everywhere (no warrant card in uniform) is no rating at all.
    expect(criterion('gowisely.warrantCard')).toMatchObject({
      alpha: null,
      ci95: null,
      pairableCases: 0,
      reason: expect.stringMatching(/too few ratings/),
    });
    expect(criterion('recordQuality.receiptOffered').level).toBe('nominal');
    // The agreement is the same each time it is asked for (the bootstrap is seeded).
    expect((await t.http().get(url('/agreement')).set(as('ag-chair')).expect(200)).body).toEqual(agreement);
  });

  it('keeps a case with submitted ratings on the agenda', async () => {
    const refused = await t
      .http()
      .delete(url(`/agenda/${items[1].id}`))
      .set(as('ag-chair'))
      .expect(409);
    expect(refused.body.detail).toMatch(/3 submitted rating/);
  });

  it('dates an action by the day it was raised, not the day of its session', async () => {
    const finding = (
      await t
        .http()
        .put(url(`/agenda/${items[1].id}/finding`))
        .set(as('ag-chair'))
        .send({ form: { ...rated('amber'), outcome: 'feedback_to_officer' } })
        .expect(200)
    ).body;
    const action = (
      await t
        .http()
        .post(`/api/v1/findings/${finding.id}/actions`)
        .set(as('ag-chair'))
        .send({ kind: 'feedback_to_officer', description: 'Debrief', owner: 'Sgt, TEAM-A', dueOn: '2030-01-31' })
        .expect(201)
    ).body;
    const [{ today }] = await t.dataSource.query(
      `SELECT to_char((now() AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS today`,
    );
    expect(action.raisedOn).toBe(today);
    expect(action.raisedOn).not.toBe('2024-06-20');
  });
});
