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

/** The code of an area and of every area within it, at any depth. */
export async function areaAndDescendants(q: Queryable, code: string): Promise<string[]> {
  const rows = (await q.query(`SELECT code FROM ${areaAndDescendantsSql('$1')} d`, [code])) as { code: string }[];
  return rows.map((r) => r.code);
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

/** The officer with this pseudonymous reference in this force, created (in the team given) if new; see ensureOfficers. */
export async function ensureOfficer(q: Queryable, officer: OfficerRef): Promise<string> {
  return (await ensureOfficers(q, [officer])).get(officer.reference)!;
}

/**
 * The officers of one force with these references, created if new: their ids by reference. A new officer joins the
 * first team given for them; an existing officer is left as they are (a record never moves an officer: that is
 * PATCH /officers/:id, audited). References are unique per force, so every officer of one call is of one force.
 */
export async function ensureOfficers(q: Queryable, officers: readonly OfficerRef[]): Promise<Map<string, string>> {
  if (!officers.length) return new Map();
  const forceCode = officers[0].forceCode;
  if (officers.some((o) => o.forceCode !== forceCode))
    throw new Error('ensureOfficers: officers of one force per call');
  const teams = new Map<string, string | null>();
  for (const o of officers) if (!teams.get(o.reference)) teams.set(o.reference, o.teamCode ?? null);
  // Sorted, so concurrent writers insert (and wait on each other's rows) in the same order.
  const references = [...teams.keys()].sort();
  const ids = new Map<string, string>();
  // Existing officers and new ones in one statement; a reference another writer inserted after this statement's
  // snapshot is found by the second pass.
  for (let attempt = 0; attempt < 2 && ids.size < references.length; attempt++) {
    const missing = references.filter((r) => !ids.has(r));
    const rows = (await q.query(
      `WITH wanted AS (SELECT r, t FROM unnest($2::text[], $3::text[]) AS u(r, t)),
         added AS (
           INSERT INTO officers (reference, force_code, team_code)
           SELECT r, $1, t FROM wanted WHERE NOT EXISTS (SELECT 1 FROM officers o WHERE o.force_code = $1 AND o.reference = wanted.r)
           ORDER BY r
           ON CONFLICT (force_code, reference) DO NOTHING RETURNING reference, id)
       SELECT reference, id FROM added
       UNION ALL SELECT o.reference, o.id FROM officers o JOIN wanted ON o.force_code = $1 AND o.reference = wanted.r`,
      [forceCode, missing, missing.map((r) => teams.get(r)!)],
    )) as { reference: string; id: string }[];
    for (const r of rows) ids.set(r.reference, r.id);
  }
  return ids;
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
