import { areasAndDescendantsSql } from '@scrutiny/auth';
/** Anything that can run a query: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface AreaRef {
  code: string;
  name: string;
  level: string;
  policeUkId: string | null;
}

/** An area by ONS code or (for forces) data.police.uk id; `force` restricts it to police force areas. */
export async function findArea(
  q: Queryable,
  key: string,
  options: { force?: boolean } = {},
): Promise<AreaRef | undefined> {
  const [row] = (await q.query(
    `SELECT code, name, level, police_uk_id FROM areas WHERE (code = $1 OR police_uk_id = $1)${options.force ? ` AND level = 'force'` : ''}`,
    [key.trim()],
  )) as { code: string; name: string; level: string; police_uk_id: string | null }[];
  return row && { code: row.code, name: row.name, level: row.level, policeUkId: row.police_uk_id };
}

/** SQL for `… IN <this>`: the code in placeholder `param` and the codes of every area within it. */
export function areaAndDescendantsSql(param: string): string {
  return areasAndDescendantsSql(`ARRAY[${param}::text]`);
}

/**
 * SQL keeping rows that lie in an area (its code in placeholder `param`): a force by the rows' force column (every
 * record carries one), anything smaller by their area column, within it at any depth.
 */
export function inAreaSql(area: { level: string }, param: string, columns: { force: string; area: string }): string {
  return area.level === 'force' ? `${columns.force} = ${param}` : `${columns.area} IN ${areaAndDescendantsSql(param)}`;
}

/** An officer to create or find by pseudonymous reference (see ensureOfficers). */
export interface OfficerRef {
  reference: string;
  forceCode: string;
  teamCode?: string | null;
}

/**
 * The officer with this pseudonymous reference, created if new. A team given here updates the officer's team;
 * an absent one leaves it as it was.
 */
export async function ensureOfficer(q: Queryable, officer: OfficerRef): Promise<string> {
  return (await ensureOfficers(q, [officer])).get(officer.reference)!;
}

/**
 * The officers with these references, created if new, in one statement: their ids by reference. A team given
 * updates the officer's team and an absent one leaves it as it was; when a reference is listed more than once, the
 * last team given for it wins (and its first force, which only a new officer takes: an officer keeps their force).
 */
export async function ensureOfficers(q: Queryable, officers: readonly OfficerRef[]): Promise<Map<string, string>> {
  const merged = new Map<string, { forceCode: string; teamCode: string | null }>();
  for (const o of officers) {
    const seen = merged.get(o.reference);
    merged.set(o.reference, {
      forceCode: seen?.forceCode ?? o.forceCode,
      teamCode: o.teamCode ?? seen?.teamCode ?? null,
    });
  }
  if (!merged.size) return new Map();
  // One row per reference (ON CONFLICT DO UPDATE cannot touch a row twice), in a fixed order so concurrent writers lock alike.
  const references = [...merged.keys()].sort();
  const rows = (await q.query(
    `INSERT INTO officers (reference, force_code, team_code) SELECT r, f, t FROM unnest($1::text[], $2::text[], $3::text[]) AS u(r, f, t)
     ON CONFLICT (reference) DO UPDATE SET team_code = COALESCE(EXCLUDED.team_code, officers.team_code) RETURNING reference, id`,
    [references, references.map((r) => merged.get(r)!.forceCode), references.map((r) => merged.get(r)!.teamCode)],
  )) as { reference: string; id: string }[];
  return new Map(rows.map((r) => [r.reference, r.id]));
}

/**
 * Districts and local authorities (all, or those in `codes`) with the force each lies in, found by walking up the
 * hierarchy (null if none): to check that a record's area belongs to its force. Small enough for importers to load once.
 */
export async function areaForces(q: Queryable, codes?: string[]): Promise<Map<string, string | null>> {
  const only = codes ? 'AND code = ANY($1::text[])' : '';
  const rows = (await q.query(
    `WITH RECURSIVE up(code, ancestor) AS (
       SELECT code, parent_code FROM areas WHERE level <> 'force' ${only}
       UNION ALL
       SELECT up.code, a.parent_code FROM up JOIN areas a ON a.code = up.ancestor AND a.level <> 'force')
     SELECT a.code, f.code AS force_code
     FROM areas a LEFT JOIN up ON up.code = a.code AND up.ancestor IN (SELECT code FROM areas WHERE level = 'force')
       LEFT JOIN areas f ON f.code = up.ancestor
     WHERE a.level <> 'force' ${only.replace('code', 'a.code')}`,
    codes ? [codes] : [],
  )) as { code: string; force_code: string | null }[];
  return new Map(rows.map((r) => [r.code, r.force_code]));
}
