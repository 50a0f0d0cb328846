import { AUDIT_COUNT_CAP, AuditService, AuditVerifier, SYSTEM_ACTOR } from '@scrutiny/audit';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('audit trail', () => {
  let t: TestApp;
  let audit: AuditService;
  let verifier: AuditVerifier;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    audit = t.app.get(AuditService);
    verifier = t.app.get(AuditVerifier);
  });
  afterAll(() => t.close());

  it('keeps an unbroken chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => audit.record(SYSTEM_ACTOR, { action: 'test.concurrent', details: { i } })),
    );
    const seqs = (await t.dataSource.query(`SELECT seq FROM audit_events ORDER BY seq`)).map((r: { seq: string }) =>
      Number(r.seq),
    );
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(await verifier.verify()).toMatchObject({ verified: true, firstBreak: null, checked: seqs.length });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on audit events', async () => {
    await expect(t.dataSource.query(`UPDATE audit_events SET action = 'x' WHERE seq = 1`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(t.dataSource.query(`DELETE FROM audit_events WHERE seq = 1`)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(t.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
  });

  it('lists events newest first, filtered, with a cursor', async () => {
    const first = await audit.list(SYSTEM_ACTOR, { action: 'test.concurrent', limit: 10 });
    expect(first.items).toHaveLength(10);
    expect(first.items[0].seq).toBeGreaterThan(first.items[9].seq);
    const second = await audit.list(SYSTEM_ACTOR, { action: 'test', limit: 10, beforeSeq: Number(first.nextCursor) });
    expect(second.items[0].seq).toBe(first.items[9].seq - 1);
    expect(second.items.every((e) => e.action === 'test.concurrent')).toBe(true);
  });

  it('serves the trail and its verification to professional standards and admins only', async () => {
    const psd = await tokenFor(t, 'professional_standards');
    const res = await t
      .http()
      .get('/api/v1/audit?action=auth.login&limit=5')
      .set('authorization', `Bearer ${psd}`)
      .expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((e: { action: string }) => e.action.startsWith('auth.login'))).toBe(true);
    await t
      .http()
      .get('/api/v1/audit/verify')
      .set('authorization', `Bearer ${await tokenFor(t, 'admin')}`)
      .expect(200, /"verified":true/);
    await t
      .http()
      .get('/api/v1/audit')
      .set('authorization', `Bearer ${await tokenFor(t, 'supervisor')}`)
      .expect(403);
    const bad = await t
      .http()
      .get('/api/v1/audit?actorId=nope&limit=0')
      .set('authorization', `Bearer ${psd}`)
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['actorId', 'limit']);
  });

  it('altering one row by hand (bypassing the trigger) makes verification fail, naming that row', async () => {
    const [victim] = await t.dataSource.query(
      `SELECT seq, id FROM audit_events WHERE action = 'test.concurrent' ORDER BY seq LIMIT 1 OFFSET 3`,
    );
    await t.dataSource.transaction(async (m) => {
      // What a DBA with superuser rights could do: switch triggers off for the session and edit history.
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE audit_events SET details = '{"i": 999}' WHERE seq = $1`, [victim.seq]);
    });
    const result = await verifier.verify();
    expect(result).toMatchObject({
      verified: false,
      firstBreak: { seq: Number(victim.seq), id: victim.id, reason: expect.stringContaining('altered') },
    });
    const api = await t
      .http()
      .get('/api/v1/audit/verify')
      .set('authorization', `Bearer ${await tokenFor(t, 'professional_standards')}`)
      .expect(200);
    expect(api.body.firstBreak.id).toBe(victim.id);
  });

  it('counts matching events on the first page, exactly up to AUDIT_COUNT_CAP and capped beyond it', async () => {
    const few = await audit.list(SYSTEM_ACTOR, { action: 'test.concurrent', limit: 10 });
    expect(few).toMatchObject({ total: 25, totalCapped: false });
    const later = await audit.list(SYSTEM_ACTOR, {
      action: 'test.concurrent',
      limit: 10,
      beforeSeq: Number(few.nextCursor),
    });
    expect(later).toMatchObject({ total: null, totalCapped: false });

    const insertMany = (action: string, n: number) =>
      t.dataSource.query(
        `INSERT INTO audit_events (id, occurred_at, actor_roles, action)
         SELECT gen_random_uuid(), now(), '{}', $1 FROM generate_series(1, $2::int)`,
        [action, n],
      );
    await insertMany('test.at_cap', AUDIT_COUNT_CAP);
    await insertMany('test.over_cap', AUDIT_COUNT_CAP + 1);
    expect(await audit.list(SYSTEM_ACTOR, { action: 'test.at_cap' })).toMatchObject({
      total: AUDIT_COUNT_CAP,
      totalCapped: false,
    });
    const res = await t
      .http()
      .get('/api/v1/audit?action=test.over_cap&limit=5')
      .set('authorization', `Bearer ${await tokenFor(t, 'admin')}`)
      .expect(200);
    expect(res.body).toMatchObject({ total: AUDIT_COUNT_CAP, totalCapped: true });
  });
});
