import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead letters (failed jobs, both run modes) and heartbeat runs of the maintenance queue. */
export class CreateJobTables1795396787978 implements MigrationInterface {
  name = 'CreateJobTables1795396787978';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "job_failures" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "queue" text NOT NULL,
        "name" text NOT NULL,
        "job_id" text NOT NULL,
        "envelope" jsonb NOT NULL,
        "attempts" integer NOT NULL,
        "error" text NOT NULL,
        "status" text NOT NULL,
        "failed_at" timestamptz NOT NULL DEFAULT now(),
        "resolved_at" timestamptz,
        "retried_as_job_id" text,
        CONSTRAINT "pk_job_failures" PRIMARY KEY ("id"),
        CONSTRAINT "ck_job_failures_status" CHECK ("status" IN ('failed', 'retried', 'discarded'))
      )`);
    await q.query(`CREATE INDEX "ix_job_failures_status_failed_at" ON "job_failures" ("status", "failed_at")`);
    await q.query(`
      CREATE TABLE "maintenance_heartbeats" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "job_id" text NOT NULL,
        "processed_by" text NOT NULL,
        "enqueued_at" timestamptz NOT NULL,
        "ran_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_maintenance_heartbeats" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "ix_maintenance_heartbeats_ran_at" ON "maintenance_heartbeats" ("ran_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "maintenance_heartbeats"`);
    await q.query(`DROP TABLE "job_failures"`);
  }
}
