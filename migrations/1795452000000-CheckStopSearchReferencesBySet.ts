import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The stop_searches columns that referenced another table by a foreign key, and what they reference. */
const REFERENCES = [
  { constraint: 'fk_stop_searches_force', column: 'force_code', table: 'areas', key: 'code' },
  { constraint: 'fk_stop_searches_area', column: 'area_code', table: 'areas', key: 'code' },
  { constraint: 'fk_stop_searches_officer', column: 'officer_id', table: 'officers', key: 'id' },
] as const;

/**
 * stop_searches' references to areas and officers checked once per statement instead of once per row. A foreign key
 * runs its check for every row inserted (a million calls for a million-row import, even for columns that are null);
 * a bulk import inserts 25,000 rows in a statement naming one force, a few dozen areas and often no officer. The
 * guarantees stay those of the foreign keys (ON DELETE RESTRICT), under the same constraint names and error code
 * (23503):
 *  - after every INSERT or UPDATE statement, the distinct values written are looked up at once and locked FOR KEY
 *    SHARE, as a foreign key locks them, so a concurrent transaction cannot delete or re-key them before this one
 *    commits; a value not found fails the statement;
 *  - deleting an area or officer, or changing its key, is refused while a stop search references it (checked after
 *    the row lock is held, so a referencing insert committed meanwhile is seen: READ COMMITTED, the only level the
 *    application uses).
 */
export class CheckStopSearchReferencesBySet1795452000000 implements MigrationInterface {
  name = 'CheckStopSearchReferencesBySet1795452000000';

  async up(q: QueryRunner): Promise<void> {
    const checks = REFERENCES.map(
      (r) => `
      PERFORM 1 FROM ${r.table} t WHERE t.${r.key} IN (SELECT DISTINCT n.${r.column} FROM new_rows n WHERE n.${r.column} IS NOT NULL) FOR KEY SHARE OF t;
      SELECT n.${r.column}::text INTO missing FROM new_rows n
        WHERE n.${r.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.table} t WHERE t.${r.key} = n.${r.column}) LIMIT 1;
      IF FOUND THEN
        RAISE foreign_key_violation USING
          MESSAGE = 'insert or update on table "stop_searches" violates foreign key constraint "${r.constraint}"',
          DETAIL = format('Key (${r.column})=(%s) is not present in table "${r.table}".', missing),
          TABLE = 'stop_searches', COLUMN = '${r.column}', CONSTRAINT = '${r.constraint}';
      END IF;`,
    ).join('');
    await q.query(
      `CREATE FUNCTION check_stop_search_references() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE missing text;
       BEGIN${checks}
         RETURN NULL;
       END $$`,
    );
    for (const event of ['INSERT', 'UPDATE'])
      await q.query(
        `CREATE TRIGGER stop_searches_references_${event.toLowerCase()} AFTER ${event} ON stop_searches REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_stop_search_references()`,
      );
    for (const table of ['areas', 'officers']) {
      const referencing = REFERENCES.filter((r) => r.table === table);
      const key = referencing[0].key;
      await q.query(
        `CREATE FUNCTION restrict_stop_search_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'UPDATE' AND NEW.${key} IS NOT DISTINCT FROM OLD.${key} THEN RETURN NEW; END IF;
           ${referencing
             .map(
               (r) => `IF EXISTS (SELECT 1 FROM stop_searches s WHERE s.${r.column} = OLD.${key}) THEN
             RAISE foreign_key_violation USING
               MESSAGE = format('%s on table "${table}" violates foreign key constraint "${r.constraint}" on table "stop_searches"', lower(TG_OP)),
               DETAIL = format('Key (${key})=(%s) is still referenced from table "stop_searches".', OLD.${key}),
               TABLE = '${table}', CONSTRAINT = '${r.constraint}';
           END IF;`,
             )
             .join('\n           ')}
           RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
         END $$`,
      );
      await q.query(
        `CREATE TRIGGER restrict_stop_search_${table} BEFORE DELETE OR UPDATE OF ${key} ON ${table} FOR EACH ROW EXECUTE FUNCTION restrict_stop_search_${table}()`,
      );
    }
    for (const r of REFERENCES) await q.query(`ALTER TABLE "stop_searches" DROP CONSTRAINT "${r.constraint}"`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const r of REFERENCES)
      await q.query(
        `ALTER TABLE "stop_searches" ADD CONSTRAINT "${r.constraint}" FOREIGN KEY ("${r.column}") REFERENCES "${r.table}" ("${r.key}") ON DELETE RESTRICT`,
      );
    for (const table of ['areas', 'officers']) {
      await q.query(`DROP TRIGGER restrict_stop_search_${table} ON ${table}`);
      await q.query(`DROP FUNCTION restrict_stop_search_${table}()`);
    }
    for (const event of ['insert', 'update'])
      await q.query(`DROP TRIGGER stop_searches_references_${event} ON stop_searches`);
    await q.query(`DROP FUNCTION check_stop_search_references()`);
  }
}
