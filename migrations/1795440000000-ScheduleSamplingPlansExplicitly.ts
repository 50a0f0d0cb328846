import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly schedule draws a plan only once someone switches its schedule on: `active` (on by default, so every
 * plan, the default one included, was drawn and issued by itself) becomes `schedule_enabled`, off for every plan,
 * with the month it starts from and who switched it and when. A sample records the areas its population came from
 * (a supervisor scoped by area draws their areas) and why its population is what it is (eligibility). Plan versions
 * written before the `alreadySampled` exclusion get it explicitly off, so their samples still verify.
 */
export class ScheduleSamplingPlansExplicitly1795440000000 implements MigrationInterface {
  name = 'ScheduleSamplingPlansExplicitly1795440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sampling_plans" RENAME COLUMN "active" TO "schedule_enabled"`);
    await q.query(`ALTER TABLE "sampling_plans" ALTER COLUMN "schedule_enabled" SET DEFAULT false`);
    await q.query(`UPDATE "sampling_plans" SET "schedule_enabled" = false`);
    await q.query(`ALTER TABLE "sampling_plans" ADD "schedule_from" date`);
    await q.query(`ALTER TABLE "sampling_plans" ADD "schedule_changed_at" timestamptz`);
    await q.query(`ALTER TABLE "sampling_plans" ADD "schedule_changed_by" uuid`);
    await q.query(`ALTER TABLE "dip_samples" ADD "areas" text array NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "dip_samples" ADD "eligibility" jsonb`);
    await q.query(`CREATE INDEX "ix_dip_samples_plan_period" ON "dip_samples" ("plan_id", "period") `);
    await q.query(
      `UPDATE "sampling_plan_versions" SET "spec" = jsonb_set("spec", '{exclusions,alreadySampled}', 'false')
       WHERE jsonb_typeof("spec"->'exclusions') = 'object' AND NOT ("spec"->'exclusions' ? 'alreadySampled')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "sampling_plan_versions" SET "spec" = jsonb_set("spec", '{exclusions}', ("spec"->'exclusions') - 'alreadySampled')
       WHERE jsonb_typeof("spec"->'exclusions') = 'object'`,
    );
    await q.query(`DROP INDEX "ix_dip_samples_plan_period"`);
    await q.query(`ALTER TABLE "dip_samples" DROP COLUMN "eligibility"`);
    await q.query(`ALTER TABLE "dip_samples" DROP COLUMN "areas"`);
    await q.query(`ALTER TABLE "sampling_plans" DROP COLUMN "schedule_changed_by"`);
    await q.query(`ALTER TABLE "sampling_plans" DROP COLUMN "schedule_changed_at"`);
    await q.query(`ALTER TABLE "sampling_plans" DROP COLUMN "schedule_from"`);
    await q.query(`ALTER TABLE "sampling_plans" ALTER COLUMN "schedule_enabled" SET DEFAULT true`);
    await q.query(`ALTER TABLE "sampling_plans" RENAME COLUMN "schedule_enabled" TO "active"`);
  }
}
