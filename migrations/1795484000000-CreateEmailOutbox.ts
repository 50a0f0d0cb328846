import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email notifications: each person's address and whether they want each email at once or in a daily digest, and the
 * outbox the emails are written to in the transaction of the event that causes them, for a job to send. A planned
 * panel session may now be cancelled (its members get a calendar cancellation).
 */
export class CreateEmailOutbox1795484000000 implements MigrationInterface {
  name = 'CreateEmailOutbox1795484000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "email" text`);
    await q.query(`ALTER TABLE "users" ADD "notification_preference" text NOT NULL DEFAULT 'immediate'`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "ck_users_notification_preference" CHECK ("notification_preference" IN ('immediate', 'daily_digest'))`,
    );
    await q.query(`ALTER TABLE "panel_sessions" DROP CONSTRAINT "ck_panel_sessions_status"`);
    await q.query(
      `ALTER TABLE "panel_sessions" ADD CONSTRAINT "ck_panel_sessions_status" CHECK ("status" IN ('planned', 'open', 'closed', 'published', 'cancelled'))`,
    );
    await q.query(`
      CREATE TABLE "email_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid,
        "to_address" text NOT NULL,
        "template" text NOT NULL,
        "subject" text NOT NULL,
        "link" text NOT NULL,
        "text_body" text NOT NULL,
        "html_body" text,
        "ics" text,
        "dedupe_key" text NOT NULL,
        "delivery" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "claimed_until" timestamptz,
        "digest_id" uuid,
        "sent_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "ck_email_outbox_delivery" CHECK ("delivery" IN ('immediate', 'digest')),
        CONSTRAINT "ck_email_outbox_status" CHECK ("status" IN ('queued', 'sending', 'sent', 'failed', 'held', 'digested')),
        CONSTRAINT "pk_email_outbox" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_email_outbox_dedupe_key" ON "email_outbox" ("dedupe_key") `);
    await q.query(`CREATE INDEX "ix_email_outbox_status_next" ON "email_outbox" ("status", "next_attempt_at") `);
    await q.query(`CREATE INDEX "ix_email_outbox_created" ON "email_outbox" ("created_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "email_outbox"`);
    await q.query(`ALTER TABLE "panel_sessions" DROP CONSTRAINT "ck_panel_sessions_status"`);
    await q.query(
      `ALTER TABLE "panel_sessions" ADD CONSTRAINT "ck_panel_sessions_status" CHECK ("status" IN ('planned', 'open', 'closed', 'published'))`,
    );
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "ck_users_notification_preference"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "notification_preference"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "email"`);
  }
}
