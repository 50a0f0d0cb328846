import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Browser sessions of the web workspace, kept server-side: the cookie holds a random token and the row its SHA-256
 * (a leaked table gives no usable cookie). Ending a session is deleting its row; the user's session version is kept
 * so that a password change or an ended API session (which bump it) also ends the browser's.
 */
export class CreateWebSessions1795482000000 implements MigrationInterface {
  name = 'CreateWebSessions1795482000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "web_sessions" (
        "id" text NOT NULL,
        "user_id" uuid NOT NULL,
        "session_version" integer NOT NULL,
        "csrf_token" text NOT NULL,
        "locale" text NOT NULL DEFAULT 'en',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        "absolute_expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_web_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "fk_web_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "ix_web_sessions_user_id" ON "web_sessions" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "web_sessions"`);
  }
}
