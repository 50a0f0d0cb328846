import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Panel sessions in full: quorum, attendance, conflict declarations, blind ratings, consensus findings (versioned,
 * frozen at close) and the actions they raise with the force's responses.
 */
export class CreatePanelSessions1795412617284 implements MigrationInterface {
  name = 'CreatePanelSessions1795412617284';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "session_attendance" ("session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "present" boolean NOT NULL, "recorded_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "pk_session_attendance" PRIMARY KEY ("session_id", "user_id"))`,
    );
    await q.query(
      `CREATE TABLE "conflict_declarations" ("session_id" uuid NOT NULL, "case_kind" text NOT NULL, "case_id" uuid NOT NULL, "user_id" uuid NOT NULL, "reason" text NOT NULL, "declared_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "pk_conflict_declarations" PRIMARY KEY ("session_id", "case_kind", "case_id", "user_id"))`,
    );
    await q.query(
      `CREATE TABLE "panel_ratings" ("agenda_item_id" uuid NOT NULL, "user_id" uuid NOT NULL, "form" jsonb NOT NULL, "status" text NOT NULL, "submitted_at" timestamptz, "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_panel_ratings_status" CHECK ("status" IN ('draft', 'submitted')), CONSTRAINT "pk_panel_ratings" PRIMARY KEY ("agenda_item_id", "user_id"))`,
    );
    await q.query(
      `CREATE TABLE "panel_findings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agenda_item_id" uuid NOT NULL, "finding_version" integer NOT NULL, "form" jsonb NOT NULL, "status" text NOT NULL, "supersedes_id" uuid, "correction_reason" text, "recorded_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_panel_findings_status" CHECK ("status" IN ('draft', 'final')), CONSTRAINT "pk_panel_findings" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_panel_findings_item_version" ON "panel_findings" ("agenda_item_id", "finding_version")`,
    );
    await q.query(
      `CREATE TABLE "finding_actions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "finding_id" uuid NOT NULL, "kind" text NOT NULL, "description" text NOT NULL, "owner" text NOT NULL, "due_on" date NOT NULL, "status" text NOT NULL, "response" text, "responded_at" timestamptz, "created_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_finding_actions_status" CHECK ("status" IN ('open', 'in_progress', 'done', 'cancelled')), CONSTRAINT "pk_finding_actions" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_finding_actions_finding_id" ON "finding_actions" ("finding_id")`);
    await q.query(`ALTER TABLE "panels" ADD "quorum" integer NOT NULL DEFAULT 3`);
    await q.query(`ALTER TABLE "panel_sessions" ADD "online" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "panel_sessions" ADD "published_at" timestamptz`);
    await q.query(`ALTER TABLE "panel_sessions" ADD "minutes" text`);
    await q.query(`ALTER TABLE "session_agenda_items" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE "session_agenda_items" ADD "dip_sample_item_id" uuid`);
    await q.query(`ALTER TABLE "session_agenda_items" ADD "ratings_revealed_at" timestamptz`);
    await q.query(`CREATE UNIQUE INDEX "uq_session_agenda_items_id" ON "session_agenda_items" ("id")`);
    await q.query(
      `ALTER TABLE "session_attendance" ADD CONSTRAINT "fk_session_attendance_session" FOREIGN KEY ("session_id") REFERENCES "panel_sessions"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "conflict_declarations" ADD CONSTRAINT "fk_conflict_declarations_session" FOREIGN KEY ("session_id") REFERENCES "panel_sessions"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "finding_actions" ADD CONSTRAINT "fk_finding_actions_finding" FOREIGN KEY ("finding_id") REFERENCES "panel_findings"("id") ON DELETE RESTRICT`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'finding_actions',
      'panel_findings',
      'panel_ratings',
      'conflict_declarations',
      'session_attendance',
    ])
      await q.query(`DROP TABLE "${table}"`);
    await q.query(`DROP INDEX "uq_session_agenda_items_id"`);
    for (const column of ['id', 'dip_sample_item_id', 'ratings_revealed_at'])
      await q.query(`ALTER TABLE "session_agenda_items" DROP COLUMN "${column}"`);
    for (const column of ['online', 'published_at', 'minutes'])
      await q.query(`ALTER TABLE "panel_sessions" DROP COLUMN "${column}"`);
    await q.query(`ALTER TABLE "panels" DROP COLUMN "quorum"`);
  }
}
