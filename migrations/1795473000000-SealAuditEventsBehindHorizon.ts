import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events are appended without a lock and sealed later. An insert gets its seq from a sequence and arrives
 * unsealed (prev_hash and hash NULL); one sealer at a time links the committed events in seq order, only below a
 * horizon no open transaction can still insert under (see AuditService.seal). The append-only trigger now allows
 * exactly one kind of UPDATE: filling prev_hash and hash of an unsealed row, every other column unchanged.
 *
 * The insert trigger takes a shared transaction-level advisory lock before it draws the seq (shared: appends never
 * wait for each other), so every transaction that holds a seq and has not finished shows in pg_locks until it
 * commits or rolls back; the sealer's horizon relies on that. The trigger sets seq itself: the application cannot
 * pick its place in the chain or arrive sealed.
 */
export class SealAuditEventsBehindHorizon1795473000000 implements MigrationInterface {
  name = 'SealAuditEventsBehindHorizon1795473000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE "audit_events_seq" AS bigint`);
    await q.query(
      `SELECT setval('audit_events_seq', (SELECT max("seq") FROM "audit_events"), true) WHERE EXISTS (SELECT 1 FROM "audit_events")`,
    );
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL`);
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL`);
    await q.query(`
      ALTER TABLE "audit_events" ADD CONSTRAINT "ck_audit_events_sealed"
        CHECK (("hash" IS NULL) = ("prev_hash" IS NULL))`);
    // Unsealed events are few and the sealer looks for them on every pass.
    await q.query(`CREATE INDEX "ix_audit_events_unsealed" ON "audit_events" ("seq") WHERE "hash" IS NULL`);
    await q.query(`
      CREATE FUNCTION "audit_events_assign_seq"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(1635083369, 1);
        NEW.seq := nextval('audit_events_seq');
        NEW.prev_hash := NULL;
        NEW.hash := NULL;
        RETURN NEW;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "audit_events_assign_seq" BEFORE INSERT ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION "audit_events_assign_seq"()`);
    // The sealer's database calls, as the owner: the application's role needs neither UPDATE on audit_events
    // nor rights on the sequence, and a seal still passes the trigger's check below.
    await q.query(`
      CREATE FUNCTION "audit_events_allocated_seq"() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public AS $$
        SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM audit_events_seq
      $$`);
    await q.query(`
      CREATE FUNCTION "audit_events_appenders"() RETURNS text[] LANGUAGE sql STABLE
      SET search_path = pg_catalog, public AS $$
        SELECT coalesce(array_agg(virtualtransaction), '{}') FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = 1635083369 AND objid = 1 AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      $$`);
    await q.query(`
      CREATE FUNCTION "audit_events_seal"(p_seq bigint[], p_prev_hash text[], p_hash text[]) RETURNS integer
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH sealed AS (
          UPDATE audit_events e SET prev_hash = v.prev_hash, hash = v.hash
          FROM unnest(p_seq, p_prev_hash, p_hash) AS v(seq, prev_hash, hash)
          WHERE e.seq = v.seq AND e.hash IS NULL
          RETURNING 1
        )
        SELECT count(*)::int FROM sealed
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
          AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
          AND NEW.hash ~ '^[0-9a-f]{64}$' AND NEW.prev_hash ~ '^[0-9a-f]{64}$'
          AND (to_jsonb(NEW) - 'hash' - 'prev_hash') = (to_jsonb(OLD) - 'hash' - 'prev_hash')
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`DROP FUNCTION "audit_events_seal"(bigint[], text[], text[])`);
    await q.query(`DROP FUNCTION "audit_events_appenders"()`);
    await q.query(`DROP FUNCTION "audit_events_allocated_seq"()`);
    await q.query(`DROP TRIGGER "audit_events_assign_seq" ON "audit_events"`);
    await q.query(`DROP FUNCTION "audit_events_assign_seq"()`);
    await q.query(`DROP INDEX "ix_audit_events_unsealed"`);
    await q.query(`ALTER TABLE "audit_events" DROP CONSTRAINT "ck_audit_events_sealed"`);
    // Unsealed events cannot be kept under NOT NULL: seal them (AuditService.seal) before going back.
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "hash" SET NOT NULL`);
    await q.query(`ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" SET NOT NULL`);
    await q.query(`DROP SEQUENCE "audit_events_seq"`);
  }
}
