import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['stop_searches', 'vehicle_stops', 'use_of_force_reports'];

/**
 * Cases by officer: a supervisor's scope (the officers they supervise) and the officer register's case counts look
 * cases up by officer. Partial, because bulk police.uk imports carry no officer and so cost the index nothing.
 */
export class IndexCaseOfficers1795430154453 implements MigrationInterface {
  name = 'IndexCaseOfficers1795430154453';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await q.query(
        `CREATE INDEX "ix_${table}_officer_id" ON "${table}" ("officer_id") WHERE "officer_id" IS NOT NULL`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TABLES) await q.query(`DROP INDEX "ix_${table}_officer_id"`);
  }
}
