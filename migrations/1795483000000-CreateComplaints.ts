import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The complaints register (domain §8): complaints, their allegations (IOPC categories) and the officers each is about;
 * and complaint outcomes as a third source of "you said, we did" actions. The list reads newest received first by
 * keyset over (received_on, id) (scanned backwards), and filters by category, characteristic, officer and encounter
 * through their own indexes.
 */
export class CreateComplaints1795483000000 implements MigrationInterface {
  name = 'CreateComplaints1795483000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "complaints" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "force_code" text NOT NULL, "reference" text NOT NULL,
        "received_on" date NOT NULL, "logged_on" date, "finalised_on" date, "handling" text, "complainant_reference" text,
        "complainant_ethnicity" text, "complainant_sex" text, "complainant_age_band" text, "themes" text array NOT NULL DEFAULT '{}',
        "source" text NOT NULL, "import_id" uuid, "created_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL,
        CONSTRAINT "ck_complaints_dates" CHECK ("finalised_on" IS NULL OR "finalised_on" >= "received_on"),
        CONSTRAINT "pk_complaints" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_complaints_received_on" ON "complaints" ("received_on", "id")`);
    await q.query(`CREATE INDEX "ix_complaints_force_received_on" ON "complaints" ("force_code", "received_on", "id")`);
    await q.query(
      `CREATE INDEX "ix_complaints_finalised_on" ON "complaints" ("finalised_on") WHERE "finalised_on" IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_complaints_reference" ON "complaints" ("force_code", "reference")`);
    await q.query(
      `ALTER TABLE "complaints" ADD CONSTRAINT "fk_complaints_force" FOREIGN KEY ("force_code") REFERENCES "areas"("code") ON DELETE RESTRICT`,
    );

    await q.query(
      `CREATE TABLE "complaint_allegations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "complaint_id" uuid NOT NULL,
        "position" integer NOT NULL, "category" text NOT NULL, "sub_category" text NOT NULL, "characteristic" text,
        "encounter_kind" text, "encounter_id" uuid, "outcome" text,
        CONSTRAINT "ck_complaint_allegations_characteristic" CHECK (("category" = 'discriminatory_behaviour') = ("characteristic" IS NOT NULL)),
        CONSTRAINT "ck_complaint_allegations_encounter" CHECK (("encounter_kind" IS NULL) = ("encounter_id" IS NULL)),
        CONSTRAINT "pk_complaint_allegations" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_complaint_allegations_complaint_id" ON "complaint_allegations" ("complaint_id")`);
    await q.query(
      `CREATE INDEX "ix_complaint_allegations_category" ON "complaint_allegations" ("category", "characteristic")`,
    );
    await q.query(
      `CREATE INDEX "ix_complaint_allegations_encounter" ON "complaint_allegations" ("encounter_kind", "encounter_id") WHERE "encounter_id" IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "complaint_allegations" ADD CONSTRAINT "fk_complaint_allegations_complaint" FOREIGN KEY ("complaint_id") REFERENCES "complaints"("id") ON DELETE CASCADE`,
    );

    await q.query(
      `CREATE TABLE "complaint_allegation_officers" ("allegation_id" uuid NOT NULL, "officer_id" uuid NOT NULL,
        CONSTRAINT "pk_complaint_allegation_officers" PRIMARY KEY ("allegation_id", "officer_id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_complaint_allegation_officers_officer_id" ON "complaint_allegation_officers" ("officer_id")`,
    );
    await q.query(
      `ALTER TABLE "complaint_allegation_officers" ADD CONSTRAINT "fk_complaint_allegation_officers_allegation" FOREIGN KEY ("allegation_id") REFERENCES "complaint_allegations"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "complaint_allegation_officers" ADD CONSTRAINT "fk_complaint_allegation_officers_officer" FOREIGN KEY ("officer_id") REFERENCES "officers"("id") ON DELETE RESTRICT`,
    );

    // A complaint's outcome raises actions into the same tracker as panel findings and review meetings. No foreign
    // key: the panels lib's entity cannot name the complaints lib's (complaints are never deleted).
    await q.query(`ALTER TABLE "finding_actions" ADD "complaint_id" uuid`);
    await q.query(`ALTER TABLE "finding_actions" DROP CONSTRAINT "ck_finding_actions_source"`);
    await q.query(
      `ALTER TABLE "finding_actions" ADD CONSTRAINT "ck_finding_actions_source" CHECK ("finding_id" IS NOT NULL OR "meeting_quarter" IS NOT NULL OR "complaint_id" IS NOT NULL)`,
    );
    await q.query(
      `CREATE INDEX "ix_finding_actions_complaint_id" ON "finding_actions" ("complaint_id") WHERE "complaint_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM finding_actions WHERE complaint_id IS NOT NULL AND finding_id IS NULL AND meeting_quarter IS NULL`,
    );
    await q.query(`DROP INDEX "ix_finding_actions_complaint_id"`);
    await q.query(`ALTER TABLE "finding_actions" DROP CONSTRAINT "ck_finding_actions_source"`);
    await q.query(
      `ALTER TABLE "finding_actions" ADD CONSTRAINT "ck_finding_actions_source" CHECK ("finding_id" IS NOT NULL OR "meeting_quarter" IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE "finding_actions" DROP COLUMN "complaint_id"`);
    await q.query(`DROP TABLE "complaint_allegation_officers"`);
    await q.query(`DROP TABLE "complaint_allegations"`);
    await q.query(`DROP TABLE "complaints"`);
  }
}
