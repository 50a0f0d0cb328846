/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The last sealed event: the point a checkpoint vouches for. Unsealed events (hash still null) are not part of the
 * chain yet. Read in its own statement, so it sees only committed events.
 */
export async function sealedChainHead(q: Queryable): Promise<ChainHead | null> {
  const [row] = (await q.query(
    'SELECT seq, hash FROM audit_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1',
  )) as { seq: string; hash: string }[];
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}
