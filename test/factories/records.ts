import type { DataSource } from 'typeorm';

export interface StopSearchRow {
  occurredAt?: string;
  teamCode?: string | null;
  areaCode?: string | null;
  legislation?: string | null;
  ageRange?: string | null;
  clothingRemoved?: boolean | null;
  officerReference?: string | null;
  selfDefinedEthnicity?: string | null;
  officerDefinedEthnicity?: string | null;
  bwvActivatedBeforeEncounter?: boolean | null;
  subjectReference?: string | null;
}

/** A Lancashire stop search as a row (services are tested through the API elsewhere; this is set-up). */
export async function insertStopSearch(ds: DataSource, over: StopSearchRow = {}): Promise<string> {
  let officerId: string | null = null;
  if (over.officerReference) {
    const [o] = await ds.query(
      `INSERT INTO officers (reference, force_code, team_code) VALUES ($1, 'E23000003', $2) ON CONFLICT (force_code, reference) DO UPDATE SET team_code = officers.team_code RETURNING id`,
      [over.officerReference, over.teamCode ?? null],
    );
    officerId = o.id;
  }
  const [{ id }] = await ds.query(
    `INSERT INTO stop_searches (force_code, area_code, occurred_at, period, search_type, legislation, age_range, clothing_removed, officer_id, team_code,
       self_defined_ethnicity, officer_defined_ethnicity, bwv_activated_before_encounter, subject_reference, source, version)
     VALUES ('E23000003', $1, $2, date_trunc('month', $2::timestamptz AT TIME ZONE 'Europe/London')::date, 'person', $3, $4, $5, $6, $7, $8, $9, $10, $11, 'manual', 1)
     RETURNING id`,
    [
      over.areaCode === undefined ? 'E07000117' : over.areaCode,
      over.occurredAt ?? '2024-05-10T12:00:00Z',
      over.legislation === undefined ? 'misuse_of_drugs_act_s23' : over.legislation,
      over.ageRange === undefined ? '18_24' : over.ageRange,
      over.clothingRemoved ?? false,
      officerId,
      over.teamCode === undefined ? 'TEAM-A' : over.teamCode,
      over.selfDefinedEthnicity ?? null,
      over.officerDefinedEthnicity ?? null,
      over.bwvActivatedBeforeEncounter === undefined ? true : over.bwvActivatedBeforeEncounter,
      over.subjectReference ?? null,
    ],
  );
  return id;
}

/** A BWV clip covering a stop search, expiring `expiresInDays` from now. */
export async function insertClip(
  ds: DataSource,
  caseId: string,
  expiresInDays: number,
  reference = `EVD-${Math.random().toString(36).slice(2, 10)}`,
): Promise<string> {
  const [{ id }] = await ds.query(
    `INSERT INTO bwv_clips (reference, force_code, recorded_at, retention_expires_at, status, version)
     VALUES ($1, 'E23000003', now() - interval '1 day', now() + make_interval(days => $2::int), 'available', 1) RETURNING id`,
    [reference, expiresInDays],
  );
  await ds.query(`INSERT INTO bwv_clip_links (clip_id, case_kind, case_id) VALUES ($1, 'stop_search', $2)`, [
    id,
    caseId,
  ]);
  return id;
}
