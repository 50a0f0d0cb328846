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
export async function findArea(q: Queryable, key: string, options: { force?: boolean } = {}): Promise<AreaRef | undefined> {
  const [row] = (await q.query(
    `SELECT code, name, level, police_uk_id FROM areas WHERE (code = $1 OR police_uk_id = $1)${options.force ? ` AND level = 'force'` : ''}`,
    [key.trim()],
  )) as { code: string; name: string; level: string; police_uk_id: string | null }[];
  return row && { code: row.code, name: row.name, level: row.level, policeUkId: row.police_uk_id };
}

/**
 * The officer with this pseudonymous reference, created if new. A team given here updates the officer's team;
 * an absent one leaves it as it was.
 */
export async function ensureOfficer(q: Queryable, officer: { reference: string; forceCode: string; teamCode?: string | null }): Promise<string> {
  const [row] = (await q.query(
    `INSERT INTO officers (reference, force_code, team_code) VALUES ($1, $2, $3)
     ON CONFLICT (reference) DO UPDATE SET team_code = COALESCE(EXCLUDED.team_code, officers.team_code) RETURNING id`,
    [officer.reference, officer.forceCode, officer.teamCode ?? null],
  )) as { id: string }[];
  return row.id;
}
