import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each case table with the column its list filters on for the officer's (or the only) view of ethnicity. */
const CASE_TABLES: { table: string; officerEthnicity: string; selfEthnicity: boolean }[] = [
  { table: 'stop_searches', officerEthnicity: 'officer_defined_ethnicity', selfEthnicity: true },
  { table: 'vehicle_stops', officerEthnicity: 'officer_defined_ethnicity', selfEthnicity: true },
  { table: 'use_of_force_reports', officerEthnicity: 'perceived_ethnicity', selfEthnicity: false },
];

/**
 * Every list of case records pages newest first by (occurred_at, id) (issue 17): without an index leading with that
 * order each first page was a full scan and a top-N sort. Each filter a list offers gets an index that leads with it
 * and continues in the list's order, so filter and order are served by one index range read backwards: months become
 * an occurred_at range (the period is the Europe/London month of occurred_at), a force is force_code, a district or
 * local authority area_code, an ethnicity its column. The same (occurred_at, id) index serves a month's sampling
 * population and the oldest-first export. Ascending columns: a backward scan gives the descending order.
 *
 * The audit log's actor filter reads one actor's events newest first: (actor_id, seq) replaces (actor_id).
 */
export class IndexListReads1795481000000 implements MigrationInterface {
  name = 'IndexListReads1795481000000';

  async up(q: QueryRunner): Promise<void> {
    for (const { table, officerEthnicity, selfEthnicity } of CASE_TABLES) {
      await q.query(`CREATE INDEX "ix_${table}_occurred_at" ON "${table}" ("occurred_at", "id")`);
      await q.query(`CREATE INDEX "ix_${table}_force_occurred_at" ON "${table}" ("force_code", "occurred_at", "id")`);
      await q.query(
        `CREATE INDEX "ix_${table}_area_occurred_at" ON "${table}" ("area_code", "occurred_at", "id") WHERE "area_code" IS NOT NULL`,
      );
      await q.query(
        `CREATE INDEX "ix_${table}_officer_ethnicity" ON "${table}" ("${officerEthnicity}", "occurred_at", "id")`,
      );
      if (selfEthnicity)
        await q.query(
          `CREATE INDEX "ix_${table}_self_ethnicity" ON "${table}" ("self_defined_ethnicity", "occurred_at", "id")`,
        );
    }
    await q.query(`CREATE INDEX "ix_audit_events_actor_seq" ON "audit_events" ("actor_id", "seq")`);
    await q.query(`DROP INDEX "ix_audit_events_actor_id"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_audit_events_actor_id" ON "audit_events" ("actor_id")`);
    await q.query(`DROP INDEX "ix_audit_events_actor_seq"`);
    for (const { table, selfEthnicity } of [...CASE_TABLES].reverse()) {
      if (selfEthnicity) await q.query(`DROP INDEX "ix_${table}_self_ethnicity"`);
      await q.query(`DROP INDEX "ix_${table}_officer_ethnicity"`);
      await q.query(`DROP INDEX "ix_${table}_area_occurred_at"`);
      await q.query(`DROP INDEX "ix_${table}_force_occurred_at"`);
      await q.query(`DROP INDEX "ix_${table}_occurred_at"`);
    }
  }
}
