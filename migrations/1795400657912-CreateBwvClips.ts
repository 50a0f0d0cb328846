import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Body-worn-video clip references and the cases each covers. */
export class CreateBwvClips1795400657912 implements MigrationInterface {
  name = 'CreateBwvClips1795400657912';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "bwv_clips" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "reference" text NOT NULL,
        "force_code" text NOT NULL,
        "officer_id" uuid,
        "device_id" text,
        "recorded_at" timestamptz NOT NULL,
        "duration_seconds" integer,
        "retention_expires_at" timestamptz NOT NULL,
        "status" text NOT NULL,
        "hold_placed_at" timestamptz,
        "hold_placed_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_bwv_clips" PRIMARY KEY ("id"),
        CONSTRAINT "ck_bwv_clips_status" CHECK ("status" IN ('available', 'on_hold', 'deleted', 'evidential')),
        CONSTRAINT "fk_bwv_clips_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_bwv_clips_officer" FOREIGN KEY ("officer_id") REFERENCES "officers" ("id") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_bwv_clips_reference" ON "bwv_clips" ("reference")`);
    await q.query(`CREATE INDEX "ix_bwv_clips_retention_expires_at" ON "bwv_clips" ("retention_expires_at")`);
    await q.query(`
      CREATE TABLE "bwv_clip_links" (
        "clip_id" uuid NOT NULL,
        "case_kind" text NOT NULL,
        "case_id" uuid NOT NULL,
        CONSTRAINT "pk_bwv_clip_links" PRIMARY KEY ("clip_id", "case_kind", "case_id"),
        CONSTRAINT "fk_bwv_clip_links_clip" FOREIGN KEY ("clip_id") REFERENCES "bwv_clips" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "ix_bwv_clip_links_case" ON "bwv_clip_links" ("case_kind", "case_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "bwv_clip_links"`);
    await q.query(`DROP TABLE "bwv_clips"`);
  }
}
