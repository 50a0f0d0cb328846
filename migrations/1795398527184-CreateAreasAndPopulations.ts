import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The area hierarchy (force → district → local authority) and census population benchmarks. */
export class CreateAreasAndPopulations1795398527184 implements MigrationInterface {
  name = 'CreateAreasAndPopulations1795398527184';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "areas" (
        "code" text NOT NULL,
        "name" text NOT NULL,
        "level" text NOT NULL,
        "parent_code" text,
        "police_uk_id" text,
        CONSTRAINT "pk_areas" PRIMARY KEY ("code"),
        CONSTRAINT "ck_areas_level" CHECK ("level" IN ('force', 'district', 'local_authority')),
        CONSTRAINT "fk_areas_parent" FOREIGN KEY ("parent_code") REFERENCES "areas" ("code") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "ix_areas_parent_code" ON "areas" ("parent_code")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_areas_police_uk_id" ON "areas" ("police_uk_id") WHERE "police_uk_id" IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE "population_benchmarks" (
        "area_code" text NOT NULL,
        "census_year" smallint NOT NULL,
        "category" text NOT NULL,
        "population" integer NOT NULL,
        "source" text NOT NULL,
        CONSTRAINT "pk_population_benchmarks" PRIMARY KEY ("area_code", "census_year", "category"),
        CONSTRAINT "fk_population_benchmarks_area" FOREIGN KEY ("area_code") REFERENCES "areas" ("code") ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "population_benchmarks"`);
    await q.query(`DROP TABLE "areas"`);
  }
}
