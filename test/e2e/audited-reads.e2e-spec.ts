import type { Role } from '@scrutiny/auth';
import { addMember, addToAgenda, createPanel, createSession } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/** Issue 15 point 8: reads the probe found unaudited each leave an event naming who read what. */
describe('audited reads', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  async function readAudited(
    role: Role,
    path: string,
    action: string,
  ): Promise<{ actor_username: string; target_id: string | null; details: Record<string, unknown> | null }> {
    const token = await tokenFor(t, role);
    const [{ last }] = await t.dataSource.query(`SELECT coalesce(max(seq), 0)::int AS last FROM audit_events`);
    await t.http().get(`/api/v1${path}`).set('authorization', `Bearer ${token}`).expect(200);
    const events = await t.dataSource.query(
      `SELECT actor_username, target_id, details FROM audit_events WHERE seq > $1 AND action = $2`,
      [last, action],
    );
    expect(events).toHaveLength(1);
    return events[0];
  }

  it.each<[Role, string, string]>([
    ['admin', '/users', 'users.listed'],
    ['admin', '/imports', 'imports.listed'],
    ['admin', '/officers', 'officers.listed'],
    ['admin', '/bwv-holds', 'bwv_holds.listed'],
    ['admin', '/sample-reviews?all=true', 'sample_reviews.listed'],
    ['admin', '/sample-reviews/unassigned', 'sample_reviews.unassigned_listed'],
    ['admin', '/audit?limit=5', 'audit.listed'],
    ['professional_standards', '/finding-actions', 'finding_actions.listed'],
    ['professional_standards', '/disproportionality/findings', 'disproportionality_findings.listed'],
  ])('%s GET %s is audited as %s, naming the ids listed', async (role, path, action) => {
    const event = await readAudited(role, path, action);
    expect(event.details).toEqual(
      expect.objectContaining(action === 'audit.listed' ? { seqs: expect.any(Array) } : { ids: expect.any(Array) }),
    );
  });

  it('a user read is audited with the user read', async () => {
    const [{ id }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'analyst'`);
    const event = await readAudited('admin', `/users/${id}`, 'user.viewed');
    expect(event).toMatchObject({ actor_username: 'admin', target_id: id });
  });

  it('reading a case’s ratings and findings in a panel session is audited with the agenda item', async () => {
    const panel = await createPanel(t.dataSource, 'internal');
    const [{ id: member }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'internal'`);
    await addMember(t.dataSource, panel, member);
    const session = await createSession(t.dataSource, panel, 'open');
    await addToAgenda(t.dataSource, session, await insertStopSearch(t.dataSource));
    const [{ id: item }] = await t.dataSource.query(`SELECT id FROM session_agenda_items WHERE session_id = $1`, [
      session,
    ]);
    const ratings = await readAudited(
      'internal_panel',
      `/panel-sessions/${session}/agenda/${item}/ratings`,
      'panel_ratings.viewed',
    );
    expect(ratings).toMatchObject({ actor_username: 'internal', target_id: item, details: { sessionId: session } });
    const findings = await readAudited(
      'internal_panel',
      `/panel-sessions/${session}/agenda/${item}/findings`,
      'panel_findings.viewed',
    );
    expect(findings).toMatchObject({ target_id: item, details: { sessionId: session, ids: [] } });
  });
});
