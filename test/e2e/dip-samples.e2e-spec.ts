import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { RetentionService, SampleReviewsService } from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FORM = EXAMPLE_REVIEW_FORM;

describe('monthly dip samples (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'external' | 'analyst' | 'teamB', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  let planId: string;
  let supervisorId: string;
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const [who, role] of [
      ['admin', 'admin'],
      ['supervisor', 'supervisor'],
      ['psd', 'professional_standards'],
      ['external', 'external_panel'],
      ['analyst', 'analyst'],
    ] as const) {
      token[who] = await tokenFor(t, role);
    }
    await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ username: 'sgt-b', roles: ['supervisor'], teams: ['TEAM-B'], password: 'another long passphrase' })
      .expect(201);
    token.teamB = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'sgt-b', password: 'another long passphrase' })
        .expect(200)
    ).body.accessToken;
    [{ id: supervisorId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
    // May 2024, TEAM-A: 40 ordinary searches over two powers, plus targeted ones; June and TEAM-B records stay out.
    for (let i = 0; i < 40; i++) {
      const id = await insertStopSearch(t.dataSource, {
        occurredAt: `2024-05-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`,
        legislation: i % 4 ? 'misuse_of_drugs_act_s23' : 'pace_s1',
        officerReference: `PC-${i % 5}`,
      });
      await insertClip(t.dataSource, id, 20);
    }
    cases.child = await insertStopSearch(t.dataSource, { ageRange: '10_17', officerReference: 'PC-1' });
    cases.s60 = await insertStopSearch(t.dataSource, { legislation: 'cjpoa_s60', officerReference: 'PC-2' });
    cases.strip = await insertStopSearch(t.dataSource, { clothingRemoved: true, officerReference: 'PC-3' });
    await insertClip(t.dataSource, cases.strip, 2, 'EVD-EXPIRING');
    await insertStopSearch(t.dataSource, { occurredAt: '2024-06-02T10:00:00Z' });
    await insertStopSearch(t.dataSource, { teamCode: 'TEAM-B' });
    const plan = await t
      .http()
      .post('/api/v1/sampling-plans')
      .set(as('psd'))
      .send({
        name: 'TEAM-A monthly',
        spec: {
          kinds: ['stop_search'],
          teams: ['TEAM-A'],
          sampleSize: 8,
          strata: ['power'],
          rules: [{ rule: 'under_18' }, { rule: 'suspicionless_powers' }, { rule: 'more_than_outer_clothing' }],
          reviewDueDays: 10,
          // The tests issue many samples of one month: each may select records an earlier one did.
          exclusions: { alreadySampled: false },
        },
      })
      .expect(201);
    planId = plan.body.id;
  });
  afterAll(() => t.close());

  const draw = (who: keyof typeof token, body: Record<string, unknown>) =>
    t.http().post('/api/v1/dip-samples').set(as(who)).send(body);

  it('draws reproducibly: same month, plan version and seed give the same items, each with its reason and inclusion probability', async () => {
    const first = (await draw('supervisor', { period: '2024-05', planId, seed: 'may-2024' }).expect(201)).body;
    expect(first).toMatchObject({
      period: '2024-05',
      status: 'draft',
      seed: 'may-2024',
      eligibleCount: 43,
      teams: ['TEAM-A'],
      plan: { id: planId, version: 1 },
    });
    expect(first.populationFingerprint).toMatch(/^[0-9a-f]{64}$/);
    const targeted = first.items.filter((i: { reason: string }) => i.reason !== 'random');
    expect(targeted.map((i: { recordId: string; reason: string }) => [i.reason, i.recordId]).sort()).toEqual(
      [
        ['more_than_outer_clothing', cases.strip],
        ['suspicionless_powers', cases.s60],
        ['under_18', cases.child],
      ].sort(),
    );
    const random = first.items.filter((i: { reason: string }) => i.reason === 'random');
    expect(random).toHaveLength(8);
    for (const i of random)
      expect(i.inclusionProbability).toBeCloseTo(Number(i.stratum === 'power=pace_s1' ? 2 / 10 : 6 / 30), 10);
    const again = (await draw('supervisor', { period: '2024-05', planId, seed: 'may-2024' }).expect(201)).body;
    const shape = (s: { items: { recordId: string; reason: string; inclusionProbability: number }[] }) =>
      s.items.map((i) => [i.recordId, i.reason, i.inclusionProbability]);
    expect(shape(again)).toEqual(shape(first));
    const other = (await draw('supervisor', { period: '2024-05', planId, seed: 'another-seed' }).expect(201)).body;
    expect(shape(other)).not.toEqual(shape(first));
  });

  it('verifies a sample, and names the difference once the population changes', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'verify-me' }).expect(201)).body;
    expect(
      (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('psd')).expect(200)).body,
    ).toMatchObject({ verified: true, differences: [] });
    const added = await insertStopSearch(t.dataSource, { occurredAt: '2024-05-30T09:00:00Z' });
    const changed = (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('psd')).expect(200)).body;
    expect(changed).toMatchObject({ verified: false, eligibleCount: { stored: 43, now: 44 } });
    expect(changed.differences.join(' ')).toMatch(/population changed/);
    await t.dataSource.query(`DELETE FROM stop_searches WHERE id = $1`, [added]);
    expect(
      (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('psd')).expect(200)).body.verified,
    ).toBe(true);
    await t.dataSource.query(`DELETE FROM stop_searches WHERE id = $1`, [cases.child]); // a selected record deleted
    const removed = (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('psd')).expect(200)).body;
    expect(removed).toMatchObject({ verified: false, eligibleCount: { stored: 43, now: 42 } });
    expect(removed.unexpectedItems).toEqual([{ recordKind: 'stop_search', recordId: cases.child, reason: 'under_18' }]);
    cases.child = await insertStopSearch(t.dataSource, { ageRange: '10_17', officerReference: 'PC-1' });
  });

  it('refuses bad draws by field, a plan over teams that are not yours, and future months', async () => {
    const bad = await draw('supervisor', { period: '2024-13', planId: 'nope' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['period', 'planId']);
    const future = await draw('supervisor', { period: '2099-01' }).expect(400);
    expect(future.body.errors).toEqual([{ field: 'period', message: 'must not be a future month' }]);
    const foreign = await draw('teamB', { period: '2024-05', planId }).expect(400);
    expect(foreign.body.errors[0]).toMatchObject({
      field: 'planId',
      message: expect.stringMatching(/not yours \(TEAM-A\)/),
    });
    const own = (await draw('teamB', { period: '2024-05' }).expect(201)).body; // the default plan, over sgt-b's own team
    expect(own).toMatchObject({ teams: ['TEAM-B'], eligibleCount: 1 });
  });

  it('issues a sample: immutable from then on, holds requested for its footage, reviews assigned and the supervisor notified', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'to-issue' }).expect(201)).body;
    const issued = (
      await t
        .http()
        .post(`/api/v1/dip-samples/${sample.id}/issue`)
        .set(as('supervisor'))
        .send({ version: sample.version })
        .expect(200)
    ).body;
    expect(issued.status).toBe('issued');
    expect(
      issued.items.every((i: { review: { assignedTo: { id: string } } }) => i.review.assignedTo.id === supervisorId),
    ).toBe(true);
    expect(issued.items.find((i: { recordId: string }) => i.recordId === cases.strip).footage).toBe('at_risk');
    await t
      .http()
      .post(`/api/v1/dip-samples/${sample.id}/redraw`)
      .set(as('supervisor'))
      .send({ version: issued.version })
      .expect(409);
    await t
      .http()
      .post(`/api/v1/dip-samples/${sample.id}/issue`)
      .set(as('supervisor'))
      .send({ version: issued.version })
      .expect(409);
    await expect(t.dataSource.query(`DELETE FROM dip_sample_items WHERE sample_id = $1`, [sample.id])).rejects.toThrow(
      /issued dip sample/,
    );
    const [{ holds }] = await t.dataSource.query(
      `SELECT count(*)::int AS holds FROM bwv_hold_requests WHERE sample_id = $1 AND status = 'pending'`,
      [sample.id],
    );
    expect(holds).toBe(issued.items.filter((i: { footage: string }) => i.footage !== 'none').length);
    const notes = (await t.http().get('/api/v1/me/notifications?unread=true').set(as('supervisor')).expect(200)).body;
    expect(notes[0]).toMatchObject({ kind: 'review_assigned', link: { sampleId: sample.id } });
    await t.http().post(`/api/v1/me/notifications/${notes[0].id}/read`).set(as('supervisor')).expect(204);
    await t.http().post(`/api/v1/me/notifications/${notes[0].id}/read`).set(as('teamB')).expect(404);
  });

  it('takes a review form checked field by field, with optimistic locking, and completes it once', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'review' }).expect(201)).body;
    const issued = (
      await t
        .http()
        .post(`/api/v1/dip-samples/${sample.id}/issue`)
        .set(as('supervisor'))
        .send({ version: 1 })
        .expect(200)
    ).body;
    const item = issued.items[0];
    const url = `/api/v1/dip-samples/${sample.id}/items/${item.id}/review`;
    const bad = await t
      .http()
      .put(url)
      .set(as('supervisor'))
      .send({
        version: 1,
        form: {
          ...FORM,
          bwv: { availability: 'most' },
          lawfulness: { ...FORM.lawfulness, grounds: 'not_reasonable' },
          extra: 1,
        },
      })
      .expect(400);
    // A draft may leave questions out (bwv.activatedBeforeContact), but not give an answer or a question the form lacks.
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['form.bwv.availability', 'form.extra']);
    const draft = (await t.http().put(url).set(as('supervisor')).send({ version: 1, form: FORM }).expect(200)).body;
    expect(draft).toMatchObject({ status: 'in_progress', version: 2 });
    await t.http().put(url).set(as('supervisor')).send({ version: 1, form: FORM }).expect(409);
    const noReason = await t
      .http()
      .put(url)
      .set(as('supervisor'))
      .send({
        version: 2,
        form: { ...FORM, lawfulness: { ...FORM.lawfulness, grounds: 'not_reasonable' } },
        submit: true,
      })
      .expect(400);
    expect(noReason.body.errors).toEqual([
      {
        field: 'form.lawfulness.reason',
        message: 'form.lawfulness.reason is required when the grounds are not judged reasonable',
      },
    ]);
    await t.http().put(url).set(as('psd')).send({ version: 2, form: FORM }).expect(403); // not a supervisor
    const done = (
      await t.http().put(url).set(as('supervisor')).send({ version: 2, form: FORM, submit: true }).expect(200)
    ).body;
    expect(done).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    await t.http().put(url).set(as('supervisor')).send({ version: 3, form: FORM }).expect(409);
    const [event] = await t.dataSource.query(
      `SELECT target_type, target_id FROM audit_events WHERE action = 'sample_review.completed' ORDER BY seq DESC LIMIT 1`,
    );
    expect(event).toEqual({ target_type: item.recordKind, target_id: item.recordId });
  });

  it('never assigns a supervisor their own records, and lists overdue reviews', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'assign' }).expect(201)).body;
    const issued = (
      await t
        .http()
        .post(`/api/v1/dip-samples/${sample.id}/issue`)
        .set(as('supervisor'))
        .send({ version: 1 })
        .expect(200)
    ).body;
    const item = issued.items.find((i: { recordId: string }) => i.recordId === cases.s60);
    const [officer] = await t.dataSource.query(`SELECT id FROM officers WHERE reference = 'PC-2'`);
    const [sgtB] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'sgt-b'`);
    await t.http().patch(`/api/v1/officers/${officer.id}`).set(as('admin')).send({ userId: sgtB.id }).expect(200);
    const own = await t
      .http()
      .put(`/api/v1/dip-samples/${sample.id}/items/${item.id}/assignment`)
      .set(as('supervisor'))
      .send({ assignedTo: sgtB.id })
      .expect(400);
    expect(own.body.errors[0].message).toMatch(/nobody reviews their own records/);
    await t.dataSource.query(`UPDATE sample_reviews SET due_on = current_date - 1 WHERE item_id = $1`, [item.id]);
    const overdue = (await t.http().get('/api/v1/sample-reviews?overdue=true').set(as('supervisor')).expect(200)).body
      .items;
    expect(overdue.map((r: { itemId: string }) => r.itemId)).toContain(item.id);
    expect(overdue.every((r: { overdue: boolean }) => r.overdue)).toBe(true);
    expect(
      (await t.http().get('/api/v1/sample-reviews?overdue=true&all=true').set(as('psd')).expect(200)).body.items.map(
        (r: { itemId: string }) => r.itemId,
      ),
    ).toContain(item.id);
  });

  it('reminds the assignee of an overdue review once per due date, and again when a new due date passes', async () => {
    const reviews = t.app.get(SampleReviewsService);
    const [review] = await t.dataSource.query(
      `SELECT item_id, assigned_to FROM sample_reviews WHERE status <> 'completed' AND assigned_to IS NOT NULL LIMIT 1`,
    );
    const told = async () =>
      Number(
        (
          await t.dataSource.query(
            `SELECT count(*) AS n FROM notifications WHERE kind = 'review_overdue' AND link->>'itemId' = $1 AND user_id = $2`,
            [review.item_id, review.assigned_to],
          )
        )[0].n,
      );
    await t.dataSource.query(`UPDATE sample_reviews SET due_on = DATE '2024-06-01' WHERE item_id = $1`, [
      review.item_id,
    ]);
    expect(await reviews.remindOverdue()).toBeGreaterThanOrEqual(1);
    expect(await told()).toBe(1);
    await reviews.remindOverdue();
    expect(await told()).toBe(1);
    await t.dataSource.query(`UPDATE sample_reviews SET due_on = DATE '2024-06-02' WHERE item_id = $1`, [
      review.item_id,
    ]);
    await reviews.remindOverdue();
    expect(await told()).toBe(2);
  });

  it('estimates month-level proportions from the random part only, with a confidence interval', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'estimate' }).expect(201)).body;
    const issued = (
      await t
        .http()
        .post(`/api/v1/dip-samples/${sample.id}/issue`)
        .set(as('supervisor'))
        .send({ version: 1 })
        .expect(200)
    ).body;
    const random = issued.items.filter((i: { reason: string }) => i.reason === 'random');
    // Records reviewed in earlier samples are excluded from this one: take whichever targeted item it has.
    const targeted = issued.items.find((i: { reason: string }) => i.reason !== 'random');
    for (const [n, item] of [...random, targeted].entries()) {
      const notReasonable = n < 2 || item === targeted;
      const form = notReasonable
        ? {
            ...FORM,
            lawfulness: { powerApplicable: 'yes', grounds: 'not_reasonable', reason: 'Smell of cannabis alone' },
          }
        : FORM;
      await t
        .http()
        .put(`/api/v1/dip-samples/${sample.id}/items/${item.id}/review`)
        .set(as('supervisor'))
        .send({ version: 1, form, submit: true })
        .expect(200);
    }
    const estimates = (
      await t.http().get(`/api/v1/dip-samples/${sample.id}/estimates`).set(as('supervisor')).expect(200)
    ).body;
    const grounds = estimates.random.indicators.grounds_not_reasonable;
    expect(estimates.random).toMatchObject({ items: 8, reviewed: 8 });
    expect(grounds.populationCovered).toBe(40);
    expect(grounds.estimate).toBeGreaterThan(0);
    expect(grounds.ci95[0]).toBeLessThanOrEqual(grounds.estimate);
    expect(grounds.ci95[1]).toBeGreaterThanOrEqual(grounds.estimate);
    expect(estimates.targeted.byRule[targeted.reason]).toEqual({
      items: 1,
      reviewed: 1,
      indicators: expect.objectContaining({ grounds_not_reasonable: 1 }),
    });
    expect(estimates.targeted.reviewed).toBe(1);
  });

  it('feeds pending holds to the evidence system, takes confirmations, warns of footage at risk and marks footage lost', async () => {
    const pending = (await t.http().get('/api/v1/bwv-holds?status=pending').set(as('supervisor')).expect(200)).body;
    expect(pending.length).toBeGreaterThan(0);
    const atRisk = (await t.http().get('/api/v1/bwv-holds?atRisk=true').set(as('supervisor')).expect(200)).body;
    expect(atRisk.every((h: { clip: { reference: string } }) => h.clip.reference === 'EVD-EXPIRING')).toBe(true);
    const safe = pending.find((h: { clip: { reference: string } }) => h.clip.reference !== 'EVD-EXPIRING');
    const confirmed = (await t.http().post(`/api/v1/bwv-holds/${safe.id}/confirm`).set(as('supervisor')).expect(200))
      .body;
    expect(confirmed).toMatchObject({ status: 'confirmed', clip: { status: 'on_hold' } });

    const retention = t.app.get(RetentionService);
    const first = await retention.check();
    expect(first.warned).toBe(atRisk.length);
    expect((await retention.check()).warned).toBe(0); // warned once a day at most
    const notes = (await t.http().get('/api/v1/me/notifications').set(as('supervisor')).expect(200)).body;
    expect(
      notes.some(
        (n: { kind: string; message: string }) => n.kind === 'footage_at_risk' && n.message.includes('EVD-EXPIRING'),
      ),
    ).toBe(true);

    await t.dataSource.query(`UPDATE bwv_clips SET status = 'deleted' WHERE reference = 'EVD-EXPIRING'`);
    expect((await retention.check()).lost).toBe(atRisk.length);
    const [{ id: sampleId }] = await t.dataSource.query(
      `SELECT sample_id AS id FROM bwv_hold_requests h JOIN bwv_clips c ON c.id = h.clip_id WHERE c.reference = 'EVD-EXPIRING' LIMIT 1`,
    );
    const sample = (await t.http().get(`/api/v1/dip-samples/${sampleId}`).set(as('supervisor')).expect(200)).body;
    expect(sample.items.find((i: { recordId: string }) => i.recordId === cases.strip).footage).toBe('lost');
    await t.http().post(`/api/v1/bwv-holds/${atRisk[0].id}/confirm`).set(as('supervisor')).expect(409);
  });

  it('excludes records already reviewed in an earlier sample, and (when the plan says so) records without BWV', async () => {
    const plain = (await draw('supervisor', { period: '2024-05', planId, seed: 'exclusions' }).expect(201)).body;
    const [{ reviewed }] = await t.dataSource.query(
      `SELECT count(DISTINCT i.case_id)::int AS reviewed FROM dip_sample_items i JOIN sample_reviews r ON r.item_id = i.id WHERE r.status = 'completed'`,
    );
    expect(reviewed).toBeGreaterThan(0);
    const [{ all }] = await t.dataSource.query(
      `SELECT count(*)::int AS all FROM stop_searches WHERE team_code = 'TEAM-A' AND period = '2024-05-01'`,
    );
    expect(plain.eligibleCount).toBe(all - reviewed);
    const plan = (
      await t
        .http()
        .post('/api/v1/sampling-plans')
        .set(as('psd'))
        .send({
          name: 'TEAM-A with footage only',
          spec: {
            kinds: ['stop_search'],
            teams: ['TEAM-A'],
            sampleSize: 5,
            exclusions: { alreadyReviewed: false, alreadySampled: false, noBwv: true },
          },
        })
        .expect(201)
    ).body;
    const withFootage = (await draw('supervisor', { period: '2024-05', planId: plan.id }).expect(201)).body;
    const [{ clipped }] = await t.dataSource.query(
      `SELECT count(*)::int AS clipped FROM stop_searches s WHERE team_code = 'TEAM-A' AND period = '2024-05-01'
         AND EXISTS (SELECT 1 FROM bwv_clip_links l WHERE l.case_kind = 'stop_search' AND l.case_id = s.id)`,
    );
    expect(withFootage.eligibleCount).toBe(clipped);
    expect(clipped).toBeLessThan(all);
  });

  it('keeps samples to the people who run them', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'access' }).expect(201)).body;
    await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('teamB')).expect(404);
    await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('teamB')).expect(404);
    await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('external')).expect(403);
    await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('analyst')).expect(403);
    await t.http().post('/api/v1/sampling-plans').set(as('supervisor')).send({ name: 'mine' }).expect(403);
    expect(
      (await t.http().get('/api/v1/dip-samples').set(as('teamB')).expect(200)).body.items.every(
        (s: { teams: string[] }) => s.teams.includes('TEAM-B'),
      ),
    ).toBe(true);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'dip_sample.drawn'`,
    );
    expect(n).toBeGreaterThan(5);
  });

  it('versions plans: editing the rules makes a new version, and old samples still verify against theirs', async () => {
    const sample = (await draw('supervisor', { period: '2024-05', planId, seed: 'versions' }).expect(201)).body;
    const plan = (await t.http().get(`/api/v1/sampling-plans/${planId}`).set(as('psd')).expect(200)).body;
    const edited = (
      await t
        .http()
        .patch(`/api/v1/sampling-plans/${planId}`)
        .set(as('psd'))
        .send({ version: plan.version, spec: { ...plan.spec, sampleSize: 3 } })
        .expect(200)
    ).body;
    expect(edited.version).toBe(plan.version + 1);
    await t
      .http()
      .patch(`/api/v1/sampling-plans/${planId}`)
      .set(as('psd'))
      .send({ version: plan.version, spec: plan.spec })
      .expect(409);
    expect(
      (await t.http().get(`/api/v1/dip-samples/${sample.id}/verify`).set(as('psd')).expect(200)).body.verified,
    ).toBe(true);
    const badSpec = await t
      .http()
      .patch(`/api/v1/sampling-plans/${planId}`)
      .set(as('psd'))
      .send({ version: edited.version, spec: { rules: [{ rule: 'taser', params: { tactics: [] } }] } })
      .expect(400);
    expect(badSpec.body.errors[0].field).toBe('spec.rules.0.params.tactics');
    const rules = (await t.http().get('/api/v1/sampling-plans/rules').set(as('supervisor')).expect(200)).body;
    expect(rules.find((r: { name: string }) => r.name === 'repeat_subject').defaults).toEqual({
      minEncounters: 3,
      lookbackDays: 90,
    });
  });
});
