import { addToAgenda, createPanel, createSession, issueDipSample } from '../factories/panels';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

type Event = { kind: string; id: string; at: string; record: { kind: string; id: string }; rag: string | null };

/**
 * An officer's timeline (GET /api/v1/officers/:id/timeline): every record of theirs, the reviews, ratings, findings
 * and actions about those records, newest first and paged; nothing of another officer's; professional standards only.
 */
describe('officer timeline (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'psd' | 'supervisor' | 'analyst' | 'internal_panel' | 'external_panel', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const officer = {} as Record<'a' | 'b', string>;
  const records = {} as Record<'a' | 'b', string[]>;

  /** The officer's events counted by plain SQL, branch by branch, independently of the service's query. */
  async function countedBySql(officerId: string): Promise<Record<string, number>> {
    const [row] = await t.dataSource.query(
      `WITH c AS (SELECT 'stop_search' AS k, id FROM stop_searches WHERE officer_id = $1
                  UNION ALL SELECT 'vehicle_stop', id FROM vehicle_stops WHERE officer_id = $1
                  UNION ALL SELECT 'use_of_force', id FROM use_of_force_reports WHERE officer_id = $1)
       SELECT (SELECT count(*) FROM c)::int AS record,
         (SELECT count(*) FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN c ON c.k = i.case_kind AND c.id = i.case_id)::int AS review,
         (SELECT count(*) FROM panel_ratings p JOIN session_agenda_items a ON a.id = p.agenda_item_id JOIN c ON c.k = a.case_kind AND c.id = a.case_id WHERE p.status = 'submitted')::int AS rating,
         (SELECT count(*) FROM panel_findings f JOIN session_agenda_items a ON a.id = f.agenda_item_id JOIN c ON c.k = a.case_kind AND c.id = a.case_id WHERE f.status = 'final')::int AS finding,
         (SELECT count(*) FROM finding_actions x JOIN panel_findings f ON f.id = x.finding_id JOIN session_agenda_items a ON a.id = f.agenda_item_id JOIN c ON c.k = a.case_kind AND c.id = a.case_id WHERE f.status = 'final')::int AS action`,
      [officerId],
    );
    return row;
  }

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    for (const role of Object.keys({ psd: 0, supervisor: 0, analyst: 0, internal_panel: 0, external_panel: 0 }))
      token[role as keyof typeof token] = await tokenFor(
        t,
        role === 'psd' ? 'professional_standards' : (role as never),
      );
    const ds = t.dataSource;
    records.a = [];
    records.b = [];
    for (let i = 0; i < 3; i++)
      records.a.push(
        await insertStopSearch(ds, {
          occurredAt: `2024-03-0${i + 1}T21:00:00Z`,
          officerReference: 'PC-TL-A',
          teamCode: 'TEAM-A',
        }),
      );
    records.b.push(await insertStopSearch(ds, { occurredAt: '2024-03-05T21:00:00Z', officerReference: 'PC-TL-B' }));
    for (const [key, reference] of [
      ['a', 'PC-TL-A'],
      ['b', 'PC-TL-B'],
    ] as const)
      officer[key] = (await ds.query(`SELECT id FROM officers WHERE reference = $1`, [reference]))[0].id;

    // Every record of the month sampled and issued: each has a review, assigned; one of each officer's completed.
    await issueDipSample(
      t,
      { psd: token.psd, supervisor: token.supervisor },
      {
        name: 'timeline',
        spec: { kinds: ['stop_search'], teams: ['TEAM-A'], sampleSize: 10, strata: [] },
        seed: 'timeline',
        period: '2024-03',
      },
    );
    for (const id of [records.a[0], records.b[0]])
      await ds.query(
        `UPDATE sample_reviews r SET status = 'completed', completed_at = now(), form = '{"assessment":{"rag":"amber"},"outcome":"supervisor_debrief"}'
         FROM dip_sample_items i WHERE i.id = r.item_id AND i.case_id = $1`,
        [id],
      );

    // A closed panel session with one record of each officer: two submitted ratings and a draft, a final finding, an action.
    const session = await createSession(ds, await createPanel(ds, 'internal'), 'closed', 1);
    const users = (await ds.query(`SELECT id FROM users ORDER BY username LIMIT 3`)) as { id: string }[];
    for (const id of [records.a[1], records.b[0]]) {
      await addToAgenda(ds, session, id);
      const [item] = await ds.query(`SELECT id FROM session_agenda_items WHERE session_id = $1 AND case_id = $2`, [
        session,
        id,
      ]);
      for (const [n, user] of users.entries())
        await ds.query(
          `INSERT INTO panel_ratings (agenda_item_id, user_id, form, status, submitted_at, version) VALUES ($1, $2, $3, $4, $5, 1)`,
          [
            item.id,
            user.id,
            { assessment: { rag: 'green' }, outcome: 'no_action' },
            n < 2 ? 'submitted' : 'draft',
            n < 2 ? new Date() : null,
          ],
        );
      const [finding] = await ds.query(
        `INSERT INTO panel_findings (agenda_item_id, finding_version, form, status, version) VALUES ($1, 1, $2, 'final', 1) RETURNING id`,
        [item.id, { assessment: { rag: 'red' }, outcome: 'feedback_to_officer' }],
      );
      await ds.query(
        `INSERT INTO finding_actions (finding_id, kind, description, owner, due_on, status, version)
         VALUES ($1, 'feedback_to_officer', 'Feedback on the grounds', 'Insp, Burnley', '2024-07-01', 'open', 1)`,
        [finding.id],
      );
    }
  }, 60_000);
  afterAll(() => t.close());

  const timeline = (id: string, query = '') =>
    t.http().get(`/api/v1/officers/${id}/timeline${query}`).set(as('psd')).expect(200);

  it('lists every event about the officer’s records, newest first, as many of each kind as plain SQL counts', async () => {
    const body = (await timeline(officer.a, '?limit=200')).body;
    const counted = await countedBySql(officer.a);
    expect(counted).toEqual({ record: 3, review: 3, rating: 2, finding: 1, action: 1 });
    const byKind: Record<string, number> = { record: 0, review: 0, rating: 0, finding: 0, action: 0 };
    for (const e of body.items as Event[]) byKind[e.kind]++;
    expect(byKind).toEqual(counted);
    expect(body.total).toBe(10);
    expect(body.nextCursor).toBeNull();
    expect(body.officer).toMatchObject({ id: officer.a, reference: 'PC-TL-A', teamCode: 'TEAM-A', flag: null });
    const times = (body.items as Event[]).map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // Nothing about another officer's records.
    expect((body.items as Event[]).every((e) => records.a.includes(e.record.id))).toBe(true);
    expect(body.items).toContainEqual(
      expect.objectContaining({ kind: 'review', status: 'completed', rag: 'amber', outcomes: ['supervisor_debrief'] }),
    );
    expect(body.items).toContainEqual(
      expect.objectContaining({
        kind: 'action',
        status: 'open',
        action: { kind: 'feedback_to_officer', dueOn: '2024-07-01', owner: 'Insp, Burnley' },
      }),
    );

    const other = (await timeline(officer.b)).body;
    expect(other.total).toBe(Object.values(await countedBySql(officer.b)).reduce((a, b) => a + b, 0));
    expect((other.items as Event[]).every((e) => e.record.id === records.b[0])).toBe(true);
  });

  it('pages by cursor without losing or repeating an event, even among ratings at the same moment', async () => {
    const all = ((await timeline(officer.a, '?limit=200')).body.items as Event[]).map(
      (e) => `${e.kind}:${e.id}:${e.at}`,
    );
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: Event[]; nextCursor: string | null } = (
        await timeline(officer.a, `?limit=3${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`)
      ).body;
      expect(body.items.length).toBeLessThanOrEqual(3);
      paged.push(...body.items.map((e) => `${e.kind}:${e.id}:${e.at}`));
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    await t.http().get(`/api/v1/officers/${officer.a}/timeline?before=nonsense`).set(as('psd')).expect(400);
    await t.http().get(`/api/v1/officers/${officer.a}/timeline?limit=201`).set(as('psd')).expect(400);
  });

  it('is for professional standards only, and every read is audited naming the officer', async () => {
    for (const who of ['supervisor', 'analyst', 'internal_panel', 'external_panel'] as const)
      await t.http().get(`/api/v1/officers/${officer.a}/timeline`).set(as(who)).expect(403);
    await t.http().get('/api/v1/officers/00000000-0000-4000-8000-000000000000/timeline').set(as('psd')).expect(404);

    const [{ n: before }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'officer.timeline.read' AND target_id = $1`,
      [officer.b],
    );
    const body = (await timeline(officer.b)).body;
    const events = await t.dataSource.query(
      `SELECT actor_username, target_type, details FROM audit_events WHERE action = 'officer.timeline.read' AND target_id = $1 ORDER BY seq`,
      [officer.b],
    );
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ actor_username: 'psd', target_type: 'officer' });
    expect(events.at(-1).details.events).toHaveLength(body.items.length);
  });
});
