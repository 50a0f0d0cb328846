import { AuditService, AuditVerifier, SYSTEM_ACTOR } from '@scrutiny/audit';
import { tokenFor } from '../factories/users';
import { itOnPostgres } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';

/**
 * Issue 17: the audit list sealed before each read and queued for the sealer's lock, so under load every read waited
 * for every other sealer (p99 11 s at 1M events). A read now seals only when no sealer is at work; otherwise it shows
 * the unsealed tail without hashes, and the chain stays whole.
 */
describe('audit list while another sealer is at work (integration)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ AUDIT_SEAL_INTERVAL_MS: '0' });
    token = await tokenFor(t, 'admin');
  });
  afterAll(() => t?.close());

  // Another connection holds the sealer's lock: a second connection is what the embedded database does not have.
  itOnPostgres(
    'answers without waiting for the lock, then seals once it is free',
    async () => {
      const audit = t.app.get(AuditService);
      await audit.record(SYSTEM_ACTOR, { action: 'test.while_sealing' });
      const sealer = t.dataSource.createQueryRunner();
      await sealer.connect();
      await sealer.startTransaction();
      let answer: { status: number; body: { items: { action: string; hash: string | null }[] } } | 'waited';
      try {
        await sealer.query(`SELECT pg_advisory_xact_lock(hashtext('scrutiny:audit-chain'))`);
        const read = t
          .http()
          .get('/api/v1/audit?limit=20')
          .set({ authorization: `Bearer ${token}` })
          .then((res) => res);
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<'waited'>((r) => (timer = setTimeout(() => r('waited'), 8000)));
        answer = await Promise.race([read, waited]);
        clearTimeout(timer);
      } finally {
        await sealer.rollbackTransaction();
        await sealer.release();
      }
      expect(answer).not.toBe('waited');
      if (answer === 'waited') return;
      expect(answer.status).toBe(200);
      expect(answer.body.items.find((e) => e.action === 'test.while_sealing')).toMatchObject({ hash: null });

      const after = await t
        .http()
        .get('/api/v1/audit?limit=20')
        .set({ authorization: `Bearer ${token}` })
        .expect(200);
      expect(after.body.items.find((e: { action: string }) => e.action === 'test.while_sealing').hash).toEqual(
        expect.any(String),
      );
      expect(await t.app.get(AuditVerifier).verify()).toMatchObject({ verified: true, firstBreak: null });
    },
    30_000,
  );
});
