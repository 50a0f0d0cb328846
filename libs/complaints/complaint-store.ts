import { CASE_TABLES, caseColumnsSql } from '@scrutiny/auth';
import { isUuid, type FieldError } from '@scrutiny/core';
import type { CheckedComplaint } from './complaint-input';

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** A checked complaint with its officers and encounters found in the force (ids), ready to store or compare. */
export interface ResolvedComplaint extends CheckedComplaint {
  officerIds: string[][];
}

/**
 * Finds each allegation's officers (by reference, in the force's register) and checks its encounter is a record of
 * the force, and each theme a current theme. Answers the complaints resolved, or the problems by API field.
 */
export async function resolveComplaints(
  q: Queryable,
  forceCode: string,
  complaints: CheckedComplaint[],
): Promise<{ resolved: (ResolvedComplaint | null)[]; errors: FieldError[][] }> {
  const refs = [...new Set(complaints.flatMap((c) => c.allegations.flatMap((a) => a.officerReferences)))];
  const officers = new Map<string, string>();
  if (refs.length)
    for (const r of (await q.query(
      `SELECT id, reference FROM officers WHERE force_code = $1 AND reference = ANY($2::text[])`,
      [forceCode, refs],
    )) as { id: string; reference: string }[])
      officers.set(r.reference, r.id);
  const encounters = new Set<string>();
  for (const [kind, table] of Object.entries(CASE_TABLES)) {
    const ids = [
      ...new Set(
        complaints.flatMap((c) =>
          c.allegations.flatMap((a) => (a.encounter?.kind === kind && isUuid(a.encounter.id) ? [a.encounter.id] : [])),
        ),
      ),
    ];
    if (!ids.length) continue;
    for (const r of (await q.query(`SELECT id FROM ${table} WHERE force_code = $1 AND id = ANY($2::uuid[])`, [
      forceCode,
      ids,
    ])) as { id: string }[])
      encounters.add(`${kind}:${r.id}`);
  }
  const themeCodes = [...new Set(complaints.flatMap((c) => c.themes))];
  const themes = new Set(
    themeCodes.length
      ? (
          (await q.query(`SELECT code FROM themes WHERE code = ANY($1::text[]) AND retired_at IS NULL`, [
            themeCodes,
          ])) as {
            code: string;
          }[]
        ).map((r) => r.code)
      : [],
  );
  const resolved: (ResolvedComplaint | null)[] = [];
  const errors: FieldError[][] = [];
  for (const c of complaints) {
    const problems: FieldError[] = [];
    for (const t of c.themes)
      if (!themes.has(t)) problems.push({ field: 'themes', message: `"${t}" is not a current theme` });
    c.allegations.forEach((a, i) => {
      for (const ref of a.officerReferences)
        if (!officers.has(ref))
          problems.push({
            field: `allegations.${i}.officerReferences`,
            message: `no officer ${ref} in this force's register`,
          });
      if (a.encounter && !encounters.has(`${a.encounter.kind}:${a.encounter.id}`))
        problems.push({
          field: `allegations.${i}.encounter.id`,
          message: `no ${a.encounter.kind.replace(/_/g, ' ')} ${a.encounter.id} in this force`,
        });
    });
    errors.push(problems);
    resolved.push(
      problems.length
        ? null
        : {
            ...c,
            officerIds: c.allegations.map((a) => [...new Set(a.officerReferences.map((r) => officers.get(r)!))].sort()),
          },
    );
  }
  return { resolved, errors };
}

/** What two stored versions of a complaint must agree on to be the same: everything but ids, audit and version. */
export function canonicalOf(c: ResolvedComplaint): string {
  return JSON.stringify([
    c.receivedOn,
    c.loggedOn,
    c.finalisedOn,
    c.handling,
    c.complainant.reference,
    c.complainant.ethnicity,
    c.complainant.sex,
    c.complainant.ageBand,
    [...c.themes].sort(),
    c.allegations.map((a, i) => [
      a.category,
      a.subCategory,
      a.characteristic,
      c.officerIds[i],
      a.encounter?.kind ?? null,
      a.encounter?.id ?? null,
      a.outcome,
    ]),
  ]);
}

/** The canonical form of stored complaints by reference, as `canonicalOf` gives it for an input. */
export async function storedCanonical(
  q: Queryable,
  forceCode: string,
  references: string[],
): Promise<Map<string, string>> {
  if (!references.length) return new Map();
  const rows = (await q.query(
    `SELECT c.reference, to_char(c.received_on, 'YYYY-MM-DD') AS received_on, to_char(c.logged_on, 'YYYY-MM-DD') AS logged_on,
       to_char(c.finalised_on, 'YYYY-MM-DD') AS finalised_on, c.handling, c.complainant_reference, c.complainant_ethnicity,
       c.complainant_sex, c.complainant_age_band, c.themes,
       (SELECT coalesce(json_agg(json_build_array(a.category, a.sub_category, a.characteristic,
           (SELECT coalesce(array_agg(ao.officer_id::text ORDER BY ao.officer_id::text), '{}') FROM complaint_allegation_officers ao WHERE ao.allegation_id = a.id),
           a.encounter_kind, a.encounter_id, a.outcome) ORDER BY a.position), '[]') FROM complaint_allegations a WHERE a.complaint_id = c.id) AS allegations
     FROM complaints c WHERE c.force_code = $1 AND c.reference = ANY($2::text[])`,
    [forceCode, references],
  )) as {
    reference: string;
    received_on: string;
    logged_on: string | null;
    finalised_on: string | null;
    handling: string | null;
    complainant_reference: string | null;
    complainant_ethnicity: string | null;
    complainant_sex: string | null;
    complainant_age_band: string | null;
    themes: string[];
    allegations: [string, string, string | null, string[], string | null, string | null, string | null][];
  }[];
  return new Map(
    rows.map((r) => [
      r.reference,
      JSON.stringify([
        r.received_on,
        r.logged_on,
        r.finalised_on,
        r.handling,
        r.complainant_reference,
        r.complainant_ethnicity,
        r.complainant_sex,
        r.complainant_age_band,
        [...r.themes].sort(),
        r.allegations,
      ]),
    ]),
  );
}

/** Writes a complaint's allegations and their officers (after deleting any it had: a correction replaces them). */
export async function writeAllegations(q: Queryable, complaintId: string, c: ResolvedComplaint): Promise<void> {
  await q.query(`DELETE FROM complaint_allegations WHERE complaint_id = $1`, [complaintId]);
  if (!c.allegations.length) return;
  const rows = (await q.query(
    `INSERT INTO complaint_allegations (complaint_id, position, category, sub_category, characteristic, encounter_kind, encounter_id, outcome)
     SELECT $1, t.position, t.category, t.sub_category, t.characteristic, t.encounter_kind, t.encounter_id, t.outcome
     FROM jsonb_to_recordset($2::jsonb) AS t(position int, category text, sub_category text, characteristic text, encounter_kind text, encounter_id uuid, outcome text)
     RETURNING id, position`,
    [
      complaintId,
      JSON.stringify(
        c.allegations.map((a, i) => ({
          position: i + 1,
          category: a.category,
          sub_category: a.subCategory,
          characteristic: a.characteristic,
          encounter_kind: a.encounter?.kind ?? null,
          encounter_id: a.encounter?.id ?? null,
          outcome: a.outcome,
        })),
      ),
    ],
  )) as { id: string; position: number }[];
  const pairs = rows.flatMap((r) => c.officerIds[r.position - 1].map((officerId) => [r.id, officerId]));
  if (pairs.length)
    await q.query(
      `INSERT INTO complaint_allegation_officers (allegation_id, officer_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
}

/** Inserts a new complaint with its allegations; answers its id. */
export async function insertComplaint(
  q: Queryable,
  forceCode: string,
  c: ResolvedComplaint,
  meta: { source: 'api' | 'csv-template'; importId: string | null; createdBy: string | null },
): Promise<string> {
  const [row] = (await q.query(
    `INSERT INTO complaints (force_code, reference, received_on, logged_on, finalised_on, handling, complainant_reference,
       complainant_ethnicity, complainant_sex, complainant_age_band, themes, source, import_id, created_by, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14, 1) RETURNING id`,
    [
      forceCode,
      c.reference,
      c.receivedOn,
      c.loggedOn,
      c.finalisedOn,
      c.handling,
      c.complainant.reference,
      c.complainant.ethnicity,
      c.complainant.sex,
      c.complainant.ageBand,
      c.themes,
      meta.source,
      meta.importId,
      meta.createdBy,
    ],
  )) as { id: string }[];
  await writeAllegations(q, row.id, c);
  return row.id;
}

/** The force's reference of the encounter an allegation names (SQL over an allegation aliased `al`). */
export const ENCOUNTER_REFERENCE_SQL = `(SELECT e.source_reference FROM (${caseColumnsSql('al.encounter_kind', 'al.encounter_id', 'source_reference')}) e LIMIT 1)`;
