import { caseColumnsSql } from '@scrutiny/auth';
import type { Queryable } from '@scrutiny/records';

/** Each item's record (whichever table holds it): its team, and the user accounts of its officer and the officer's supervisor. */
export async function itemOwners(
  q: Queryable,
  sampleId: string,
  itemIds?: string[],
): Promise<Map<string, { team: string | null; officerUser: string | null; officerSupervisor: string | null }>> {
  const rows = (await q.query(
    `SELECT i.id, c.team_code, o.user_id, o.supervisor_user_id
     FROM dip_sample_items i CROSS JOIN LATERAL (${caseColumnsSql('i.case_kind', 'i.case_id', 'team_code, officer_id')}) c
     LEFT JOIN officers o ON o.id = c.officer_id
     WHERE i.sample_id = $1 ${itemIds ? 'AND i.id = ANY($2::uuid[])' : ''}`,
    itemIds ? [sampleId, itemIds] : [sampleId],
  )) as { id: string; team_code: string | null; user_id: string | null; supervisor_user_id: string | null }[];
  return new Map(
    rows.map((r) => [r.id, { team: r.team_code, officerUser: r.user_id, officerSupervisor: r.supervisor_user_id }]),
  );
}

/**
 * Creates the review of every item of an issued sample and assigns it: to a supervisor of the record's team (the
 * one with fewest items from this sample so far, so work is spread), else to the officer's own supervisor, never to
 * the officer themself; an item nobody can take stays unassigned for a manager to assign. Answers items per assignee.
 */
export async function assignReviews(q: Queryable, sampleId: string, dueDays: number): Promise<Map<string, number>> {
  const supervisors = (await q.query(
    `SELECT id, username, teams FROM users WHERE 'supervisor' = ANY(roles) AND disabled_at IS NULL ORDER BY username`,
  )) as {
    id: string;
    username: string;
    teams: string[];
  }[];
  const items = (await q.query(`SELECT id FROM dip_sample_items WHERE sample_id = $1 ORDER BY position`, [
    sampleId,
  ])) as { id: string }[];
  const owners = await itemOwners(q, sampleId);
  const load = new Map<string, number>();
  const rows: { item: string; user: string | null }[] = [];
  for (const { id } of items) {
    const owner = owners.get(id);
    const candidates = supervisors.filter(
      (s) => owner?.team && s.teams.includes(owner.team) && s.id !== owner.officerUser,
    );
    let chosen = candidates.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0))[0]?.id ?? null;
    if (
      !chosen &&
      owner?.officerSupervisor &&
      owner.officerSupervisor !== owner.officerUser &&
      supervisors.some((s) => s.id === owner.officerSupervisor)
    )
      chosen = owner.officerSupervisor;
    if (chosen) load.set(chosen, (load.get(chosen) ?? 0) + 1);
    rows.push({ item: id, user: chosen });
  }
  if (rows.length) {
    await q.query(
      `INSERT INTO sample_reviews (item_id, assigned_to, due_on, status, version)
       SELECT r.item, r.user_id, (now() AT TIME ZONE 'Europe/London')::date + $2::int, 'assigned', 1
       FROM jsonb_to_recordset($1::jsonb) AS r(item uuid, user_id uuid)`,
      [JSON.stringify(rows.map((r) => ({ item: r.item, user_id: r.user }))), dueDays],
    );
  }
  return load;
}
