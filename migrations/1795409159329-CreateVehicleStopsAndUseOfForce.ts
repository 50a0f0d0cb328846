import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Vehicle stops and use-of-force reports beside stop searches, and the force's own record reference on all three. */
export class CreateVehicleStopsAndUseOfForce1795409159329 implements MigrationInterface {
  name = 'CreateVehicleStopsAndUseOfForce1795409159329';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "stop_searches" ADD "source_reference" text`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_stop_searches_reference" ON "stop_searches" ("force_code", "source_reference") WHERE "source_reference" IS NOT NULL`,
    );

    const common = (table: string) => `
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "force_code" text NOT NULL,
        "area_code" text,
        "occurred_at" timestamptz NOT NULL,
        "period" date NOT NULL,
        "latitude" double precision,
        "longitude" double precision,
        "officer_id" uuid,
        "team_code" text,
        "source_reference" text,
        "source" text NOT NULL,
        "import_id" uuid,
        "linked_stop_search_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "pk_${table}" PRIMARY KEY ("id"),
        CONSTRAINT "fk_${table}_force" FOREIGN KEY ("force_code") REFERENCES "areas" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_${table}_area" FOREIGN KEY ("area_code") REFERENCES "areas" ("code") ON DELETE RESTRICT,
        CONSTRAINT "fk_${table}_officer" FOREIGN KEY ("officer_id") REFERENCES "officers" ("id") ON DELETE RESTRICT,
        CONSTRAINT "fk_${table}_import" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_${table}_stop_search" FOREIGN KEY ("linked_stop_search_id") REFERENCES "stop_searches" ("id") ON DELETE SET NULL`;
    const indexes = async (table: string) => {
      await q.query(
        `CREATE UNIQUE INDEX "uq_${table}_reference" ON "${table}" ("force_code", "source_reference") WHERE "source_reference" IS NOT NULL`,
      );
      await q.query(`CREATE INDEX "ix_${table}_force_period" ON "${table}" ("force_code", "period")`);
      await q.query(`CREATE INDEX "ix_${table}_team_code" ON "${table}" ("team_code") WHERE "team_code" IS NOT NULL`);
    };

    await q.query(`
      CREATE TABLE "vehicle_stops" (${common('vehicle_stops')},
        "reason" text NOT NULL,
        "reason_detail" text,
        "outcome" text,
        "gender" text,
        "age_range" text,
        "self_defined_ethnicity" text,
        "officer_defined_ethnicity" text,
        "bwv_activated_before_encounter" boolean
      )`);
    await indexes('vehicle_stops');

    await q.query(`
      CREATE TABLE "use_of_force_reports" (${common('use_of_force_reports')},
        "location_type" text,
        "tactics" jsonb NOT NULL,
        "impact_factors" text array NOT NULL DEFAULT '{}',
        "reasons" text array NOT NULL DEFAULT '{}',
        "outcomes" text array NOT NULL DEFAULT '{}',
        "subject_injury" text,
        "officer_injury" text,
        "officer_assaulted" boolean,
        "gender" text,
        "age_range" text,
        "perceived_ethnicity" text,
        "perceived_disability" text,
        "bwv_activated" boolean
      )`);
    await indexes('use_of_force_reports');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "use_of_force_reports"`);
    await q.query(`DROP TABLE "vehicle_stops"`);
    await q.query(`DROP INDEX "uq_stop_searches_reference"`);
    await q.query(`ALTER TABLE "stop_searches" DROP COLUMN "source_reference"`);
  }
}
