import { AuditService, AuditVerifier, SYSTEM_ACTOR } from '@scrutiny/audit';
import { itOnPostgres } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';

/**
 * Issue 15 point 8: appends take no global lock; a sealer links committed events in seq order behind a horizon no
 * open appender can still insert under.
 */
describe('audit sealing', () => {
  let t: TestApp;
  let audit: AuditService;
  let verifier: AuditVerifier;

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_SEAL_INTERVAL_MS: '0' });
    audit = t.app.get(AuditService);
    verifier = t.app.get(AuditVerifier);
  });
  afterAll(() => t.close());

  const sealedSeqs = async (): Promise<number[]> =>
    (await t.dataSource.query(`SELECT seq FROM audit_events WHERE hash IS NOT NULL ORDER BY seq`)).map(
      (r: { seq: string }) => Number(r.seq),
    );

  itOnPostgres('many transactions appending at once (some rolling back) give one valid chain', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        t.dataSource.transaction(async (m) => {
          await audit.record(SYSTEM_ACTOR, { action: 'test.concurrent_write', details: { i } }, m);
          await new Promise((r) => setTimeout(r, (i * 7) % 30));
          await audit.record(SYSTEM_ACTOR, { action: 'test.concurrent_write', details: { i, second: true } }, m);
          if (i % 5 === 0) throw new Error('roll back');
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(8);
    const result = await audit.seal({ waitMs: 5000 });
    expect(result.waiting).toBe(0);
    const rows = await t.dataSource.query(
      `SELECT seq, details, hash FROM audit_events WHERE action = 'test.concurrent_write' ORDER BY seq`,
    );
    // Every committed event is in the chain; no rolled-back one left a row.
    expect(rows).toHaveLength(64);
    expect(rows.every((r: { details: { i: number }; hash: string | null }) => r.details.i % 5 !== 0 && r.hash)).toBe(
      true,
    );
    // Every event in the table is sealed, linked to the one before it (gaps in seq from the rollbacks allowed).
    const all = await t.dataSource.query(`SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq`);
    for (let k = 1; k < all.length; k++) expect(all[k].prev_hash).toBe(all[k - 1].hash);
    expect(await verifier.verify()).toMatchObject({ verified: true, firstBreak: null, checked: all.length });
  });

  itOnPostgres(
    'does not seal past an event whose transaction is still open, and seals both in order after',
    async () => {
      await audit.seal({ waitMs: 5000 });
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await audit.record(SYSTEM_ACTOR, { action: 'test.slow' }, runner.manager);
        const [{ seq: slowSeq }] = await runner.query(`SELECT max(seq)::int AS seq FROM audit_events`);
        await audit.record(SYSTEM_ACTOR, { action: 'test.fast' }); // commits at once, after the open one drew its seq
        const held = await audit.seal({ waitMs: 100 });
        expect(held.head.seq).toBeLessThan(slowSeq);
        expect(held.waiting).toBe(1);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      const sealed = await audit.seal({ waitMs: 5000 });
      const [slow, fast] = await t.dataSource.query(
        `SELECT seq::int, prev_hash, hash FROM audit_events WHERE action IN ('test.slow', 'test.fast') ORDER BY seq`,
      );
      expect(fast.prev_hash).toBe(slow.hash);
      expect(sealed.head).toEqual({ seq: fast.seq, hash: fast.hash });
      expect(await audit.sealedHead()).toEqual(sealed.head);
      expect(await verifier.verify()).toMatchObject({ verified: true });
    },
  );

  itOnPostgres('an append does not wait for a sealer holding the sealing lock', async () => {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext('scrutiny:audit-chain'))`);
      const blocked = new Promise((resolve) => setTimeout(() => resolve('blocked'), 2000).unref());
      await expect(
        Promise.race([audit.record(SYSTEM_ACTOR, { action: 'test.while_sealing' }).then(() => 'appended'), blocked]),
      ).resolves.toBe('appended');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('a rolled-back event leaves no trace and the chain still verifies', async () => {
    await expect(
      t.dataSource.transaction(async (m) => {
        await audit.record(SYSTEM_ACTOR, { action: 'test.rolled_back' }, m);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await audit.record(SYSTEM_ACTOR, { action: 'test.after_rollback' });
    await audit.seal({ waitMs: 5000 });
    expect(await t.dataSource.query(`SELECT 1 FROM audit_events WHERE action = 'test.rolled_back'`)).toHaveLength(0);
    const [after] = await t.dataSource.query(`SELECT hash FROM audit_events WHERE action = 'test.after_rollback'`);
    expect(after.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifier.verify()).toMatchObject({ verified: true, firstBreak: null });
  });

  it('the trigger allows only sealing an unsealed event: every other update, delete and truncate is refused', async () => {
    await audit.seal({ waitMs: 5000 });
    const [sealed] = await t.dataSource.query(`SELECT seq FROM audit_events WHERE hash IS NOT NULL LIMIT 1`);
    await audit.record(SYSTEM_ACTOR, { action: 'test.unsealed' });
    const [unsealed] = await t.dataSource.query(`SELECT seq FROM audit_events WHERE action = 'test.unsealed'`);
    const h = 'a'.repeat(64);
    const refused = /append-only: (UPDATE|DELETE|TRUNCATE) refused/;
    // Re-sealing a sealed event, or editing one.
    await expect(
      t.dataSource.query(`UPDATE audit_events SET hash = $2, prev_hash = $2 WHERE seq = $1`, [sealed.seq, h]),
    ).rejects.toThrow(refused);
    await expect(
      t.dataSource.query(`UPDATE audit_events SET action = 'x' WHERE seq = $1`, [sealed.seq]),
    ).rejects.toThrow(refused);
    // Editing an unsealed event, alone or while sealing it.
    await expect(
      t.dataSource.query(`UPDATE audit_events SET details = '{"forged":true}' WHERE seq = $1`, [unsealed.seq]),
    ).rejects.toThrow(refused);
    await expect(
      t.dataSource.query(`UPDATE audit_events SET hash = $2, prev_hash = $2, actor_username = 'x' WHERE seq = $1`, [
        unsealed.seq,
        h,
      ]),
    ).rejects.toThrow(refused);
    // Sealing with something that is not a hash.
    await expect(
      t.dataSource.query(`UPDATE audit_events SET hash = 'x', prev_hash = 'y' WHERE seq = $1`, [unsealed.seq]),
    ).rejects.toThrow(refused);
    await expect(t.dataSource.query(`DELETE FROM audit_events WHERE seq = $1`, [unsealed.seq])).rejects.toThrow(
      refused,
    );
    await expect(t.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(refused);
    // An insert cannot choose its place in the chain or arrive sealed.
    await t.dataSource.query(
      `INSERT INTO audit_events (seq, id, occurred_at, actor_roles, action, prev_hash, hash)
       VALUES (1, gen_random_uuid(), now(), '{}', 'test.forged_insert', $1, $1)`,
      [h],
    );
    const [forged] = await t.dataSource.query(
      `SELECT seq::int, hash FROM audit_events WHERE action = 'test.forged_insert'`,
    );
    expect(forged.seq).toBeGreaterThan(Number(unsealed.seq));
    expect(forged.hash).toBeNull();
    expect(await sealedSeqs()).not.toContain(forged.seq);
    expect((await audit.seal({ waitMs: 5000 })).head.seq).toBe(forged.seq);
    expect(await verifier.verify()).toMatchObject({ verified: true });
  });
});
