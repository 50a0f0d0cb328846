import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An officer reference is a force's own pseudonymous id: two forces may each have a `PC-1`. Unique per force, not
 * system-wide (every lookup by reference names the force).
 */
export class ScopeOfficerReferencesToForce1795470000000 implements MigrationInterface {
  name = 'ScopeOfficerReferencesToForce1795470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_officers_reference"`);
    await q.query(`CREATE UNIQUE INDEX "uq_officers_force_reference" ON "officers" ("force_code", "reference")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_officers_force_reference"`);
    await q.query(`CREATE UNIQUE INDEX "uq_officers_reference" ON "officers" ("reference")`);
  }
}
