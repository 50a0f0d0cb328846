import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The run that owns a report pack's generation, so a late or duplicate run cannot overwrite a newer one's result. */
export class ClaimReportPackRuns1795427791253 implements MigrationInterface {
  name = 'ClaimReportPackRuns1795427791253';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "report_packs" ADD "run_id" uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "report_packs" DROP COLUMN "run_id"`);
  }
}
