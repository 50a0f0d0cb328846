import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Self-defined census category → the 5 groups (as libs/records/vocabulary/ethnicity.ts; fixed here so the migration never changes). */
const SELF_GROUP = `CASE c WHEN 'W1' THEN 'white' WHEN 'W2' THEN 'white' WHEN 'W3' THEN 'white' WHEN 'W9' THEN 'white'
  WHEN 'M1' THEN 'mixed' WHEN 'M2' THEN 'mixed' WHEN 'M3' THEN 'mixed' WHEN 'M9' THEN 'mixed'
  WHEN 'A1' THEN 'asian' WHEN 'A2' THEN 'asian' WHEN 'A3' THEN 'asian' WHEN 'A4' THEN 'asian' WHEN 'A9' THEN 'asian'
  WHEN 'B1' THEN 'black' WHEN 'B2' THEN 'black' WHEN 'B9' THEN 'black'
  WHEN 'O1' THEN 'other' WHEN 'O9' THEN 'other' ELSE 'not_stated' END`;

/** Per record table: the rollup rows one set of records contributes (alias r), as (kind, period, force, area, power, basis, group, tactic, n, finds, strips). */
const CONTRIBUTIONS: Record<string, string> = {
  stop_searches: `
    SELECT 'stop_search', x.period, x.force_code, x.area_code, x.power, b.basis, b.grp, '', sum(x.n)::int, sum(x.finds)::int, sum(x.strips)::int
    FROM (SELECT r.period, r.force_code, coalesce(r.area_code, '') AS area_code, coalesce(r.legislation, '') AS power, r.self_defined_ethnicity AS self,
            r.officer_defined_ethnicity AS officer, count(*) AS n, count(*) FILTER (WHERE r.outcome_linked_to_object) AS finds, count(*) FILTER (WHERE r.clothing_removed) AS strips
          FROM rows r GROUP BY 1, 2, 3, 4, 5, 6) x
    CROSS JOIN LATERAL (VALUES ('self', ethnic_group_of(x.self)), ('officer', coalesce(x.officer, 'not_stated'))) b(basis, grp)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  vehicle_stops: `
    SELECT 'vehicle_stop', r.period, r.force_code, coalesce(r.area_code, ''), '', b.basis, b.grp, '', count(*)::int, 0, 0
    FROM rows r CROSS JOIN LATERAL (VALUES ('self', ethnic_group_of(r.self_defined_ethnicity)), ('officer', coalesce(r.officer_defined_ethnicity, 'not_stated'))) b(basis, grp)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  use_of_force_reports: `
    SELECT 'use_of_force', r.period, r.force_code, coalesce(r.area_code, ''), '', 'officer', coalesce(r.perceived_ethnicity, 'not_stated'), t.tactic, count(*)::int, 0, 0
    FROM rows r CROSS JOIN LATERAL (SELECT '' AS tactic UNION ALL SELECT DISTINCT x->>'tactic' FROM jsonb_array_elements(r.tactics) x) t
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
};

/**
 * The disproportionality rollup, kept current by statement-level triggers on the three record tables: each
 * statement's transition rows are grouped once and added to (or, for old rows, taken from) the counts, in the same
 * transaction as the change. A bulk import costs one grouped upsert, not a trigger per row. Also the findings table.
 */
export class CreateDisproportionalityRollup1795413726191 implements MigrationInterface {
  name = 'CreateDisproportionalityRollup1795413726191';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "disproportionality_rollup" ("kind" text NOT NULL, "period" date NOT NULL, "force_code" text NOT NULL, "area_code" text NOT NULL, "power" text NOT NULL, "basis" text NOT NULL, "ethnic_group" text NOT NULL, "tactic" text NOT NULL, "n" integer NOT NULL, "finds" integer NOT NULL, "strips" integer NOT NULL, CONSTRAINT "pk_disproportionality_rollup" PRIMARY KEY ("kind", "period", "force_code", "area_code", "power", "basis", "ethnic_group", "tactic"))`,
    );
    await q.query(
      `CREATE TABLE "disproportionality_findings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" text NOT NULL, "query" jsonb NOT NULL, "snapshot" jsonb NOT NULL, "narrative" text NOT NULL, "force_explanation" text, "actions" jsonb NOT NULL DEFAULT '[]', "status" text NOT NULL, "quarter" date NOT NULL, "created_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ck_disproportionality_findings_status" CHECK ("status" IN ('open', 'under_review', 'closed')), CONSTRAINT "pk_disproportionality_findings" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE FUNCTION ethnic_group_of(c text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT ${SELF_GROUP} $$`,
    );
    for (const [table, contribution] of Object.entries(CONTRIBUTIONS)) {
      const apply = (source: string, sign: string) => `
        INSERT INTO disproportionality_rollup AS t (kind, period, force_code, area_code, power, basis, ethnic_group, tactic, n, finds, strips)
        SELECT kind, period, force_code, area_code, power, basis, grp, tactic, ${sign}n, ${sign}finds, ${sign}strips
        FROM (${contribution.replace('FROM rows r', `FROM ${source} r`)}) AS c(kind, period, force_code, area_code, power, basis, grp, tactic, n, finds, strips)
        ON CONFLICT (kind, period, force_code, area_code, power, basis, ethnic_group, tactic)
        DO UPDATE SET n = t.n + EXCLUDED.n, finds = t.finds + EXCLUDED.finds, strips = t.strips + EXCLUDED.strips`;
      await q.query(`
        CREATE FUNCTION rollup_${table}() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN ${apply('old_rows', '-')}; END IF;
          IF TG_OP IN ('UPDATE', 'INSERT') THEN ${apply('new_rows', '')}; END IF;
          RETURN NULL;
        END $$`);
      // A trigger with transition tables takes one event, hence three.
      await q.query(
        `CREATE TRIGGER rollup_${table}_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
      );
      await q.query(
        `CREATE TRIGGER rollup_${table}_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
      );
      await q.query(
        `CREATE TRIGGER rollup_${table}_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
      );
      await q.query(apply(table, '')); // the records already there
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(CONTRIBUTIONS)) {
      for (const event of ['insert', 'update', 'delete'])
        await q.query(`DROP TRIGGER rollup_${table}_${event} ON ${table}`);
      await q.query(`DROP FUNCTION rollup_${table}()`);
    }
    await q.query(`DROP FUNCTION ethnic_group_of(text)`);
    await q.query(`DROP TABLE "disproportionality_findings"`);
    await q.query(`DROP TABLE "disproportionality_rollup"`);
  }
}
