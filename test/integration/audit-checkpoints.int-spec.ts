import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AuditCheckpoints,
  AuditEvent,
  AuditService,
  AuditVerifier,
  describeVerification,
  eventHash,
  SYSTEM_ACTOR,
  type ChainedFields,
} from '@scrutiny/audit';
import { generateAuditKeyPair } from '@scrutiny/core';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/**
 * The two attacks of issue 15 by someone with the database's superuser rights: recompute the chain from seq 67 on
 * after an edit, and delete the last 10 events. The hash chain alone passes both; the signed checkpoints, written
 * outside the database, do not.
 */
describe('signed audit checkpoints', () => {
  let t: TestApp;
  let audit: AuditService;
  let verifier: AuditVerifier;
  let checkpoints: AuditCheckpoints;
  let dir: string;
  let file: string;
  let admin: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrutiny-checkpoints-'));
    file = path.join(dir, 'audit-checkpoints.jsonl');
    t = await createTestApp({
      AUDIT_SIGNING_KEY: generateAuditKeyPair().privateKey,
      AUDIT_CHECKPOINT_FILE: file,
      AUDIT_CHECKPOINT_INTERVAL_MS: '0',
      AUDIT_CHECKPOINT_EVERY: '30',
    });
    audit = t.app.get(AuditService);
    verifier = t.app.get(AuditVerifier);
    checkpoints = t.app.get(AuditCheckpoints);
    admin = await tokenFor(t, 'admin');
    // 4 × 30 events: sealing each 30 reaches AUDIT_CHECKPOINT_EVERY, so the sealer's hook signs the head each time.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 30; i++)
        await audit.record(SYSTEM_ACTOR, { action: 'test.checkpointed', details: { round, i } });
      await audit.seal({ waitMs: 1000 });
      // Already checkpointed by the hook: nothing new to sign (this also waits for the hook's write).
      expect(await checkpoints.checkpointNow()).toBeNull();
    }
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sealedEvents = async (fromSeq = 0) =>
    (await t.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.seq >= :fromSeq AND e.hash IS NOT NULL', { fromSeq })
      .orderBy('e.seq', 'ASC')
      .getMany()) as (AuditEvent & ChainedFields & { hash: string })[];

  /** What a superuser can do: switch the append-only trigger off for the transaction and write what they like. */
  const asSuperuser = (fn: (q: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void>) =>
    t.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await fn((sql, params) => m.query(sql, params));
    });

  it('writes each checkpoint as a signed JSON line (and verifies against them)', async () => {
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(Object.keys(lines[0]).sort()).toEqual(['at', 'hash', 'keyId', 'seq', 'signature']);
    const result = await verifier.verify();
    expect(result).toMatchObject({ verified: true, firstBreak: null, truncated: null });
    expect(result.checkpoints).toMatchObject({ file, signed: 4, matched: 4, problems: [] });
    expect(describeVerification(result)[0]).toMatch(
      /^Audit trail verified: \d+ events, chain intact, matching 4 signed/,
    );
  });

  it('a chain recomputed from seq 67 on after an edit fails at the first checkpoint after 67', async () => {
    const tail = await sealedEvents(67);
    const original = tail.map((e) => ({ seq: e.seq, details: e.details, prevHash: e.prevHash, hash: e.hash }));
    const [before] = await sealedEvents(66);
    expect(before.seq).toBe(66);
    await asSuperuser(async (q) => {
      let prev = before.hash;
      for (const event of tail) {
        const details = event.seq === 67 ? { rewritten: true } : event.details;
        const hash = eventHash({ ...event, details, prevHash: prev });
        await q(`UPDATE audit_events SET details = $1::jsonb, prev_hash = $2, hash = $3 WHERE seq = $4`, [
          JSON.stringify(details),
          prev,
          hash,
          event.seq,
        ]);
        prev = hash;
      }
    });
    try {
      const file0 = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { seq: number });
      const firstAfter = file0.map((c) => c.seq).find((seq) => seq >= 67)!;
      // The hash chain alone (what audit:verify checked before) still holds together.
      expect(await verifier.verify({ checkpointFile: path.join(dir, 'none.jsonl') })).toMatchObject({ verified: true });
      const result = await verifier.verify();
      expect(result.verified).toBe(false);
      expect(result.firstBreak).toMatchObject({
        seq: firstAfter,
        reason: expect.stringMatching(
          new RegExp(`^event seq=${firstAfter} does not match the signed checkpoint of \\d{4}-\\d\\d-\\d\\dT`),
        ),
      });
      expect(describeVerification(result)[0]).toContain(`BROKEN at event seq=${firstAfter}`);
      const api = await t.http().get('/api/v1/audit/verify').set('authorization', `Bearer ${admin}`).expect(200);
      expect(api.body).toMatchObject({ verified: false, firstBreak: { seq: firstAfter } });
    } finally {
      await asSuperuser(async (q) => {
        for (const o of original) {
          await q(`UPDATE audit_events SET details = $1::jsonb, prev_hash = $2, hash = $3 WHERE seq = $4`, [
            JSON.stringify(o.details),
            o.prevHash,
            o.hash,
            o.seq,
          ]);
        }
      });
    }
    expect((await verifier.verify()).verified).toBe(true);
  });

  it('deleting the last 10 events is reported as a removed tail', async () => {
    const checkpointed = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').pop()!) as { seq: number };
    await asSuperuser(async (q) => {
      await q(`DELETE FROM audit_events WHERE seq > $1 - 10`, [checkpointed.seq]);
    });
    expect(await verifier.verify({ checkpointFile: path.join(dir, 'none.jsonl') })).toMatchObject({ verified: true });
    const result = await verifier.verify();
    expect(result.verified).toBe(false);
    expect(result.firstBreak).toBeNull();
    expect(result.truncated).toMatchObject({ lastSeq: checkpointed.seq - 10, checkpointSeq: checkpointed.seq });
    expect(result.truncated!.message).toMatch(
      new RegExp(`^the last 10 events \\(seq ${checkpointed.seq - 9}–${checkpointed.seq}\\) were removed`),
    );
    expect(describeVerification(result)[0]).toMatch(/^Audit trail TRUNCATED: the last 10 events/);
  });

  it('a checkpoint line altered in the file is reported as a bad signature', async () => {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const forged = JSON.parse(lines[1]) as { hash: string };
    forged.hash = 'f'.repeat(64);
    lines[1] = JSON.stringify(forged);
    const copy = path.join(dir, 'forged.jsonl');
    fs.writeFileSync(copy, `${lines.join('\n')}\n`);
    const result = await verifier.verify({ checkpointFile: copy });
    expect(result.verified).toBe(false);
    expect(result.checkpoints.problems).toEqual([
      { line: 2, seq: expect.any(Number), message: expect.stringContaining('the signature does not verify') },
    ]);
    expect(describeVerification(result).join('\n')).toContain(`line 2`);
  });
});
