import { createTestApp, type TestApp } from '../setup/test-app';

const ROWS = 100_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/**
 * Issue 17: deleting a stop search clears the vehicle stops and use-of-force reports linked to it (ON DELETE SET
 * NULL). PostgreSQL finds them by linked_stop_search_id; with no index on it each delete scanned both tables.
 */
describe('records linked to a stop search are found through an index (integration)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    const ds = t.dataSource;
    const base = `SELECT code FROM areas WHERE level = 'force' ORDER BY code LIMIT 1`;
    await ds.query(
      `INSERT INTO stop_searches (force_code, occurred_at, period, source, version, search_type, legislation, outcome)
       SELECT (${base}), timestamptz '2024-01-01' + g * interval '1 hour', date '2024-01-01', 'manual', 1, 'person',
         'pace_s1', 'arrest'
       FROM generate_series(1, 100) g`,
    );
    // One record in fifty follows a stop search, as a real force's do now and then.
    const linked = `CASE WHEN g % 50 = 0 THEN (SELECT id FROM stop_searches ORDER BY id OFFSET (g / 50) % 100 LIMIT 1) END`;
    const at = `timestamptz '2020-01-01' + g * interval '17 minutes'`;
    await ds.query(
      `INSERT INTO vehicle_stops (force_code, occurred_at, period, source, version, reason, linked_stop_search_id)
       SELECT (${base}), ${at}, date_trunc('month', ${at})::date, 'manual', 1, 'moving_traffic_offence', ${linked}
       FROM generate_series(1, ${ROWS}) g`,
    );
    await ds.query(
      `INSERT INTO use_of_force_reports (force_code, occurred_at, period, source, version, tactics, impact_factors,
         reasons, outcomes, linked_stop_search_id)
       SELECT (${base}), ${at}, date_trunc('month', ${at})::date, 'manual', 1, '[]'::jsonb, '{}', '{}', '{}', ${linked}
       FROM generate_series(1, ${ROWS}) g`,
    );
    for (const table of ['stop_searches', 'vehicle_stops', 'use_of_force_reports']) await ds.query(`ANALYZE ${table}`);
  }, 600_000);
  afterAll(() => t?.close());

  it.each(['vehicle_stops', 'use_of_force_reports'])(
    '%s: the lookup by linked stop search is no Seq Scan',
    async (table) => {
      const [{ id }] = (await t.dataSource.query(`SELECT id FROM stop_searches ORDER BY id LIMIT 1`)) as {
        id: string;
      }[];
      // The statements the foreign key's ON DELETE SET NULL runs, and the plain referencing lookup.
      for (const sql of [
        `SELECT 1 FROM ${table} WHERE linked_stop_search_id = $1`,
        `UPDATE ${table} SET linked_stop_search_id = NULL WHERE $1 = linked_stop_search_id`,
      ]) {
        const [row] = (await t.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, [id])) as {
          'QUERY PLAN': [{ Plan: PlanNode }] | string;
        }[];
        const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
        const seqScans = nodesOf((plan as [{ Plan: PlanNode }])[0].Plan)
          .filter((n) => n['Node Type'] === 'Seq Scan')
          .map((n) => n['Relation Name']);
        expect({ sql, seqScans }).toEqual({ sql, seqScans: [] });
      }
      // The plan was asked about a stop search that does have links.
      const before = (await t.dataSource.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE linked_stop_search_id = $1`,
        [id],
      )) as { n: number }[];
      expect(before[0].n).toBeGreaterThan(0);
    },
  );

  it('deleting a stop search clears its links in both tables', async () => {
    const [{ id }] = (await t.dataSource.query(`SELECT id FROM stop_searches ORDER BY id DESC LIMIT 1`)) as {
      id: string;
    }[];
    const tables = ['vehicle_stops', 'use_of_force_reports'];
    // The records linked to it before: each table has some (else there would be nothing to clear).
    const linked: string[][] = [];
    for (const table of tables) {
      const rows = (await t.dataSource.query(`SELECT id FROM ${table} WHERE linked_stop_search_id = $1`, [id])) as {
        id: string;
      }[];
      expect(rows.length).toBeGreaterThan(0);
      linked.push(rows.map((r) => r.id));
    }
    await t.dataSource.query(`DELETE FROM stop_searches WHERE id = $1`, [id]);
    for (const table of tables)
      expect(
        await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE linked_stop_search_id = $1`, [id]),
      ).toEqual([{ n: 0 }]);
    // Cleared, not deleted with it (SET NULL, not CASCADE): the records stay, unlinked.
    for (const [i, table] of tables.entries())
      expect(
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::uuid[]) AND linked_stop_search_id IS NULL`,
          [linked[i]],
        ),
      ).toEqual([{ n: linked[i].length }]);
  });
});
