import { randomUUID } from 'node:crypto';
import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { RetentionService } from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

type Item = { id: string; reason: string; recordId: string };

describe('dip samples: who sees what, estimates over the whole sample, verification across algorithm versions (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'psd' | 'supervisor' | 'teamB', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  let planId: string;
  let sgtB: string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.psd = await tokenFor(t, 'professional_standards');
    token.supervisor = await tokenFor(t, 'supervisor');
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
    expect(res.body.errors).toEqual([{ field: 'dueOn', message: 'must be a date, YYYY-MM-DD' }]);
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
