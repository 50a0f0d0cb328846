import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Published figures to set a force's own records beside: the Home Office use-of-force tactic tables by force
 * (tactics by ethnicity, age, disability), one row per financial year, force, characteristic, group and tactic, as
 * published from one source file. A count the force did not supply is null.
 */
export class CreatePublishedUofTactics1795463000000 implements MigrationInterface {
  name = 'CreatePublishedUofTactics1795463000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "published_uof_tactics" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "financial_year" text NOT NULL,
        "force_code" text NOT NULL,
        "characteristic" text NOT NULL,
        "group_code" text NOT NULL,
        "tactic" text NOT NULL,
        "home_office_tactic" text NOT NULL,
        "type_of_force" text NOT NULL,
        "count" integer,
        "source_file" text NOT NULL,
        "source_line" integer NOT NULL,
        "imported_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_published_uof_tactics" PRIMARY KEY ("id"),
        CONSTRAINT "ck_published_uof_tactics_characteristic" CHECK ("characteristic" IN ('ethnicity', 'age', 'disability')),
        CONSTRAINT "ck_published_uof_tactics_count" CHECK ("count" >= 0),
        CONSTRAINT "fk_published_uof_tactics_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_published_uof_tactics_cell" ON "published_uof_tactics" ("financial_year", "force_code", "characteristic", "source_file", "tactic", "group_code")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "published_uof_tactics"`);
  }
}
