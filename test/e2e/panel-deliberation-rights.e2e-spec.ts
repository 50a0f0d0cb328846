import { addMember, addToAgenda, createPanel, createSession, FINDING, signInPanelUsers } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/**
 * A panel's deliberation is its members': only its chair, a current member, opens and closes a session, records
 * attendance, reveals ratings, records and corrects findings and raises their actions. Professional standards and
 * admins set panels up, schedule sessions and build agendas, and professional standards answer actions (README,
 * access control and panels). And a member who declared a conflict with a case sees none of its actions.
 */
describe('who runs a panel session, and conflicts hide actions (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  let panel: string;
  let session: string;
  const items: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.psd = await tokenFor(t, 'professional_standards');
    await signInPanelUsers(t, token.admin, 'external_panel', ['dr-chair', 'dr-a', 'dr-b'], { user, token });
    panel = await createPanel(t.dataSource, 'external');
    for (const name of ['dr-chair', 'dr-a', 'dr-b']) await addMember(t.dataSource, panel, user[name]);
    await t.dataSource.query(`UPDATE panel_members SET role = 'chair' WHERE panel_id = $1 AND user_id = $2`, [
      panel,
      user['dr-chair'],
    ]);
    await t.dataSource.query(`UPDATE panels SET quorum = 2 WHERE id = $1`, [panel]);
    session = await createSession(t.dataSource, panel, 'open');
    for (let i = 0; i < 2; i++) {
      await addToAgenda(
        t.dataSource,
        session,
        await insertStopSearch(t.dataSource, { officerReference: `PC-DR-${i}` }),
        i + 1,
      );
    }
    const rows = await t.dataSource.query(
      `SELECT id FROM session_agenda_items WHERE session_id = $1 ORDER BY position`,
      [session],
    );
    items.push(...rows.map((r: { id: string }) => r.id));
  });
  afterAll(() => t.close());

  const url = (path = '') => `/api/v1/panel-sessions/${session}${path}`;
  const version = async () => (await t.http().get(url()).set(as('psd')).expect(200)).body.version;

  it('refuses professional standards and admins the chair’s part: findings, revealing, attendance, opening and closing', async () => {
    for (const who of ['psd', 'admin']) {
      const finding = await t
        .http()
        .put(url(`/agenda/${items[0]}/finding`))
        .set(as(who))
        .send({ form: FINDING });
      expect([who, finding.status, finding.body.code]).toEqual([who, 403, 'FORBIDDEN']);
      expect(finding.body.detail).toMatch(/Only the panel's chair, a current member/);
      expect([
        who,
        (
          await t
            .http()
            .post(url(`/agenda/${items[0]}/reveal`))
            .set(as(who))
        ).status,
      ]).toEqual([who, 403]);
      const attendance = await t
        .http()
        .put(url('/attendance'))
        .set(as(who))
        .send({ entries: [{ userId: user['dr-a'], present: true }] });
      expect([who, attendance.status]).toEqual([who, 403]);
      const close = await t
        .http()
        .post(url('/transitions'))
        .set(as(who))
        .send({ status: 'closed', version: await version() });
      expect([who, close.status]).toEqual([who, 403]);
      const minutes = await t
        .http()
        .patch(url())
        .set(as(who))
        .send({ version: await version(), minutes: 'Ours' });
      expect([who, minutes.status]).toEqual([who, 403]);
    }
    // What they keep: scheduling and the agenda.
    await t
      .http()
      .patch(url())
      .set(as('psd'))
      .send({ version: await version(), venue: 'Room 2' })
      .expect(200);
    await t.http().get(url('/agenda/candidates')).set(as('admin')).expect(200);
    // A member who is not the chair has no part in it either.
    await t
      .http()
      .post(url(`/agenda/${items[0]}/reveal`))
      .set(as('dr-a'))
      .expect(403);
  });

  it('lets the chair run it: findings, revealing, attendance, closing; then refuses others the correction and the action', async () => {
    await t
      .http()
      .post(url(`/agenda/${items[0]}/reveal`))
      .set(as('dr-chair'))
      .expect(200);
    for (const item of items)
      await t
        .http()
        .put(url(`/agenda/${item}/finding`))
        .set(as('dr-chair'))
        .send({ form: FINDING })
        .expect(200);
    await t
      .http()
      .put(url('/attendance'))
      .set(as('dr-chair'))
      .send({ entries: ['dr-chair', 'dr-a', 'dr-b'].map((n) => ({ userId: user[n], present: true })) })
      .expect(200);
    await t
      .http()
      .post(url('/transitions'))
      .set(as('dr-chair'))
      .send({ status: 'closed', version: await version() })
      .expect(200);
    const correction = { form: { ...FINDING, outcome: 'no_action' }, reason: 'Wrong outcome' };
    for (const who of ['psd', 'admin']) {
      const res = await t
        .http()
        .post(url(`/agenda/${items[0]}/finding/corrections`))
        .set(as(who))
        .send(correction);
      expect([who, res.status]).toEqual([who, 403]);
    }
    await t
      .http()
      .post(url(`/agenda/${items[0]}/finding/corrections`))
      .set(as('dr-chair'))
      .send(correction)
      .expect(201);
    const [finding] = (
      await t
        .http()
        .get(url(`/agenda/${items[0]}/findings`))
        .set(as('psd'))
        .expect(200)
    ).body;
    const action = { kind: 'other', description: 'Review the briefing', owner: 'Insp, Burnley', dueOn: '2030-01-01' };
    await t.http().post(`/api/v1/findings/${finding.id}/actions`).set(as('psd')).send(action).expect(403);
    const raised = (
      await t.http().post(`/api/v1/findings/${finding.id}/actions`).set(as('dr-chair')).send(action).expect(201)
    ).body;
    // Professional standards answer it.
    await t
      .http()
      .patch(`/api/v1/finding-actions/${raised.id}`)
      .set(as('psd'))
      .send({ version: 1, status: 'in_progress' })
      .expect(200);
    const [second] = (
      await t
        .http()
        .get(url(`/agenda/${items[1]}/findings`))
        .set(as('dr-chair'))
        .expect(200)
    ).body;
    await t
      .http()
      .post(`/api/v1/findings/${second.id}/actions`)
      .set(as('dr-chair'))
      .send({ ...action, description: 'Second case' })
      .expect(201);
  });

  it('hides a case’s actions from a member who declared a conflict with it: the tracker and the session report', async () => {
    // Declared while the session was open (rows, as the route refuses a closed session).
    const [item] = await t.dataSource.query(`SELECT case_kind, case_id FROM session_agenda_items WHERE id = $1`, [
      items[0],
    ]);
    await t.dataSource.query(
      `INSERT INTO conflict_declarations (session_id, case_kind, case_id, user_id, reason) VALUES ($1, $2, $3, $4, 'I know them')`,
      [session, item.case_kind, item.case_id, user['dr-a']],
    );
    const tracker = async (who: string, query = '') =>
      (await t.http().get(`/api/v1/finding-actions${query}`).set(as(who)).expect(200)).body.items.map(
        (a: { description: string }) => a.description,
      );
    expect((await tracker('dr-b')).sort()).toEqual(['Review the briefing', 'Second case']);
    expect(await tracker('dr-a')).toEqual(['Second case']);
    expect(await tracker('dr-a', `?sessionId=${session}`)).toEqual(['Second case']);
    expect(await tracker('dr-a', '?overdue=false')).toEqual(['Second case']);
    const report = (await t.http().get(url('/report')).set(as('dr-a')).expect(200)).body;
    expect(
      report.items.flatMap((i: { actions: { description: string }[] }) => i.actions.map((a) => a.description)),
    ).toEqual(['Second case']);
    const csv = (await t.http().get(url('/report.csv')).set(as('dr-a')).expect(200)).text;
    expect(csv).not.toContain('Review the briefing');
  });
});
