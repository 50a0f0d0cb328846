import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, refresh tokens and the append-only, hash-chained audit trail. The trigger makes the database itself
 * refuse UPDATE, DELETE and TRUNCATE on audit_events, whatever the application does.
 */
export class CreateIdentityAndAudit1795398116327 implements MigrationInterface {
  name = 'CreateIdentityAndAudit1795398116327';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "username" text NOT NULL,
        "display_name" text NOT NULL,
        "password_hash" text NOT NULL,
        "roles" text array NOT NULL,
        "teams" text array NOT NULL DEFAULT '{}',
        "areas" text array NOT NULL DEFAULT '{}',
        "disabled_at" timestamptz,
        "failed_login_count" integer NOT NULL DEFAULT 0,
        "locked_until" timestamptz,
        "session_version" integer NOT NULL DEFAULT 1,
        "password_changed_at" timestamptz NOT NULL DEFAULT now(),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_users" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_users_username" ON "users" ("username")`);

    await q.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "family_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "issued_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_refresh_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "fk_refresh_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_refresh_tokens_token_hash" ON "refresh_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "ix_refresh_tokens_family_id" ON "refresh_tokens" ("family_id")`);
    await q.query(`CREATE INDEX "ix_refresh_tokens_user_id" ON "refresh_tokens" ("user_id")`);

    await q.query(`
      CREATE TABLE "audit_events" (
        "seq" bigint NOT NULL,
        "id" uuid NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "actor_id" uuid,
        "actor_username" text,
        "actor_roles" text array NOT NULL,
        "action" text NOT NULL,
        "target_type" text,
        "target_id" text,
        "request_id" text,
        "before" jsonb,
        "after" jsonb,
        "details" jsonb,
        "prev_hash" text NOT NULL,
        "hash" text NOT NULL,
        CONSTRAINT "pk_audit_events" PRIMARY KEY ("seq")
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_audit_events_id" ON "audit_events" ("id")`);
    await q.query(`CREATE INDEX "ix_audit_events_occurred_at" ON "audit_events" ("occurred_at")`);
    await q.query(`CREATE INDEX "ix_audit_events_actor_id" ON "audit_events" ("actor_id")`);
    await q.query(`CREATE INDEX "ix_audit_events_target" ON "audit_events" ("target_type", "target_id")`);
    await q.query(`CREATE INDEX "ix_audit_events_action" ON "audit_events" ("action")`);
    await q.query(`
      CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"()`);
    await q.query(`
      CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
      FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION "audit_events_refuse_change"()`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP TABLE "users"`);
  }
}
