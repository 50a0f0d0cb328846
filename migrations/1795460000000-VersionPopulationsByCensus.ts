import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Populations versioned by census: each census's own local authorities (with their force) and figures per
 * authority and characteristic. Replaces population_benchmarks, whose built-in 2021 rows came from a third-party
 * five-group collapse (Mixed White-and-Black counted as Black) and whose force totals were recomputed from whatever
 * was loaded last. The built-in tables (Census 2021 TS021, TS007, TS008, TS038; Census 2011 QS201EW) are loaded by
 * the reference-data seed that runs after migrations; a census imported before this must be imported again.
 */
export class VersionPopulationsByCensus1795460000000 implements MigrationInterface {
  name = 'VersionPopulationsByCensus1795460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "census_authorities" (
        "census" smallint NOT NULL,
        "code" text NOT NULL,
        "name" text NOT NULL,
        "force_code" text NOT NULL,
        CONSTRAINT "pk_census_authorities" PRIMARY KEY ("census", "code"),
        CONSTRAINT "fk_census_authorities_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX "ix_census_authorities_force" ON "census_authorities" ("force_code", "census")`);
    await q.query(`
      CREATE TABLE "census_populations" (
        "census" smallint NOT NULL,
        "area_code" text NOT NULL,
        "characteristic" text NOT NULL,
        "category" text NOT NULL,
        "population" integer NOT NULL,
        "source" text NOT NULL,
        CONSTRAINT "pk_census_populations" PRIMARY KEY ("census", "area_code", "characteristic", "category"),
        CONSTRAINT "ck_census_populations_characteristic" CHECK ("characteristic" IN ('ethnicity', 'sex', 'age', 'disability')),
        CONSTRAINT "ck_census_populations_population" CHECK ("population" >= 0),
        CONSTRAINT "fk_census_populations_authority" FOREIGN KEY ("census", "area_code")
          REFERENCES "census_authorities" ("census", "code") ON DELETE CASCADE
      )`);
    await q.query(`DROP TABLE "population_benchmarks"`);
  }

  async down(q: QueryRunner): Promise<void> {
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
    await q.query(`DROP TABLE "census_populations"`);
    await q.query(`DROP TABLE "census_authorities"`);
  }
}
