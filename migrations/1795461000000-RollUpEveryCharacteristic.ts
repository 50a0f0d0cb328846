import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One contribution per record and characteristic (alias r): (characteristic, basis, group). Ethnicity is counted on
 * each basis; sex, age and disability have one (basis ''). Blank is 'not_stated'; age codes as the API writes them
 * (under_10 → under-10). Use-of-force disability: the form's 'none' is not disabled, any disability perceived is
 * disabled. Fixed here so the migration never changes.
 */
const SEX = `('sex', '', coalesce(x.gender, 'not_stated'))`;
const AGE = `('age', '', coalesce(translate(x.age_range, '_', '-'), 'not_stated'))`;

/**
 * Per record table: the rollup rows one set of records contributes (alias r). Each record is grouped once by every
 * characteristic it carries, and the LATERAL VALUES turns that one group into a row per characteristic, so a record
 * adds four or five rows, not a cross product of its characteristics. Blank booleans and outcomes are counted as
 * not recorded, never as "no"; a positive outcome is any recorded outcome other than no further action (the one
 * NFA code in libs/records/vocabulary/police-uk.ts).
 */
const CONTRIBUTIONS: Record<string, string> = {
  stop_searches: `
    SELECT 'stop_search', x.period, x.force_code, x.area_code, x.power, d.characteristic, d.basis, d.grp, '',
      sum(x.n)::int, sum(x.linked_yes)::int, sum(x.linked_no)::int, sum(x.linked_unrecorded)::int,
      sum(x.strip_yes)::int, sum(x.strip_no)::int, sum(x.strip_unrecorded)::int,
      sum(x.outcome_unrecorded)::int, sum(x.positive)::int, sum(x.arrests)::int
    FROM (SELECT r.period, r.force_code, coalesce(r.area_code, '') AS area_code, coalesce(r.legislation, '') AS power,
            r.self_defined_ethnicity AS self, r.officer_defined_ethnicity AS officer, r.gender, r.age_range, count(*) AS n,
            count(*) FILTER (WHERE r.outcome_linked_to_object) AS linked_yes,
            count(*) FILTER (WHERE NOT r.outcome_linked_to_object) AS linked_no,
            count(*) FILTER (WHERE r.outcome_linked_to_object IS NULL) AS linked_unrecorded,
            count(*) FILTER (WHERE r.clothing_removed) AS strip_yes,
            count(*) FILTER (WHERE NOT r.clothing_removed) AS strip_no,
            count(*) FILTER (WHERE r.clothing_removed IS NULL) AS strip_unrecorded,
            count(*) FILTER (WHERE r.outcome IS NULL) AS outcome_unrecorded,
            count(*) FILTER (WHERE r.outcome <> 'no_further_action') AS positive,
            count(*) FILTER (WHERE r.outcome = 'arrest') AS arrests
          FROM rows r GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) x
    CROSS JOIN LATERAL (VALUES ('ethnicity', 'self', ethnic_group_of(x.self)), ('ethnicity', 'officer', coalesce(x.officer, 'not_stated')),
      ${SEX}, ${AGE}) d(characteristic, basis, grp)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  vehicle_stops: `
    SELECT 'vehicle_stop', x.period, x.force_code, x.area_code, '', d.characteristic, d.basis, d.grp, '', sum(x.n)::int, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM (SELECT r.period, r.force_code, coalesce(r.area_code, '') AS area_code, r.self_defined_ethnicity AS self,
            r.officer_defined_ethnicity AS officer, r.gender, r.age_range, count(*) AS n
          FROM rows r GROUP BY 1, 2, 3, 4, 5, 6, 7) x
    CROSS JOIN LATERAL (VALUES ('ethnicity', 'self', ethnic_group_of(x.self)), ('ethnicity', 'officer', coalesce(x.officer, 'not_stated')),
      ${SEX}, ${AGE}) d(characteristic, basis, grp)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  use_of_force_reports: `
    SELECT 'use_of_force', x.period, x.force_code, x.area_code, '', d.characteristic, d.basis, d.grp, x.tactic, sum(x.n)::int, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM (SELECT r.period, r.force_code, coalesce(r.area_code, '') AS area_code, r.perceived_ethnicity AS officer, r.gender, r.age_range,
            r.perceived_disability AS disability, t.tactic, count(*) AS n
          FROM rows r CROSS JOIN LATERAL (SELECT '' AS tactic UNION ALL SELECT DISTINCT u->>'tactic' FROM jsonb_array_elements(r.tactics) u) t
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) x
    CROSS JOIN LATERAL (VALUES ('ethnicity', 'officer', coalesce(x.officer, 'not_stated')), ${SEX}, ${AGE},
      ('disability', '', CASE WHEN x.disability IS NULL THEN 'not_stated' WHEN x.disability = 'none' THEN 'not_disabled' ELSE 'disabled' END)) d(characteristic, basis, grp)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
};

const KEY = 'kind, period, force_code, area_code, power, characteristic, basis, group_code, tactic';
const MEASURES = [
  'n',
  'linked_yes',
  'linked_no',
  'linked_unrecorded',
  'strip_yes',
  'strip_no',
  'strip_unrecorded',
  'outcome_unrecorded',
  'positive',
  'arrests',
];

/** The rollup as 1795413726191 made it, for down(). */
const OLD_CONTRIBUTIONS: Record<string, string> = {
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
const OLD_KEY = 'kind, period, force_code, area_code, power, basis, ethnic_group, tactic';
const OLD_MEASURES = ['n', 'finds', 'strips'];

/** The statements that keep the rollup current for one table, and the one that fills it from the records. */
function triggers(
  table: string,
  contribution: string,
  key: string,
  measures: string[],
): { create: string[]; fill: string } {
  const apply = (source: string, sign: string) => `
    INSERT INTO disproportionality_rollup AS t (${key}, ${measures.join(', ')})
    SELECT ${key.replace('group_code', 'grp').replace('ethnic_group', 'grp')}, ${measures.map((m) => `${sign}${m}`).join(', ')}
    FROM (${contribution.replace('FROM rows r', `FROM ${source} r`)}) AS c(${key.replace('group_code', 'grp').replace('ethnic_group', 'grp')}, ${measures.join(', ')})
    ON CONFLICT (${key}) DO UPDATE SET ${measures.map((m) => `${m} = t.${m} + EXCLUDED.${m}`).join(', ')}`;
  return {
    create: [
      `CREATE FUNCTION rollup_${table}() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN ${apply('old_rows', '-')}; END IF;
         IF TG_OP IN ('UPDATE', 'INSERT') THEN ${apply('new_rows', '')}; END IF;
         RETURN NULL;
       END $$`,
      // A trigger with transition tables takes one event, hence three.
      `CREATE TRIGGER rollup_${table}_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
      `CREATE TRIGGER rollup_${table}_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
      `CREATE TRIGGER rollup_${table}_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_${table}()`,
    ],
    fill: apply(table, ''),
  };
}

async function dropTriggers(q: QueryRunner): Promise<void> {
  for (const table of Object.keys(CONTRIBUTIONS)) {
    for (const event of ['insert', 'update', 'delete'])
      await q.query(`DROP TRIGGER rollup_${table}_${event} ON ${table}`);
    await q.query(`DROP FUNCTION rollup_${table}()`);
  }
}

/**
 * The disproportionality rollup for every protected characteristic the records carry (ethnicity on each basis, sex,
 * age band, use-of-force perceived disability), one (characteristic, basis, group) per row, with the fields that may
 * be blank counted three ways (recorded yes, recorded no, not recorded) instead of yes-or-not: find (outcome linked
 * to the object) and removal of more than outer clothing; and outcomes (not recorded, positive, arrest). Kept
 * current by the same statement-level triggers with transition tables, rebuilt here from the records.
 */
export class RollUpEveryCharacteristic1795461000000 implements MigrationInterface {
  name = 'RollUpEveryCharacteristic1795461000000';

  async up(q: QueryRunner): Promise<void> {
    await dropTriggers(q);
    await q.query(`DROP TABLE "disproportionality_rollup"`);
    await q.query(
      `CREATE TABLE "disproportionality_rollup" ("kind" text NOT NULL, "period" date NOT NULL, "force_code" text NOT NULL, "area_code" text NOT NULL, "power" text NOT NULL, "characteristic" text NOT NULL, "basis" text NOT NULL, "group_code" text NOT NULL, "tactic" text NOT NULL, ${MEASURES.map((m) => `"${m}" integer NOT NULL`).join(', ')}, CONSTRAINT "pk_disproportionality_rollup" PRIMARY KEY ("kind", "period", "force_code", "area_code", "power", "characteristic", "basis", "group_code", "tactic"))`,
    );
    for (const [table, contribution] of Object.entries(CONTRIBUTIONS)) {
      const { create, fill } = triggers(table, contribution, KEY, MEASURES);
      for (const statement of create) await q.query(statement);
      await q.query(fill); // the records already there
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTriggers(q);
    await q.query(`DROP TABLE "disproportionality_rollup"`);
    await q.query(
      `CREATE TABLE "disproportionality_rollup" ("kind" text NOT NULL, "period" date NOT NULL, "force_code" text NOT NULL, "area_code" text NOT NULL, "power" text NOT NULL, "basis" text NOT NULL, "ethnic_group" text NOT NULL, "tactic" text NOT NULL, "n" integer NOT NULL, "finds" integer NOT NULL, "strips" integer NOT NULL, CONSTRAINT "pk_disproportionality_rollup" PRIMARY KEY ("kind", "period", "force_code", "area_code", "power", "basis", "ethnic_group", "tactic"))`,
    );
    for (const [table, contribution] of Object.entries(OLD_CONTRIBUTIONS)) {
      const { create, fill } = triggers(table, contribution, OLD_KEY, OLD_MEASURES);
      for (const statement of create) await q.query(statement);
      await q.query(fill);
    }
  }
}
