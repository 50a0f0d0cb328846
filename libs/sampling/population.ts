import { withinAreasSql, type CaseKind } from '@scrutiny/auth';
import { londonMonthStartSql, selfDefinedGroupSql } from '@scrutiny/records';
import type { Queryable } from '@scrutiny/records';
import type { PlanSpec } from './draw/plan-spec';
import type { EligibleRecord } from './draw/rules';

/** What defines a month's population: the period, the plan's kinds and exclusions, the teams, and the instant. */
export interface PopulationQuery {
  /** YYYY-MM, a Europe/London month. */
  period: string;
  spec: PlanSpec;
  /** Empty (and no areas): every team. */
  teams: string[];
  /**
   * Areas (each with every area beneath it) whose records belong too, whatever their team: a supervisor scoped by
   * area. With teams, a record of either belongs.
   */
  areas?: string[];
  /** Reviews completed and officer flags set after this instant do not count (so a re-count matches the draw). */
  asOf: Date;
}

/** Per kind: its table, and SQL for what the targeted rules read (alias c). */
const KIND_SQL: Record<
  CaseKind,
  {
    table: string;
    power: string;
    under18: string;
    clothing: string;
    tactics: string;
    injury: string;
    findNfa: string;
    bwvLate: string;
    mismatch: string;
  }
> = {
  stop_search: {
    table: 'stop_searches',
    power: 'c.legislation',
    under18: `c.age_range IN ('under_10', '10_17')`,
    clothing: 'coalesce(c.clothing_removed, false)',
    tactics: `'{}'::text[]`,
    injury: 'false',
    findNfa: `(c.outcome_linked_to_object IS TRUE AND c.outcome = 'no_further_action')`,
    bwvLate: 'c.bwv_activated_before_encounter IS FALSE',
    mismatch: `coalesce(${selfDefinedGroupSql('c.self_defined_ethnicity')} <> c.officer_defined_ethnicity, false)`,
  },
  vehicle_stop: {
    table: 'vehicle_stops',
    power: `'road_traffic_act_s163'`,
    under18: `c.age_range IN ('under_10', '10_17')`,
    clothing: 'false',
    tactics: `'{}'::text[]`,
    injury: 'false',
    findNfa: 'false',
    bwvLate: 'c.bwv_activated_before_encounter IS FALSE',
    mismatch: `coalesce(${selfDefinedGroupSql('c.self_defined_ethnicity')} <> c.officer_defined_ethnicity, false)`,
  },
  use_of_force: {
    table: 'use_of_force_reports',
    power: 'NULL::text',
    under18: `c.age_range IN ('under_11', '11_17')`,
    clothing: 'false',
    tactics: `ARRAY(SELECT t->>'tactic' FROM jsonb_array_elements(c.tactics) t)`,
    injury: `(c.subject_injury IN ('minor', 'severe', 'death') OR c.officer_injury IN ('minor', 'severe', 'death'))`,
    findNfa: 'false',
    bwvLate: 'c.bwv_activated IS FALSE',
    mismatch: 'false',
  },
};

/**
 * The month's records ($1, its first day) as a range of occurred_at (the period is its Europe/London month), which the
 * (occurred_at, id) index reads; the period column pairs with no index of its own, so `period = $1` scanned the table.
 */
const IN_MONTH = `c.occurred_at >= ${londonMonthStartSql('$1')} AND c.occurred_at < ${londonMonthStartSql('$1', 1)}`;

const SUBJECTS = Object.values(KIND_SQL)
  .map((k) => `SELECT subject_reference, occurred_at FROM ${k.table} WHERE subject_reference IS NOT NULL`)
  .join(' UNION ALL ');

type Row = {
  kind: CaseKind;
  id: string;
  team: string | null;
  area: string | null;
  power: string | null;
  under18: boolean;
  clothing: boolean;
  tactics: string[];
  injury: boolean;
  find_nfa: boolean;
  bwv_missing_or_late: boolean;
  subject_encounters: number;
  officer_flagged: boolean;
  mismatch: boolean;
};

/**
 * SQL over a case of `kind` (alias c; $2 is the as-of instant): whether it is in the population's teams or areas
 * ('true' for every team), and each exclusion the plan switches on, as the condition that excludes it. The draw and
 * the explanation of an empty population read the same conditions, so they cannot disagree.
 */
function populationFilters(
  kind: CaseKind,
  query: PopulationQuery,
  p: (value: unknown) => string,
): { scope: string; exclusions: { name: Exclusion; sql: string }[] } {
  const scopes: string[] = [];
  if (query.teams.length) scopes.push(`c.team_code = ANY(${p(query.teams)}::text[])`);
  if (query.areas?.length) scopes.push(withinAreasSql(p(query.areas), { force: 'c.force_code', area: 'c.area_code' }));
  const exclusions: { name: Exclusion; sql: string }[] = [];
  if (query.spec.exclusions.alreadyReviewed)
    exclusions.push({
      name: 'alreadyReviewed',
      sql: `EXISTS (SELECT 1 FROM dip_sample_items i JOIN sample_reviews r ON r.item_id = i.id
        WHERE i.case_kind = '${kind}' AND i.case_id = c.id AND r.status = 'completed' AND r.completed_at <= $2)`,
    });
  // Issued before the draw: a later recount (verification) finds the same population.
  if (query.spec.exclusions.alreadySampled)
    exclusions.push({
      name: 'alreadySampled',
      sql: `EXISTS (SELECT 1 FROM dip_sample_items i JOIN dip_samples s ON s.id = i.sample_id
        WHERE i.case_kind = '${kind}' AND i.case_id = c.id AND s.status = 'issued' AND s.issued_at <= $2)`,
    });
  if (query.spec.exclusions.noBwv)
    exclusions.push({
      name: 'noBwv',
      sql: `NOT EXISTS (SELECT 1 FROM bwv_clip_links l WHERE l.case_kind = '${kind}' AND l.case_id = c.id)`,
    });
  return { scope: scopes.length ? `(${scopes.join(' OR ')})` : 'true', exclusions };
}

type Exclusion = 'alreadyReviewed' | 'alreadySampled' | 'noBwv';

/** Why a month's population is the size it is: each count is of the plan's record kinds. */
export interface PopulationCounts {
  /** Records of the month, whoever's they are. */
  inMonth: number;
  /** Of those, the ones in the population's teams or areas. */
  inScope: number;
  /** In scope but excluded, each under the first exclusion that applies, in this order. */
  excluded: Record<Exclusion, number>;
  eligible: number;
}

/** Counts the month's records step by step down to the eligible ones, one statement per kind. */
export async function countPopulation(q: Queryable, query: PopulationQuery): Promise<PopulationCounts> {
  const counts: PopulationCounts = {
    inMonth: 0,
    inScope: 0,
    excluded: { alreadyReviewed: 0, alreadySampled: 0, noBwv: 0 },
    eligible: 0,
  };
  for (const kind of query.spec.kinds as CaseKind[]) {
    const params: unknown[] = [`${query.period}-01`, query.asOf];
    const p = (value: unknown) => `$${params.push(value)}`;
    const { scope, exclusions } = populationFilters(kind, query, p);
    // Each exclusion counts the records not already taken out by an earlier one. $2 (the instant) is typed in the
    // WHERE even when no exclusion reads it: an untyped parameter is an error.
    const columns = exclusions.map(
      (e, n) =>
        `count(*) FILTER (WHERE ${scope} AND ${[...exclusions.slice(0, n).map((x) => `NOT ${x.sql}`), e.sql].join(' AND ')})::int AS "${e.name}"`,
    );
    const [row] = (await q.query(
      `SELECT count(*)::int AS in_month, count(*) FILTER (WHERE ${scope})::int AS in_scope${columns.map((c) => `, ${c}`).join('')}
       FROM ${KIND_SQL[kind].table} c WHERE ${IN_MONTH} AND $2::timestamptz IS NOT NULL`,
      params,
    )) as (Record<string, number> & { in_month: number; in_scope: number })[];
    counts.inMonth += row.in_month;
    counts.inScope += row.in_scope;
    let excluded = 0;
    for (const e of exclusions) {
      counts.excluded[e.name] += row[e.name];
      excluded += row[e.name];
    }
    counts.eligible += row.in_scope - excluded;
  }
  return counts;
}

/**
 * The eligible records of a month with what the rules need, read in one statement per kind. Everything that could
 * change after the draw is pinned to `asOf` (reviews, officer flags) so recounting later finds the same population
 * unless records themselves were added, removed or moved.
 */
export async function readPopulation(q: Queryable, query: PopulationQuery): Promise<EligibleRecord[]> {
  const repeat = query.spec.rules.find((r) => r.rule === 'repeat_subject' && r.enabled);
  const lookbackDays = Number((repeat?.params as { lookbackDays?: number } | undefined)?.lookbackDays ?? 90);
  const out: EligibleRecord[] = [];
  for (const kind of query.spec.kinds as CaseKind[]) {
    const k = KIND_SQL[kind];
    const hasClip = `EXISTS (SELECT 1 FROM bwv_clip_links l WHERE l.case_kind = '${kind}' AND l.case_id = c.id)`;
    const params: unknown[] = [`${query.period}-01`, query.asOf];
    const p = (value: unknown) => `$${params.push(value)}`;
    const filters = populationFilters(kind, query, p);
    const where = [IN_MONTH, filters.scope, ...filters.exclusions.map((e) => `NOT ${e.sql}`)];
    const rows = (await q.query(
      `SELECT '${kind}' AS kind, c.id, c.team_code AS team,
         CASE WHEN a.level = 'district' THEN a.code WHEN pa.level = 'district' THEN pa.code ELSE c.area_code END AS area,
         ${k.power} AS power, coalesce(${k.under18}, false) AS under18, ${k.clothing} AS clothing, ${k.tactics} AS tactics,
         coalesce(${k.injury}, false) AS injury, coalesce(${k.findNfa}, false) AS find_nfa,
         (NOT ${hasClip} OR coalesce(${k.bwvLate}, false)) AS bwv_missing_or_late,
         ${
           repeat
             ? `CASE WHEN c.subject_reference IS NULL THEN 0 ELSE (SELECT count(*)::int FROM (${SUBJECTS}) x
               WHERE x.subject_reference = c.subject_reference AND x.occurred_at BETWEEN c.occurred_at - make_interval(days => ${p(lookbackDays)}::int) AND c.occurred_at) END`
             : '0'
         } AS subject_encounters,
         coalesce(o.flagged_at <= $2 AND (o.flag_cleared_at IS NULL OR o.flag_cleared_at > $2), false) AS officer_flagged,
         ${k.mismatch} AS mismatch
       FROM ${k.table} c
       LEFT JOIN officers o ON o.id = c.officer_id
       LEFT JOIN areas a ON a.code = c.area_code
       LEFT JOIN areas pa ON pa.code = a.parent_code
       WHERE ${where.join(' AND ')}`,
      params,
    )) as Row[];
    for (const r of rows) {
      out.push({
        kind: r.kind,
        id: r.id,
        team: r.team,
        area: r.area,
        power: r.power,
        features: {
          under18: r.under18,
          clothingRemoved: r.clothing,
          tactics: r.tactics,
          injury: r.injury,
          findNoFurtherAction: r.find_nfa,
          bwvMissingOrLate: r.bwv_missing_or_late,
          subjectEncounters: r.subject_encounters,
          officerFlagged: r.officer_flagged,
          ethnicityMismatch: r.mismatch,
        },
      });
    }
  }
  return out;
}
