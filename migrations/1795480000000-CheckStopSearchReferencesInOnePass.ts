import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stop_searches columns checked by check_stop_search_references (1795452000000), what they reference, and the
 * GROUPING() value of the column's own grouping set below (a bit for each of the three columns not grouped by).
 */
const REFERENCES = [
  { constraint: 'fk_stop_searches_force', column: 'force_code', table: 'areas', key: 'code', type: 'text', set: 3 },
  { constraint: 'fk_stop_searches_area', column: 'area_code', table: 'areas', key: 'code', type: 'text', set: 5 },
  { constraint: 'fk_stop_searches_officer', column: 'officer_id', table: 'officers', key: 'id', type: 'uuid', set: 6 },
] as const;

const violation = (r: (typeof REFERENCES)[number], value: string) => `
        RAISE foreign_key_violation USING
          MESSAGE = 'insert or update on table "stop_searches" violates foreign key constraint "${r.constraint}"',
          DETAIL = format('Key (${r.column})=(%s) is not present in table "${r.table}".', ${value}),
          TABLE = 'stop_searches', COLUMN = '${r.column}', CONSTRAINT = '${r.constraint}';`;

/**
 * stop_searches' references checked with one pass over the statement's rows instead of six. The function read the
 * transition table twice per reference (lock the distinct values, then look for one missing): a 25,000-row import
 * batch spent 30–40 ms of its ~220 ms there, most of it scanning the rows for a force that is always the same and an
 * officer that is always null. Now one hashed GROUPING SETS scan collects the distinct values of all three columns
 * and each is locked and checked from that short list. The guarantees are unchanged: every value written is locked
 * FOR KEY SHARE as a foreign key locks it, and a value not found fails the statement with 23503 under the
 * constraint's name and the same message and detail.
 */
export class CheckStopSearchReferencesInOnePass1795480000000 implements MigrationInterface {
  name = 'CheckStopSearchReferencesInOnePass1795480000000';

  async up(q: QueryRunner): Promise<void> {
    const checks = REFERENCES.map(
      (r) => `
      PERFORM 1 FROM ${r.table} t WHERE t.${r.key} = ANY(${r.column}s) FOR KEY SHARE OF t;
      SELECT v::text INTO missing FROM unnest(${r.column}s) v WHERE NOT EXISTS (SELECT 1 FROM ${r.table} t WHERE t.${r.key} = v) LIMIT 1;
      IF FOUND THEN${violation(r, 'missing')}
      END IF;`,
    ).join('');
    await q.query(
      `CREATE OR REPLACE FUNCTION check_stop_search_references() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE missing text; ${REFERENCES.map((r) => `${r.column}s ${r.type}[];`).join(' ')}
       BEGIN
         SELECT ${REFERENCES.map((r) => `array_agg(d.${r.column}) FILTER (WHERE d.g = ${r.set} AND d.${r.column} IS NOT NULL)`).join(', ')}
           INTO ${REFERENCES.map((r) => `${r.column}s`).join(', ')}
           FROM (SELECT ${REFERENCES.map((r) => `n.${r.column}`).join(', ')}, GROUPING(${REFERENCES.map((r) => `n.${r.column}`).join(', ')}) AS g
                 FROM new_rows n GROUP BY GROUPING SETS (${REFERENCES.map((r) => `(n.${r.column})`).join(', ')})) d;${checks}
         RETURN NULL;
       END $$`,
    );
  }

  /** The function as 1795452000000 made it. */
  async down(q: QueryRunner): Promise<void> {
    const checks = REFERENCES.map(
      (r) => `
      PERFORM 1 FROM ${r.table} t WHERE t.${r.key} IN (SELECT DISTINCT n.${r.column} FROM new_rows n WHERE n.${r.column} IS NOT NULL) FOR KEY SHARE OF t;
      SELECT n.${r.column}::text INTO missing FROM new_rows n
        WHERE n.${r.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.table} t WHERE t.${r.key} = n.${r.column}) LIMIT 1;
      IF FOUND THEN${violation(r, 'missing')}
      END IF;`,
    ).join('');
    await q.query(
      `CREATE OR REPLACE FUNCTION check_stop_search_references() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE missing text;
       BEGIN${checks}
         RETURN NULL;
       END $$`,
    );
  }
}
