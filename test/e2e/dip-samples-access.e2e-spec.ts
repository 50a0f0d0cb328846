import { randomUUID } from 'node:crypto';
import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { RetentionService } from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

type Item = { id: string; reason: string; recordId: string };

describe('dip samples: who sees what, estimates over the whole sample, verification across algorithm versions (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'psd' | 'supervisor' | 'teamB' | 'evidence', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  let planId: string;
  let sgtB: string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.psd = await tokenFor(t, 'professional_standards');
    token.supervisor = await tokenFor(t, 'supervisor');
    token.evidence = await tokenFor(t, 'evidence_system');
    const admin = await tokenFor(t, 'admin');
    await t
      .http()
      .post('/api/v1/users')
      .set({ authorization: `Bearer ${admin}` })
      .send({ username: 'sgt-b', roles: ['supervisor'], teams: ['TEAM-B'], password: 'another long passphrase' })
      .expect(201);
    token.teamB = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'sgt-b', password: 'another long passphrase' })
        .expect(200)
    ).body.accessToken;
    [{ id: sgtB }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'sgt-b'`);
    for (let i = 0; i < 20; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `2024-05-${String(i + 1).padStart(2, '0')}T10:00:00Z`,
        legislation: i % 4 ? 'misuse_of_drugs_act_s23' : 'pace_s1',
      });
      await insertClip(t.dataSource, id, i === 0 ? 2 : 20);
    }
    await insertStopSearch(t.dataSource, { ageRange: '10_17' });
    planId = (
      await t
        .http()
        .post('/api/v1/sampling-plans')
        .set(as('psd'))
        .send({
          name: 'TEAM-A access',
          spec: {
            kinds: ['stop_search'],
            teams: ['TEAM-A'],
            sampleSize: 6,
            strata: ['power'],
            rules: [{ rule: 'under_18' }],
            // The tests issue many samples of one month: each may select records an earlier one did.
            exclusions: { alreadySampled: false },
          },
        })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  const drawAndIssue = async (seed: string) => {
    const drawn = (
      await t
        .http()
        .post('/api/v1/dip-samples')
        .set(as('supervisor'))
        .send({ period: '2024-05', planId, seed })
        .expect(201)
    ).body;
    return (
      await t
        .http()
        .post(`/api/v1/dip-samples/${drawn.id}/issue`)
        .set(as('supervisor'))
        .send({ version: drawn.version })
        .expect(200)
    ).body as { id: string; items: Item[] };
  };
  const audits = async (action: string, id: string, username: string) =>
    (
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND target_id = $2 AND actor_username = $3`,
        [action, id, username],
      )
    )[0].n as number;

  it('computes estimates over every item, and only for those who see the sample whole; a reviewer from another team is refused', async () => {
    const sample = await drawAndIssue('estimates');
    const random = sample.items.filter((i) => i.reason === 'random');
    // sgt-b (TEAM-B) is given one random item of this TEAM-A sample to review, and completes it.
    const mine = random[0];
    await t
      .http()
      .put(`/api/v1/dip-samples/${sample.id}/items/${mine.id}/assignment`)
      .set(as('supervisor'))
      .send({ assignedTo: sgtB })
      .expect(200);
    await t
      .http()
      .put(`/api/v1/dip-samples/${sample.id}/items/${mine.id}/review`)
      .set(as('teamB'))
      .send({ version: 2, form: EXAMPLE_REVIEW_FORM, submit: true })
      .expect(200);
    const seen = (await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('teamB')).expect(200)).body;
    expect(seen.items.map((i: Item) => i.id)).toEqual([mine.id]);

    const refused = await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('teamB')).expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    const viewsBefore = await audits('dip_sample.viewed', sample.id, 'supervisor');
    const estimates = (
      await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('supervisor')).expect(200)
    ).body;
    expect(estimates.random).toMatchObject({ items: random.length, reviewed: 1 });
    expect(estimates.targeted).toMatchObject({ items: sample.items.length - random.length, reviewed: 0 });
    expect(estimates.random.indicators.grounds_not_reasonable.reviewed).toBe(1);
    // Estimates are not a view of the sample's items: no dip_sample.viewed event.
    expect(await audits('dip_sample.viewed', sample.id, 'supervisor')).toBe(viewsBefore);
    expect((await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('psd')).expect(200)).body).toEqual(
      estimates,
    );
    await t.http().get(`/api/v1/dip-samples/${randomUUID()}/estimates`).set(as('supervisor')).expect(404);
  });

  it('hides a sample from a supervisor with no part in it, on every route', async () => {
    const sample = await drawAndIssue('hidden');
    const item = sample.items[0];
    await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('teamB')).expect(404);
    await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('teamB')).expect(404);
    await t.http().post(`/api/v1/dip-samples/${sample.id}/issue`).set(as('teamB')).send({ version: 1 }).expect(404);
    await t.http().post(`/api/v1/dip-samples/${sample.id}/redraw`).set(as('teamB')).send({ version: 1 }).expect(404);
    await t.http().get(`/api/v1/dip-samples/${sample.id}/items/${item.id}/review`).set(as('teamB')).expect(404);
    await t
      .http()
      .put(`/api/v1/dip-samples/${sample.id}/items/${item.id}/assignment`)
      .set(as('teamB'))
      .send({ assignedTo: sgtB })
      .expect(404);
    expect(
      (await t.http().get('/api/v1/dip-samples').set(as('teamB')).expect(200)).body.items.map(
        (s: { id: string }) => s.id,
      ),
    ).not.toContain(sample.id);
  });

  it('lists samples with the same fields a single sample shows, without items', async () => {
    const sample = await drawAndIssue('listed');
    const listed = (
      await t.http().get('/api/v1/dip-samples?period=2024-05&status=issued').set(as('supervisor')).expect(200)
    ).body.items;
    const full = (await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('supervisor')).expect(200)).body;
    const { items: _items, ...header } = full;
    expect(listed.find((s: { id: string }) => s.id === sample.id)).toEqual(header);
  });

  it('reports only the algorithm version when a sample was drawn by another one, without recomputing it', async () => {
    const drawn = (
      await t
        .http()
        .post('/api/v1/dip-samples')
        .set(as('supervisor'))
        .send({ period: '2024-05', planId, seed: 'old-algorithm' })
        .expect(201)
    ).body;
    await t.dataSource.query(`UPDATE dip_samples SET algorithm_version = 'stratified-srs/0' WHERE id = $1`, [drawn.id]);
    await insertStopSearch(t.dataSource, { occurredAt: '2024-05-30T09:00:00Z' }); // the population changed too: not reported
    const verdict = (await t.http().get(`/api/v1/dip-samples/${drawn.id}/verify`).set(as('psd')).expect(200)).body;
    expect(verdict).toEqual({
      verified: false,
      sampleId: drawn.id,
      algorithmVersion: 'stratified-srs/0',
      eligibleCount: { stored: drawn.eligibleCount, now: null },
      populationFingerprint: { stored: drawn.populationFingerprint, now: null },
      missingItems: [],
      unexpectedItems: [],
      differences: [
        expect.stringMatching(
          /^drawn with algorithm stratified-srs\/0; this system runs stratified-srs-with-targeted\/1/,
        ),
      ],
    });
  });

  it('names a plan that does not exist, and a bad seed on a redraw, by field', async () => {
    const missing = await t
      .http()
      .post('/api/v1/dip-samples')
      .set(as('supervisor'))
      .send({ period: '2024-05', planId: randomUUID() })
      .expect(400);
    expect(missing.body.errors).toEqual([{ field: 'planId', message: 'no such sampling plan' }]);
    const drawn = (
      await t.http().post('/api/v1/dip-samples').set(as('supervisor')).send({ period: '2024-05', planId }).expect(201)
    ).body;
    const bad = await t
      .http()
      .post(`/api/v1/dip-samples/${drawn.id}/redraw`)
      .set(as('supervisor'))
      .send({ version: drawn.version, seed: 'two words' })
      .expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'seed', message: 'must be 1 to 128 printable characters without spaces' },
    ]);
  });

  it('refuses a due date that is not a real calendar date', async () => {
    const sample = await drawAndIssue('due-date');
    const res = await t
      .http()
      .put(`/api/v1/dip-samples/${sample.id}/items/${sample.items[0].id}/assignment`)
      .set(as('supervisor'))
      .send({ assignedTo: sgtB, dueOn: '2024-02-31' })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'dueOn', message: 'dueOn must be a date, YYYY-MM-DD' }]);
  });

  it('a supervisor given one item of a sample cannot take another item for themselves, nor then read its record; they may hand theirs back', async () => {
    const sample = await drawAndIssue('takeover');
    const [mine, other] = sample.items;
    const assign = (who: keyof typeof token, itemId: string, assignedTo: string | null) =>
      t.http().put(`/api/v1/dip-samples/${sample.id}/items/${itemId}/assignment`).set(as(who)).send({ assignedTo });
    await assign('supervisor', mine.id, sgtB).expect(200);

    const single = await assign('teamB', other.id, sgtB).expect(403);
    expect(single.body.code).toBe('FORBIDDEN');
    const bulk = await t
      .http()
      .post('/api/v1/sample-reviews/assignments')
      .set(as('teamB'))
      .send({ itemIds: [other.id], assignedTo: sgtB })
      .expect(403);
    expect(bulk.body.errors).toEqual([{ field: 'itemIds.0', message: expect.stringContaining('drawer') }]);
    const [review] = await t.dataSource.query(`SELECT assigned_to FROM sample_reviews WHERE item_id = $1`, [other.id]);
    expect(review.assigned_to).not.toBe(sgtB);
    await t.http().get(`/api/v1/stop-searches/${other.recordId}`).set(as('teamB')).expect(404);

    // The assignee hands their own back (unassigned, for the drawer to give out again), and no longer reads it.
    await t.http().get(`/api/v1/stop-searches/${mine.recordId}`).set(as('teamB')).expect(200);
    // Handing it to someone else is the drawer's to do, even for the assignee.
    await assign('teamB', mine.id, sgtB).expect(403);
    const handed = await assign('teamB', mine.id, null).expect(200);
    expect(handed.body.assignedTo).toBeNull();
    await t.http().get(`/api/v1/stop-searches/${mine.recordId}`).set(as('teamB')).expect(404);
    // The drawer and professional standards still hand reviews out.
    await assign('supervisor', mine.id, sgtB).expect(200);
    await assign('psd', mine.id, null).expect(200);
  });

  it('scopes the BWV hold feed and its confirmation to a supervisor’s own records; the evidence system keeps the whole feed', async () => {
    const sample = await drawAndIssue('holds');
    const holds = (await t.dataSource.query(
      `SELECT h.id, EXISTS (SELECT 1 FROM bwv_clip_links l JOIN dip_sample_items i ON i.case_id = l.case_id
         JOIN sample_reviews r ON r.item_id = i.id WHERE l.clip_id = h.clip_id AND r.assigned_to = $2) AS reviewed_by_b
       FROM bwv_hold_requests h WHERE h.sample_id = $1 ORDER BY h.id`,
      [sample.id, sgtB],
    )) as { id: string; reviewed_by_b: boolean }[];
    const foreign = holds.filter((h) => !h.reviewed_by_b).map((h) => h.id);
    expect(foreign.length).toBeGreaterThan(0);
    const feed = async (who: keyof typeof token) =>
      ((await t.http().get('/api/v1/bwv-holds').set(as(who)).expect(200)).body as { id: string }[]).map((h) => h.id);

    // TEAM-A's sample: its supervisor, professional standards and the evidence system see every hold; sgt-b (TEAM-B)
    // sees only holds on footage of records they review, and none of the others.
    for (const who of ['supervisor', 'psd', 'evidence'] as const)
      expect(await feed(who)).toEqual(expect.arrayContaining(holds.map((h) => h.id)));
    const seenByB = await feed('teamB');
    expect(seenByB.filter((id) => foreign.includes(id))).toEqual([]);
    await t.http().post(`/api/v1/bwv-holds/${foreign[0]}/confirm`).set(as('teamB')).expect(404);
    const [stillPending] = await t.dataSource.query(`SELECT status FROM bwv_hold_requests WHERE id = $1`, [foreign[0]]);
    expect(stillPending.status).toBe('pending');
    const confirmed = await t.http().post(`/api/v1/bwv-holds/${foreign[0]}/confirm`).set(as('evidence')).expect(200);
    expect(confirmed.body.status).toBe('confirmed');
    // The integration account reads and confirms holds, and nothing else.
    await t.http().get('/api/v1/stop-searches').set(as('evidence')).expect(403);
  });

  it('warns each sample’s people of its own footage at risk, for several samples in one check', async () => {
    const a = await drawAndIssue('retention-a');
    const b = await drawAndIssue('retention-b');
    await t.dataSource.query(`UPDATE bwv_hold_requests SET warned_at = NULL`);
    await t.dataSource.query(`DELETE FROM notifications WHERE kind = 'footage_at_risk'`);
    // One clip of each sample expires within the warning window.
    for (const sample of [a, b]) {
      await t.dataSource.query(
        `UPDATE bwv_clips SET retention_expires_at = now() + interval '1 day' WHERE id = (SELECT clip_id FROM bwv_hold_requests WHERE sample_id = $1 ORDER BY id LIMIT 1)`,
        [sample.id],
      );
    }
    const result = await t.app.get(RetentionService).check();
    expect(result.warned).toBeGreaterThanOrEqual(2);
    const notes = (await t.http().get('/api/v1/me/notifications').set(as('supervisor')).expect(200)).body.filter(
      (n: { kind: string }) => n.kind === 'footage_at_risk',
    );
    const bySample = new Map(
      notes.map((n: { link: { sampleId: string }; message: string }) => [n.link.sampleId, n.message]),
    );
    expect(bySample.get(a.id)).toMatch(
      /selected clip\(s\) will be deleted within \d+ days without a confirmed hold: EVD-/,
    );
    expect(bySample.get(b.id)).toMatch(/selected clip\(s\) will be deleted/);
    expect(notes.filter((n: { link: { sampleId: string } }) => n.link.sampleId === a.id)).toHaveLength(1);
  });
});
