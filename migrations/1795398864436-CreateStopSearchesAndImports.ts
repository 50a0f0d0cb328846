import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Officers (pseudonymous), stop searches, and bulk imports with their uploaded files and rejected rows. */
export class CreateStopSearchesAndImports1795398864436 implements MigrationInterface {
  name = 'CreateStopSearchesAndImports1795398864436';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "officers" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "reference" text NOT NULL,
        "force_code" text NOT NULL,
        "team_code" text,
        "supervisor_user_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_officers" PRIMARY KEY ("id"),
        CONSTRAINT "fk_officers_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_officers_reference" ON "officers" ("reference")`);

    await q.query(`
      CREATE TABLE "imports" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "format" text NOT NULL,
        "force_code" text NOT NULL,
        "filename" text NOT NULL,
        "source_month" text,
        "status" text NOT NULL,
        "rows_read" integer NOT NULL DEFAULT 0,
        "rows_imported" integer NOT NULL DEFAULT 0,
        "rows_duplicate" integer NOT NULL DEFAULT 0,
        "rows_rejected" integer NOT NULL DEFAULT 0,
        "error" text,
        "created_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        CONSTRAINT "pk_imports" PRIMARY KEY ("id"),
        CONSTRAINT "ck_imports_status" CHECK ("status" IN ('queued', 'running', 'completed', 'failed'))
      )`);
    await q.query(`CREATE INDEX "ix_imports_created_at" ON "imports" ("created_at")`);
    await q.query(`
      CREATE TABLE "import_file_chunks" (
        "import_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "data" bytea NOT NULL,
        CONSTRAINT "pk_import_file_chunks" PRIMARY KEY ("import_id", "seq"),
        CONSTRAINT "fk_import_file_chunks_import" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE "import_rejections" (
        "import_id" uuid NOT NULL,
        "line" integer NOT NULL,
        "field" text NOT NULL,
        "reason" text NOT NULL,
        CONSTRAINT "pk_import_rejections" PRIMARY KEY ("import_id", "line", "field"),
        CONSTRAINT "fk_import_rejections_import" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE "stop_searches" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "force_code" text NOT NULL,
        "area_code" text,
        "occurred_at" timestamptz NOT NULL,
        "period" date NOT NULL,
        "search_type" text NOT NULL,
        "legislation" text,
        "object_of_search" text,
        "grounds" text,
        "outcome" text,
        "outcome_linked_to_object" boolean,
        "clothing_removed" boolean,
        "part_of_operation" boolean,
        "operation_name" text,
        "latitude" double precision,
        "longitude" double precision,
        "gender" text,
        "age_range" text,
        "self_defined_ethnicity" text,
        "officer_defined_ethnicity" text,
        "officer_id" uuid,
        "team_code" text,
        "s60_authorisation_id" text,
        "bwv_activated_before_encounter" boolean,
        "source" text NOT NULL,
        "import_id" uuid,
        "dedup_key" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_stop_searches" PRIMARY KEY ("id"),
        CONSTRAINT "fk_stop_searches_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_stop_searches_area" FOREIGN KEY ("area_code") REFERENCES "areas" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_stop_searches_officer" FOREIGN KEY ("officer_id") REFERENCES "officers" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_stop_searches_import" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_stop_searches_dedup_key" ON "stop_searches" ("dedup_key") WHERE "dedup_key" IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "ix_stop_searches_force_period" ON "stop_searches" ("force_code", "period")`);
    await q.query(
      `CREATE INDEX "ix_stop_searches_team_code" ON "stop_searches" ("team_code") WHERE "team_code" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "stop_searches"`);
    await q.query(`DROP TABLE "import_rejections"`);
    await q.query(`DROP TABLE "import_file_chunks"`);
    await q.query(`DROP TABLE "imports"`);
    await q.query(`DROP TABLE "officers"`);
  }
}
