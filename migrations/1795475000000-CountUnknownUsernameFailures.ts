import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-ins under usernames no account has, locked out like real accounts (no username probing by 423). */
export class CountUnknownUsernameFailures1795475000000 implements MigrationInterface {
  name = 'CountUnknownUsernameFailures1795475000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "unknown_username_failures" (
        "username" text NOT NULL,
        "failed_login_count" integer NOT NULL DEFAULT 0,
        "locked_until" timestamptz,
        "last_failed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_unknown_username_failures" PRIMARY KEY ("username")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "unknown_username_failures"`);
  }
}
