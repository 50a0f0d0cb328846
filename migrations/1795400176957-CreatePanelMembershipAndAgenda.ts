import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The part of panels that record-level access depends on: panels and their policy, members (term, vetting,
 * confidentiality), sessions with their status, and the cases on each session's agenda.
 */
export class CreatePanelMembershipAndAgenda1795400176957 implements MigrationInterface {
  name = 'CreatePanelMembershipAndAgenda1795400176957';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "panels" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "kind" text NOT NULL,
        "remit" text array NOT NULL,
        "show_grounds" boolean NOT NULL DEFAULT false,
        "bwv_redacted" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_panels" PRIMARY KEY ("id"),
        CONSTRAINT "ck_panels_kind" CHECK ("kind" IN ('internal', 'external'))
      )`);
    await q.query(`
      CREATE TABLE "panel_members" (
        "panel_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "role" text NOT NULL,
        "term_start" date NOT NULL,
        "term_end" date,
        "vetted_on" date,
        "confidentiality_signed_on" date,
        CONSTRAINT "pk_panel_members" PRIMARY KEY ("panel_id", "user_id"),
        CONSTRAINT "ck_panel_members_role" CHECK ("role" IN ('chair', 'member')),
        CONSTRAINT "fk_panel_members_panel" FOREIGN KEY ("panel_id") REFERENCES "panels" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "ix_panel_members_user_id" ON "panel_members" ("user_id")`);
    await q.query(`
      CREATE TABLE "panel_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "panel_id" uuid NOT NULL,
        "scheduled_at" timestamptz NOT NULL,
        "venue" text,
        "status" text NOT NULL,
        "opened_at" timestamptz,
        "closed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_panel_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_panel_sessions_status" CHECK ("status" IN ('planned', 'open', 'closed', 'published')),
        CONSTRAINT "fk_panel_sessions_panel" FOREIGN KEY ("panel_id") REFERENCES "panels" ("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "ix_panel_sessions_panel_id" ON "panel_sessions" ("panel_id")`);
    await q.query(`
      CREATE TABLE "session_agenda_items" (
        "session_id" uuid NOT NULL,
        "case_kind" text NOT NULL,
        "case_id" uuid NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "pk_session_agenda_items" PRIMARY KEY ("session_id", "case_kind", "case_id"),
        CONSTRAINT "fk_session_agenda_items_session" FOREIGN KEY ("session_id") REFERENCES "panel_sessions" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "ix_session_agenda_items_case" ON "session_agenda_items" ("case_kind", "case_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "session_agenda_items"`);
    await q.query(`DROP TABLE "panel_sessions"`);
    await q.query(`DROP TABLE "panel_members"`);
    await q.query(`DROP TABLE "panels"`);
  }
}
