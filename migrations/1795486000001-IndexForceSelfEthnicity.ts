import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A force's page of one self-defined ethnic group over some months (issue 17) was a bitmap read of every match and a
 * sort, slower as matches grew: a group is several codes, and `= ANY` gives no order. The list now reads one code at
 * a time in order and merges them; this index serves each read (force, code, then the list's order).
 */
export class IndexForceSelfEthnicity1795486000001 implements MigrationInterface {
  name = 'IndexForceSelfEthnicity1795486000001';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['stop_searches', 'vehicle_stops'])
      await q.query(
        `CREATE INDEX "ix_${table}_force_self_ethnicity" ON "${table}" ("force_code", "self_defined_ethnicity", "occurred_at", "id")`,
      );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['vehicle_stops', 'stop_searches'])
      await q.query(`DROP INDEX "ix_${table}_force_self_ethnicity"`);
  }
}
