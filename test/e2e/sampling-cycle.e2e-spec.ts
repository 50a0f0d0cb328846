import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { buildOpenApiDocument } from '../../apps/api/openapi';
import { insertClip, insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { itOnPostgres, raceUpToAudit } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';

const PERIOD = '2024-05';
const WESTMINSTER = 'E09000033';
const CAMDEN = 'E09000007';
const MET = 'E23000001';

/** A Metropolitan Police stop search placed in a London borough, with no team. */
async function insertMetSearch(t: TestApp, area: string): Promise<string> {
  const [{ id }] = await t.dataSource.query(
    `INSERT INTO stop_searches (force_code, area_code, occurred_at, period, search_type, legislation, age_range, source, version)
     VALUES ($1, $2, '2024-05-14T12:00:00Z', '2024-05-01', 'person', 'misuse_of_drugs_act_s23', '18_24', 'manual', 1) RETURNING id`,
    [MET, area],
  );
  return id;
}

describe('the sampling cycle without surprises (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor' | 'psd' | 'met' | 'camden' | 'teamB', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });
  const ids = {} as Record<'supervisor' | 'teamB' | 'analyst', string>;
  let westminster: string;

  const user = async (who: 'met' | 'camden' | 'teamB', body: Record<string, unknown>) => {
    await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ roles: ['supervisor'], password: 'a long enough passphrase', ...body })
      .expect(201);
    token[who] = (
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ username: body.username, password: 'a long enough passphrase' })
        .expect(200)
    ).body.accessToken;
  };
  const plan = async (name: string, spec: Record<string, unknown>) =>
    (
      await t
        .http()
        .post('/api/v1/sampling-plans')
        .set(as('psd'))
        .send({ name, spec: { kinds: ['stop_search'], strata: [], ...spec } })
        .expect(201)
    ).body.id as string;
  const draw = async (who: keyof typeof token, body: Record<string, unknown>) =>
    (await t.http().post('/api/v1/dip-samples').set(as(who)).send(body).expect(201)).body;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.supervisor = await tokenFor(t, 'supervisor');
    token.psd = await tokenFor(t, 'professional_standards');
    await user('met', { username: 'sgt-met', areas: [MET] });
    await user('camden', { username: 'sgt-camden', areas: [CAMDEN] });
    await user('teamB', { username: 'sgt-b', teams: ['TEAM-B'] });
    const users = (await t.dataSource.query(
      `SELECT id, username FROM users WHERE username IN ('supervisor', 'sgt-b', 'analyst')`,
    )) as { id: string; username: string }[];
    ids.supervisor = users.find((u) => u.username === 'supervisor')!.id;
    ids.teamB = users.find((u) => u.username === 'sgt-b')!.id;
    ids.analyst = users.find((u) => u.username === 'analyst')!.id;
    // May 2024: TEAM-A's six, TEAM-N's three (a team nobody leads), one Metropolitan search in Westminster.
    for (let i = 0; i < 6; i++) {
      const id = await insertStopSearch(t.dataSource, { occurredAt: `${PERIOD}-0${i + 1}T10:00:00Z` });
      await insertClip(t.dataSource, id, 30);
    }
    for (let i = 0; i < 3; i++)
      await insertStopSearch(t.dataSource, { occurredAt: `${PERIOD}-1${i}T10:00:00Z`, teamCode: 'TEAM-N' });
    westminster = await insertMetSearch(t, WESTMINSTER);
    // June 2024: only TEAM-Z's.
    await insertStopSearch(t.dataSource, { occurredAt: '2024-06-03T10:00:00Z', teamCode: 'TEAM-Z' });
    await insertStopSearch(t.dataSource, { occurredAt: '2024-06-04T10:00:00Z', teamCode: 'TEAM-Z' });
  });
  afterAll(() => t.close());

  describe('samples nobody asked for', () => {
    it('a supervisor’s first GET of the plans creates nothing', async () => {
      const res = await t.http().get('/api/v1/sampling-plans').set(as('supervisor')).expect(200);
      expect(res.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM sampling_plans`);
      expect(n).toBe(0);
    });

    it('a new plan is not scheduled; switching its schedule on and off is for plan managers, and audited', async () => {
      const id = await plan('switched by hand', { teams: ['TEAM-A'], sampleSize: 2 });
      const created = (await t.http().get(`/api/v1/sampling-plans/${id}`).set(as('supervisor')).expect(200)).body;
      expect(created.schedule).toEqual({ enabled: false, from: null, changedAt: null, changedBy: null });
      await t
        .http()
        .put(`/api/v1/sampling-plans/${id}/schedule`)
        .set(as('supervisor'))
        .send({ enabled: true })
        .expect(403);
      const bad = await t
        .http()
        .put(`/api/v1/sampling-plans/${id}/schedule`)
        .set(as('psd'))
        .send({ enabled: true, from: '2001-01' })
        .expect(400);
      expect(bad.body.errors[0]).toMatchObject({
        field: 'from',
        message: expect.stringMatching(/within the last 12 months/),
      });
      const on = (
        await t.http().put(`/api/v1/sampling-plans/${id}/schedule`).set(as('psd')).send({ enabled: true }).expect(200)
      ).body;
      expect(on.schedule).toMatchObject({
        enabled: true,
        from: expect.stringMatching(/^\d{4}-\d{2}$/),
        changedBy: { username: 'psd' },
      });
      await t.http().put(`/api/v1/sampling-plans/${id}/schedule`).set(as('psd')).send({ enabled: false }).expect(200);
      const actions = (
        (await t.dataSource.query(
          `SELECT action FROM audit_events WHERE target_id = $1 AND action LIKE 'sampling_plan.schedule%' ORDER BY seq`,
          [id],
        )) as { action: string }[]
      ).map((a) => a.action);
      expect(actions).toEqual(['sampling_plan.schedule_switched_on', 'sampling_plan.schedule_switched_off']);
    });
  });

  describe('reviews issued to nobody', () => {
    let unled: string;
    beforeAll(async () => {
      unled = await plan('TEAM-N', { teams: ['TEAM-N'], sampleSize: 3, exclusions: { alreadySampled: false } });
    });

    it('refuses to issue items nobody can review, naming each', async () => {
      const drawn = await draw('psd', { period: PERIOD, planId: unled });
      const res = await t
        .http()
        .post(`/api/v1/dip-samples/${drawn.id}/issue`)
        .set(as('psd'))
        .send({ version: drawn.version })
        .expect(422);
      expect(res.body.code).toBe('UNPROCESSABLE');
      expect(res.body.errors).toHaveLength(3);
      expect(res.body.errors[0]).toEqual({
        field: 'items.1',
        message: expect.stringContaining('no active supervisor leads team TEAM-N'),
      });
      expect(res.body.unassignedItems.map((i: { itemId: string }) => i.itemId).sort()).toEqual(
        drawn.items.map((i: { id: string }) => i.id).sort(),
      );
      const after = (await t.http().get(`/api/v1/dip-samples/${drawn.id}`).set(as('psd')).expect(200)).body;
      expect(after).toMatchObject({ status: 'draft', version: drawn.version });
      expect(after.items.every((i: { review: unknown }) => i.review === null)).toBe(true);
    });

    it('issues them to the supervisor named in assignTo, who must be an active supervisor', async () => {
      const drawn = await draw('psd', { period: PERIOD, planId: unled });
      const url = `/api/v1/dip-samples/${drawn.id}/issue`;
      const notSupervisor = await t
        .http()
        .post(url)
        .set(as('psd'))
        .send({ version: drawn.version, assignTo: ids.analyst })
        .expect(400);
      expect(notSupervisor.body.errors).toEqual([
        { field: 'assignTo', message: 'must be an active user with the supervisor role' },
      ]);
      const issued = (
        await t.http().post(url).set(as('psd')).send({ version: drawn.version, assignTo: ids.teamB }).expect(200)
      ).body;
      expect(issued.status).toBe('issued');
      expect(
        issued.items.map((i: { review: { assignedTo: { username: string } } }) => i.review.assignedTo.username),
      ).toEqual(['sgt-b', 'sgt-b', 'sgt-b']);
    });

    it('lists the open reviews nobody can do to whoever can assign them, and assigns many at once, each audited', async () => {
      // A sample issued before issuing refused such items: its reviews have no assignee.
      const drawn = await draw('psd', { period: PERIOD, planId: unled });
      const issued = (
        await t
          .http()
          .post(`/api/v1/dip-samples/${drawn.id}/issue`)
          .set(as('psd'))
          .send({ version: drawn.version, assignTo: ids.teamB })
          .expect(200)
      ).body;
      const itemIds = issued.items.map((i: { id: string }) => i.id) as string[];
      await t.dataSource.query(`UPDATE sample_reviews SET assigned_to = NULL WHERE item_id = ANY($1::uuid[])`, [
        itemIds,
      ]);

      const listed = (await t.http().get(`/api/v1/sample-reviews/unassigned?limit=2`).set(as('psd')).expect(200)).body;
      expect(listed).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect(listed.items).toHaveLength(2);
      // The sample is TEAM-N's: a TEAM-B supervisor who reviews none of it does not see it.
      expect(
        (await t.http().get('/api/v1/sample-reviews/unassigned').set(as('supervisor')).expect(200)).body.total,
      ).toBe(0);

      const bad = await t
        .http()
        .post('/api/v1/sample-reviews/assignments')
        .set(as('psd'))
        .send({ itemIds: [itemIds[0], '00000000-0000-4000-8000-000000000001'], assignedTo: ids.supervisor })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'itemIds.1', message: 'no review with this id in the samples you can see' },
      ]);
      expect((await t.http().get('/api/v1/sample-reviews/unassigned').set(as('psd')).expect(200)).body.total).toBe(3);

      const assigned = (
        await t
          .http()
          .post('/api/v1/sample-reviews/assignments')
          .set(as('psd'))
          .send({ itemIds, assignedTo: ids.supervisor, dueOn: '2024-07-31' })
          .expect(200)
      ).body;
      expect(
        assigned.map((r: { assignedTo: { username: string }; dueOn: string }) => [r.assignedTo.username, r.dueOn]),
      ).toEqual([
        ['supervisor', '2024-07-31'],
        ['supervisor', '2024-07-31'],
        ['supervisor', '2024-07-31'],
      ]);
      expect((await t.http().get('/api/v1/sample-reviews/unassigned').set(as('psd')).expect(200)).body.total).toBe(0);
      const [{ audits, notes }] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM audit_events WHERE action = 'sample_review.assigned' AND target_id = ANY($1::text[])) AS audits,
           (SELECT count(*)::int FROM notifications WHERE user_id = $2 AND kind = 'review_assigned' AND link ? 'itemIds') AS notes`,
        [itemIds, ids.supervisor],
      );
      expect({ audits, notes }).toEqual({ audits: 3, notes: 1 });
    });
  });

  describe('area scope includes the areas beneath', () => {
    it('a force-scoped supervisor reads a record in one of its boroughs, and lists include it', async () => {
      await t.http().get(`/api/v1/stop-searches/${westminster}`).set(as('met')).expect(200);
      const list = (await t.http().get('/api/v1/stop-searches').set(as('met')).expect(200)).body;
      expect(list.items.map((i: { id: string }) => i.id)).toEqual([westminster]);
    });

    it('a supervisor scoped to one borough does not see a neighbouring borough’s record', async () => {
      await t.http().get(`/api/v1/stop-searches/${westminster}`).set(as('camden')).expect(404);
      expect((await t.http().get('/api/v1/stop-searches').set(as('camden')).expect(200)).body.items).toEqual([]);
    });

    it('a force-scoped supervisor’s draw samples the records of their area, and sees the sample', async () => {
      const sample = await draw('met', { period: PERIOD });
      expect(sample).toMatchObject({ teams: [], areas: [MET], eligibleCount: 1, itemCount: 1 });
      expect(sample.items.map((i: { recordId: string }) => i.recordId)).toEqual([westminster]);
      await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('met')).expect(200);
      await t.http().get(`/api/v1/dip-samples/${sample.id}`).set(as('camden')).expect(404);
    });
  });

  describe('drawing where you see nothing', () => {
    it('says why a draw is empty, and refuses to issue it', async () => {
      const empty = await draw('supervisor', { period: '2024-06' });
      expect(empty).toMatchObject({ eligibleCount: 0, itemCount: 0, items: [], status: 'draft' });
      expect(empty.eligibility).toEqual({
        inMonth: 2,
        inScope: 0,
        excluded: { alreadyReviewed: 0, alreadySampled: 0, noBwv: 0 },
        eligible: 0,
        reason: `2 record(s) in 2024-06, none in your teams (TEAM-A) or areas (${MET}): eligible 0`,
      });
      const refused = await t
        .http()
        .post(`/api/v1/dip-samples/${empty.id}/issue`)
        .set(as('supervisor'))
        .send({ version: empty.version })
        .expect(409);
      expect(refused.body.detail).toMatch(
        /no items, so there is nothing to issue: 2 record\(s\) in 2024-06, none in your teams/,
      );
      const nothing = await draw('psd', { period: '2024-03' });
      expect(nothing.eligibility.reason).toBe(
        'no stop searches, vehicle stops, use-of-force reports are recorded in 2024-03',
      );
    });
  });

  describe('lists return totals; issuing documents its version', () => {
    it('answers a page with the total of everything matching', async () => {
      const page = (await t.http().get('/api/v1/dip-samples?limit=1').set(as('psd')).expect(200)).body;
      expect(page.items).toHaveLength(1);
      expect(page.total).toBeGreaterThanOrEqual(5);
      const next = (await t.http().get('/api/v1/dip-samples?limit=1&offset=1').set(as('psd')).expect(200)).body;
      expect(next.items[0].id).not.toBe(page.items[0].id);
      const plans = (await t.http().get('/api/v1/sampling-plans?limit=1').set(as('psd')).expect(200)).body;
      expect(plans).toMatchObject({ total: 3, limit: 1 });
      const mine = (await t.http().get('/api/v1/sample-reviews?limit=1').set(as('teamB')).expect(200)).body;
      expect(mine).toMatchObject({ total: 3, limit: 1 });
      await t.http().get('/api/v1/dip-samples?limit=0').set(as('psd')).expect(400);
    });

    it('describes the version to send when issuing (optimistic locking)', () => {
      const schemas = buildOpenApiDocument(t.app).components!.schemas as Record<
        string,
        { properties: Record<string, { description?: string }> }
      >;
      expect(schemas.IssueRequest.properties.version.description).toMatch(/optimistic locking/i);
      expect(schemas.IssueRequest.properties.version.description).toMatch(/409 VERSION_CONFLICT/);
      expect(schemas.IssueRequest.properties.assignTo.description).toMatch(/nobody else can/);
      expect(Object.keys(schemas.SamplePageResponse.properties)).toEqual(['items', 'total', 'limit', 'offset']);
    });
  });

  describe('issuing re-checks what is already sampled', () => {
    const APRIL = '2024-04';
    let first: string;
    let second: string;
    const issue = (id: string, version: number) =>
      t.http().post(`/api/v1/dip-samples/${id}/issue`).set(as('psd')).send({ version });
    const addApril = async (n: number, hour: number) => {
      for (let i = 0; i < n; i++)
        await insertStopSearch(t.dataSource, { occurredAt: `${APRIL}-0${i + 1}T${hour}:00:00Z` });
    };

    beforeAll(async () => {
      await addApril(4, 10);
      // Both plans exclude records already in an issued sample (the default).
      first = await plan('April first', { teams: ['TEAM-A'], sampleSize: 3 });
      second = await plan('April second', { teams: ['TEAM-A'], sampleSize: 3 });
    });

    it('refuses to issue a draft holding records another sample issued since it was drawn, naming them; a redraw leaves them out', async () => {
      const a = await draw('psd', { period: APRIL, planId: first });
      const b = await draw('psd', { period: APRIL, planId: second });
      await issue(a.id, a.version).expect(200);
      // Three of the same four records each: at least two are in both.
      const inA = new Set(a.items.map((i: { recordId: string }) => i.recordId));
      const shared = b.items.filter((i: { recordId: string }) => inA.has(i.recordId)) as {
        id: string;
        position: number;
        recordId: string;
      }[];
      expect(shared.length).toBeGreaterThanOrEqual(2);
      const refused = await issue(b.id, b.version).expect(409);
      expect(refused.body.code).toBe('CONFLICT');
      expect(refused.body.detail).toMatch(/already in an issued sample.*redraw/i);
      expect(refused.body.errors).toEqual(
        shared.map((i) => ({
          field: `items.${i.position}`,
          message: expect.stringContaining(`stop_search ${i.recordId}: already in the issued sample ${a.id}`),
        })),
      );
      expect(refused.body.alreadySampled).toEqual(
        shared.map((i) => ({
          itemId: i.id,
          position: i.position,
          recordKind: 'stop_search',
          recordId: i.recordId,
          sampleId: a.id,
        })),
      );
      const after = (await t.http().get(`/api/v1/dip-samples/${b.id}`).set(as('psd')).expect(200)).body;
      expect(after).toMatchObject({ status: 'draft', version: b.version });

      const redrawn = (
        await t
          .http()
          .post(`/api/v1/dip-samples/${b.id}/redraw`)
          .set(as('psd'))
          .send({ version: b.version })
          .expect(200)
      ).body;
      expect(redrawn).toMatchObject({ eligibleCount: 1, itemCount: 1 });
      expect(inA.has(redrawn.items[0].recordId)).toBe(false);
      await issue(b.id, redrawn.version).expect(200);
    });

    itOnPostgres('two overlapping drafts issued at once: one is issued, the other refused', async () => {
      await addApril(4, 11);
      const a = await draw('psd', { period: APRIL, planId: first });
      const b = await draw('psd', { period: APRIL, planId: second });
      expect([a.itemCount, b.itemCount]).toEqual([3, 3]);
      // Each issue takes its sample's lock; without one lock over the month both would find nothing issued yet.
      const results = await raceUpToAudit(t.dataSource, 2, () =>
        Promise.all([issue(a.id, a.version), issue(b.id, b.version)]),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const [{ n }] = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM dip_sample_items x JOIN dip_sample_items y ON y.case_id = x.case_id AND y.sample_id <> x.sample_id
         JOIN dip_samples sx ON sx.id = x.sample_id JOIN dip_samples sy ON sy.id = y.sample_id
         WHERE sx.status = 'issued' AND sy.status = 'issued' AND sx.period = '2024-04-01'`,
      )) as { n: number }[];
      expect(n).toBe(0);
    });
  });

  describe('assigning a review completed meanwhile', () => {
    let sample: { id: string; items: { id: string }[] };
    const complete = (itemId: string) =>
      t
        .http()
        .put(`/api/v1/dip-samples/${sample.id}/items/${itemId}/review`)
        .set(as('supervisor'))
        .send({ version: 1, form: EXAMPLE_REVIEW_FORM, submit: true });
    const assignOne = (itemId: string) =>
      t
        .http()
        .put(`/api/v1/dip-samples/${sample.id}/items/${itemId}/assignment`)
        .set(as('psd'))
        .send({ assignedTo: ids.teamB });
    const assignMany = (itemIds: string[]) =>
      t.http().post('/api/v1/sample-reviews/assignments').set(as('psd')).send({ itemIds, assignedTo: ids.teamB });
    const assignees = async () =>
      (
        (await t.dataSource.query(
          `SELECT r.item_id, u.username FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN users u ON u.id = r.assigned_to
           WHERE i.sample_id = $1 ORDER BY i.position`,
          [sample.id],
        )) as { username: string }[]
      ).map((r) => r.username);
    /** Waits until `n` database sessions wait for a lock. */
    const lockWaiters = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const [{ waiting }] = await t.dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (waiting >= n) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`${n} session(s) never waited for a lock`);
    };

    beforeAll(async () => {
      for (let i = 0; i < 6; i++)
        await insertStopSearch(t.dataSource, { occurredAt: `2024-02-0${i + 1}T10:00:00Z`, teamCode: 'TEAM-A' });
      const planId = await plan('February', { teams: ['TEAM-A'], sampleSize: 6 });
      const drawn = await draw('psd', { period: '2024-02', planId });
      sample = (
        await t
          .http()
          .post(`/api/v1/dip-samples/${drawn.id}/issue`)
          .set(as('psd'))
          .send({ version: drawn.version })
          .expect(200)
      ).body;
      expect(sample.items).toHaveLength(6);
    });

    it('refuses to reassign a completed review, alone or among others, naming it; nothing changes', async () => {
      const [done, open] = sample.items.map((i) => i.id);
      await complete(done).expect(200);
      const one = await assignOne(done).expect(409);
      expect(one.body.errors).toEqual([
        { field: 'itemId', message: expect.stringContaining(`review of item ${done} is completed`) },
      ]);
      const many = await assignMany([open, done]).expect(409);
      expect(many.body.errors).toEqual([
        { field: 'itemIds.1', message: expect.stringContaining(`review of item ${done} is completed`) },
      ]);
      expect(await assignees()).toEqual(Array(6).fill('supervisor'));
    });

    itOnPostgres('refuses a reassignment racing the review’s completion, for one review and for many', async () => {
      const [, , item3, item4, item5] = sample.items.map((i) => i.id);
      // The completion takes the review's row and waits to audit; the assignment starts only then, having read the
      // review as still open.
      const single = await raceUpToAudit(t.dataSource, 2, async () => {
        const saving = complete(item3).then((r) => r);
        await lockWaiters(1);
        return Promise.all([saving, assignOne(item3).then((r) => r)]);
      });
      expect(single.map((r) => r.status)).toEqual([200, 409]);
      const bulk = await raceUpToAudit(t.dataSource, 2, async () => {
        const saving = complete(item4).then((r) => r);
        await lockWaiters(1);
        return Promise.all([saving, assignMany([item5, item4]).then((r) => r)]);
      });
      expect(bulk.map((r) => r.status)).toEqual([200, 409]);
      expect(bulk[1].body.errors).toEqual([
        { field: 'itemIds.1', message: expect.stringContaining(`review of item ${item4} is completed`) },
      ]);
      expect(await assignees()).toEqual(Array(6).fill('supervisor'));
    });
  });
});
