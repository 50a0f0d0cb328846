import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly dip samples: versioned sampling plans, samples with their items (immutable once issued), supervisor
 * reviews, BWV hold requests and notifications; and what the targeted rules read: a pseudonymous subject
 * reference on every record kind, officer flags, and the officer's own user account.
 */
export class CreateDipSamples1795411258898 implements MigrationInterface {
  name = 'CreateDipSamples1795411258898';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sampling_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "is_default" boolean NOT NULL DEFAULT false, "current_version" integer NOT NULL, "created_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "pk_sampling_plans" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_sampling_plans_name" ON "sampling_plans" ("name") `);
    await q.query(
      `CREATE TABLE "sampling_plan_versions" ("plan_id" uuid NOT NULL, "version" integer NOT NULL, "spec" jsonb NOT NULL, "created_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "pk_sampling_plan_versions" PRIMARY KEY ("plan_id", "version"))`,
    );
    await q.query(
      `CREATE TABLE "dip_samples" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "plan_id" uuid NOT NULL, "plan_version" integer NOT NULL, "period" date NOT NULL, "seed" text NOT NULL, "teams" text array NOT NULL DEFAULT '{}', "algorithm_version" text NOT NULL, "eligible_count" integer NOT NULL, "population_fingerprint" text NOT NULL, "drawn_at" timestamptz NOT NULL, "drawn_by" uuid, "status" text NOT NULL, "scheduled" boolean NOT NULL DEFAULT false, "allocation" jsonb NOT NULL, "issued_at" timestamptz, "issued_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_dip_samples_status" CHECK ("status" IN ('draft', 'issued')), CONSTRAINT "pk_dip_samples" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_dip_samples_scheduled" ON "dip_samples" ("plan_id", "period") WHERE "scheduled"`,
    );
    await q.query(`CREATE INDEX "ix_dip_samples_period" ON "dip_samples" ("period") `);
    await q.query(
      `CREATE TABLE "dip_sample_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sample_id" uuid NOT NULL, "position" integer NOT NULL, "case_kind" text NOT NULL, "case_id" uuid NOT NULL, "reason" text NOT NULL, "matched_rules" text array NOT NULL DEFAULT '{}', "stratum" text NOT NULL, "stratum_size" integer NOT NULL, "inclusion_probability" double precision NOT NULL, CONSTRAINT "pk_dip_sample_items" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_dip_sample_items_case" ON "dip_sample_items" ("case_kind", "case_id") `);
    await q.query(
      `CREATE UNIQUE INDEX "uq_dip_sample_items_case" ON "dip_sample_items" ("sample_id", "case_kind", "case_id") `,
    );
    await q.query(
      `CREATE TABLE "sample_reviews" ("item_id" uuid NOT NULL, "assigned_to" uuid, "due_on" date, "status" text NOT NULL, "form" jsonb, "completed_at" timestamptz, "completed_by" uuid, "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_sample_reviews_status" CHECK ("status" IN ('assigned', 'in_progress', 'completed')), CONSTRAINT "pk_sample_reviews" PRIMARY KEY ("item_id"))`,
    );
    await q.query(`CREATE INDEX "ix_sample_reviews_assigned_to" ON "sample_reviews" ("assigned_to") `);
    await q.query(
      `CREATE TABLE "bwv_hold_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clip_id" uuid NOT NULL, "sample_id" uuid NOT NULL, "status" text NOT NULL, "requested_at" timestamptz NOT NULL DEFAULT now(), "confirmed_at" timestamptz, "confirmed_by" uuid, "warned_at" timestamptz, CONSTRAINT "ck_bwv_hold_requests_status" CHECK ("status" IN ('pending', 'confirmed', 'lost')), CONSTRAINT "pk_bwv_hold_requests" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_bwv_hold_requests_status" ON "bwv_hold_requests" ("status") `);
    await q.query(
      `CREATE UNIQUE INDEX "uq_bwv_hold_requests_clip_sample" ON "bwv_hold_requests" ("clip_id", "sample_id") `,
    );
    await q.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" text NOT NULL, "message" text NOT NULL, "link" jsonb NOT NULL DEFAULT '{}', "created_at" timestamptz NOT NULL DEFAULT now(), "read_at" timestamptz, CONSTRAINT "pk_notifications" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_notifications_user_created" ON "notifications" ("user_id", "created_at") `);
    await q.query(`ALTER TABLE "officers" ADD "user_id" uuid`);
    await q.query(`ALTER TABLE "officers" ADD "flagged_at" timestamptz`);
    await q.query(`ALTER TABLE "officers" ADD "flag_reason" text`);
    await q.query(`ALTER TABLE "officers" ADD "flag_cleared_at" timestamptz`);
    await q.query(`ALTER TABLE "stop_searches" ADD "subject_reference" text`);
    await q.query(`ALTER TABLE "vehicle_stops" ADD "subject_reference" text`);
    await q.query(`ALTER TABLE "use_of_force_reports" ADD "subject_reference" text`);
    await q.query(
      `CREATE INDEX "ix_stop_searches_subject_reference" ON "stop_searches" ("subject_reference") WHERE "subject_reference" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_vehicle_stops_subject_reference" ON "vehicle_stops" ("subject_reference") WHERE "subject_reference" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_use_of_force_reports_subject_reference" ON "use_of_force_reports" ("subject_reference") WHERE "subject_reference" IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "sampling_plan_versions" ADD CONSTRAINT "fk_sampling_plan_versions_plan" FOREIGN KEY ("plan_id") REFERENCES "sampling_plans"("id") ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE "dip_samples" ADD CONSTRAINT "fk_dip_samples_plan" FOREIGN KEY ("plan_id") REFERENCES "sampling_plans"("id") ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE "dip_sample_items" ADD CONSTRAINT "fk_dip_sample_items_sample" FOREIGN KEY ("sample_id") REFERENCES "dip_samples"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "sample_reviews" ADD CONSTRAINT "fk_sample_reviews_item" FOREIGN KEY ("item_id") REFERENCES "dip_sample_items"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "bwv_hold_requests" ADD CONSTRAINT "fk_bwv_hold_requests_clip" FOREIGN KEY ("clip_id") REFERENCES "bwv_clips"("id") ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE "bwv_hold_requests" ADD CONSTRAINT "fk_bwv_hold_requests_sample" FOREIGN KEY ("sample_id") REFERENCES "dip_samples"("id") ON DELETE CASCADE`,
    );
    // An issued sample is evidence that no one cherry-picked: its items can no longer change.
    await q.query(`
      CREATE FUNCTION dip_sample_items_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM dip_samples WHERE id = OLD.sample_id AND status = 'issued') THEN
          RAISE EXCEPTION 'the items of an issued dip sample cannot be changed' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(
      `CREATE TRIGGER dip_sample_items_immutable BEFORE UPDATE OR DELETE ON dip_sample_items FOR EACH ROW EXECUTE FUNCTION dip_sample_items_immutable()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dip_sample_items_immutable ON dip_sample_items`);
    await q.query(`DROP FUNCTION dip_sample_items_immutable()`);
    for (const table of [
      'notifications',
      'bwv_hold_requests',
      'sample_reviews',
      'dip_sample_items',
      'dip_samples',
      'sampling_plan_versions',
      'sampling_plans',
    ])
      await q.query(`DROP TABLE "${table}"`);
    for (const table of ['stop_searches', 'vehicle_stops', 'use_of_force_reports']) {
      await q.query(`DROP INDEX "ix_${table}_subject_reference"`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "subject_reference"`);
    }
    for (const column of ['user_id', 'flagged_at', 'flag_reason', 'flag_cleared_at'])
      await q.query(`ALTER TABLE "officers" DROP COLUMN "${column}"`);
  }
}
