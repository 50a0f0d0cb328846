import { caseColumnsSql } from '@scrutiny/auth';
import { isUuid } from '@scrutiny/core';
import type { Queryable } from '@scrutiny/records';

/** The id of the active user with the supervisor role that `id` names, or null: whom a review may be assigned to. */
export async function activeSupervisor(q: Queryable, id: unknown): Promise<string | null> {
  if (!isUuid(id)) return null;
  const [user] = (await q.query(
    `SELECT id FROM users WHERE id = $1 AND 'supervisor' = ANY(roles) AND disabled_at IS NULL`,
    [id],
  )) as { id: string }[];
  return user?.id ?? null;
}

/**
 * Each item's record (whichever table holds it): its team, and the user accounts of its officer and the officer's
 * supervisor. All of one sample's items, or only `itemIds` (of that sample, or of any sample when it is null).
 */
export async function itemOwners(
  q: Queryable,
  sampleId: string | null,
  itemIds?: string[],
): Promise<Map<string, { team: string | null; officerUser: string | null; officerSupervisor: string | null }>> {
  const rows = (await q.query(
    `SELECT i.id, c.team_code, o.user_id, o.supervisor_user_id
     FROM dip_sample_items i CROSS JOIN LATERAL (${caseColumnsSql('i.case_kind', 'i.case_id', 'team_code, officer_id')}) c
     LEFT JOIN officers o ON o.id = c.officer_id
     WHERE ($1::uuid IS NULL OR i.sample_id = $1) ${itemIds ? 'AND i.id = ANY($2::uuid[])' : ''}`,
    itemIds ? [sampleId, itemIds] : [sampleId],
  )) as { id: string; team_code: string | null; user_id: string | null; supervisor_user_id: string | null }[];
  return new Map(
    rows.map((r) => [r.id, { team: r.team_code, officerUser: r.user_id, officerSupervisor: r.supervisor_user_id }]),
  );
}

/** One item's planned assignee (null: nobody can take it), and why nobody when so. */
export interface PlannedAssignment {
  item: string;
  position: number;
  recordKind: string;
  recordId: string;
  team: string | null;
  officerUser: string | null;
  user: string | null;
  /** Set when `user` is null: why nobody can review it. */
  why?: string;
}

/**
 * Who reviews each item of a sample: a supervisor of the record's team (the one with fewest items from this sample
 * so far, so work is spread), else the officer's own supervisor, never the officer themself. Writes nothing.
 */
export async function planAssignments(q: Queryable, sampleId: string): Promise<PlannedAssignment[]> {
  const supervisors = (await q.query(
    `SELECT id, username, teams FROM users WHERE 'supervisor' = ANY(roles) AND disabled_at IS NULL ORDER BY username`,
  )) as { id: string; username: string; teams: string[] }[];
  const items = (await q.query(
    `SELECT id, position, case_kind, case_id FROM dip_sample_items WHERE sample_id = $1 ORDER BY position`,
    [sampleId],
  )) as { id: string; position: number; case_kind: string; case_id: string }[];
  const owners = await itemOwners(q, sampleId);
  const load = new Map<string, number>();
  return items.map((i) => {
    const owner = owners.get(i.id);
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
    const planned: PlannedAssignment = {
      item: i.id,
      position: i.position,
      recordKind: i.case_kind,
      recordId: i.case_id,
      team: owner?.team ?? null,
      officerUser: owner?.officerUser ?? null,
      user: chosen,
    };
    if (!chosen)
      planned.why = `${owner?.team ? `no active supervisor leads team ${owner.team}` : 'the record has no team'}${
        owner?.team && owner.officerUser ? ' (other than the record’s own officer)' : ''
      } and its officer has no active supervisor`;
    return planned;
  });
}

/** Creates the reviews of planned assignments, due `dueDays` from today; answers items per assignee. */
export async function writeReviews(
  q: Queryable,
  planned: readonly PlannedAssignment[],
  dueDays: number,
): Promise<Map<string, number>> {
  const load = new Map<string, number>();
  for (const p of planned) if (p.user) load.set(p.user, (load.get(p.user) ?? 0) + 1);
  if (planned.length) {
    await q.query(
      `INSERT INTO sample_reviews (item_id, assigned_to, due_on, status, version)
       SELECT r.item, r.user_id, (now() AT TIME ZONE 'Europe/London')::date + $2::int, 'assigned', 1
       FROM jsonb_to_recordset($1::jsonb) AS r(item uuid, user_id uuid)`,
      [JSON.stringify(planned.map((r) => ({ item: r.item, user_id: r.user }))), dueDays],
    );
  }
  return load;
}
