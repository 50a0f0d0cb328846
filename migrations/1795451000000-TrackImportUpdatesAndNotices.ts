import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports count the records they updated in place (a re-imported reference with changed values) and the rows they
 * imported with a notice (a clip whose record is not known yet: imported, not linked), listed in `import_notices`
 * by line like rejections. Listing imports filters by status, format and force, newest first.
 */
export class TrackImportUpdatesAndNotices1795451000000 implements MigrationInterface {
  name = 'TrackImportUpdatesAndNotices1795451000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "imports" ADD "rows_updated" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "imports" ADD "rows_with_notices" integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE "import_notices" (
        "import_id" uuid NOT NULL,
        "line" integer NOT NULL,
        "field" text NOT NULL,
        "reason" text NOT NULL,
        CONSTRAINT "pk_import_notices" PRIMARY KEY ("import_id", "line", "field"),
        CONSTRAINT "fk_import_notices_import" FOREIGN KEY ("import_id") REFERENCES "imports" ("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "ix_imports_status_created_at" ON "imports" ("status", "created_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_imports_status_created_at"`);
    await q.query(`DROP TABLE "import_notices"`);
    await q.query(`ALTER TABLE "imports" DROP COLUMN "rows_with_notices"`);
    await q.query(`ALTER TABLE "imports" DROP COLUMN "rows_updated"`);
  }
}
