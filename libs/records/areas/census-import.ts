import type { DataSource, EntityManager } from 'typeorm';
import { parseAreaLookup, parseCensusPopulation, type ParseProblem } from '../census/census-csv';
import { CENSUS_2021_LAD_5_GROUPS_CSV, LAD_PFA_LOOKUP_2016_CSV } from '../reference/data/embedded';
import { LOCAL_AUTHORITY_SUCCESSORS, POLICE_FORCE_AREAS } from '../reference/police-force-areas';

export interface CensusImportInput {
  populationCsv: string;
  /** Optional LAD → PFA lookup; authorities already known keep their place in the hierarchy. */
  lookupCsv?: string;
  censusYear: number;
  source: string;
}

export interface CensusImportResult {
  layout: '5-groups' | 'nomis-18';
  censusYear: number;
  authorities: number;
  forces: number;
  categories: string[];
  problems: ParseProblem[];
  unassigned: { line: number; areaCode: string; areaName: string }[];
}

export const BUILT_IN_SOURCE = 'built-in: ONS Census 2021 (TS021, 5 groups)';

/** Inserts (or renames) the 43 police force areas. */
export async function ensurePoliceForceAreas(m: EntityManager): Promise<void> {
  await m.query(
    `INSERT INTO areas (code, name, level, parent_code, police_uk_id)
     SELECT code, name, 'force', NULL, police_uk_id FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, police_uk_id)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, police_uk_id = EXCLUDED.police_uk_id`,
    [
      POLICE_FORCE_AREAS.map((f) => f.code),
      POLICE_FORCE_AREAS.map((f) => f.name),
      POLICE_FORCE_AREAS.map((f) => f.policeUkId),
    ],
  );
}

/**
 * Loads population by local authority, places each authority under its force (lookup, then the successor table
 * for authorities merged since the lookup, then what the database already knows), and recomputes every force's
 * and district's population as the sum of its authorities. All in the caller's transaction: nothing half-written.
 */
export async function importCensus(m: EntityManager, input: CensusImportInput): Promise<CensusImportResult> {
  const parsed = parseCensusPopulation(input.populationCsv);
  const lookup = input.lookupCsv ? parseAreaLookup(input.lookupCsv) : new Map<string, string>();
  await ensurePoliceForceAreas(m);
  const forces = new Set<string>(POLICE_FORCE_AREAS.map((f) => f.code));
  const known = new Map<string, string>(
    (
      (await m.query(`SELECT code, parent_code FROM areas WHERE level = 'local_authority'`)) as {
        code: string;
        parent_code: string;
      }[]
    ).map((r) => [r.code, r.parent_code]),
  );
  const forceOf = (code: string): string | undefined => {
    const direct = lookup.get(code);
    if (direct) return direct;
    const successor = LOCAL_AUTHORITY_SUCCESSORS[code];
    if (successor) {
      const parents = new Set(successor.predecessors.map((p) => lookup.get(p)).filter(Boolean));
      if (parents.size === 1) return [...parents][0];
    }
    return undefined;
  };

  const placed: { code: string; name: string; force: string | null }[] = [];
  const unassigned: CensusImportResult['unassigned'] = [];
  for (const row of parsed.rows) {
    const force = forceOf(row.areaCode);
    if (force && forces.has(force)) placed.push({ code: row.areaCode, name: row.areaName, force });
    else if (known.has(row.areaCode)) placed.push({ code: row.areaCode, name: row.areaName, force: null });
    else unassigned.push({ line: row.line, areaCode: row.areaCode, areaName: row.areaName });
  }

  // A new authority goes under its force; a known one keeps its parent (which may be a district).
  await m.query(
    `INSERT INTO areas (code, name, level, parent_code)
     SELECT code, name, 'local_authority', force FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, force)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = COALESCE(areas.parent_code, EXCLUDED.parent_code)`,
    [placed.map((p) => p.code), placed.map((p) => p.name), placed.map((p) => p.force)],
  );

  const placedCodes = new Set(placed.map((p) => p.code));
  const areaCodes: string[] = [];
  const categories: string[] = [];
  const populations: number[] = [];
  for (const row of parsed.rows) {
    if (!placedCodes.has(row.areaCode)) continue;
    for (const [category, population] of Object.entries(row.counts)) {
      areaCodes.push(row.areaCode);
      categories.push(category);
      populations.push(population);
    }
  }
  await m.query(
    `INSERT INTO population_benchmarks (area_code, census_year, category, population, source)
     SELECT area_code, $4, category, population, $5 FROM unnest($1::text[], $2::text[], $3::int[]) AS t(area_code, category, population)
     ON CONFLICT (area_code, census_year, category) DO UPDATE SET population = EXCLUDED.population, source = EXCLUDED.source`,
    [areaCodes, categories, populations, input.censusYear, input.source],
  );
  await recomputeAggregates(m, input.censusYear);

  const [{ forces: forcesWithPopulation }] = (await m.query(
    `SELECT count(DISTINCT p.area_code)::int AS forces FROM population_benchmarks p JOIN areas a ON a.code = p.area_code
     WHERE a.level = 'force' AND p.census_year = $1`,
    [input.censusYear],
  )) as { forces: number }[];
  return {
    layout: parsed.layout,
    censusYear: input.censusYear,
    authorities: placed.length,
    forces: forcesWithPopulation,
    categories: [...new Set(categories)].sort(),
    problems: parsed.problems,
    unassigned,
  };
}

/** Every force's and district's population for a year: the sum of the local authorities beneath it. */
export async function recomputeAggregates(m: EntityManager, censusYear: number): Promise<void> {
  await m.query(
    `DELETE FROM population_benchmarks p USING areas a WHERE a.code = p.area_code AND a.level <> 'local_authority' AND p.census_year = $1`,
    [censusYear],
  );
  await m.query(
    `WITH RECURSIVE ancestry(la, ancestor) AS (
       SELECT code, parent_code FROM areas WHERE level = 'local_authority' AND parent_code IS NOT NULL
       UNION ALL
       SELECT ancestry.la, a.parent_code FROM ancestry JOIN areas a ON a.code = ancestry.ancestor WHERE a.parent_code IS NOT NULL
     )
     INSERT INTO population_benchmarks (area_code, census_year, category, population, source)
     SELECT ancestry.ancestor, p.census_year, p.category, sum(p.population)::int, 'sum of local authorities'
     FROM ancestry JOIN population_benchmarks p ON p.area_code = ancestry.la AND p.census_year = $1
     GROUP BY ancestry.ancestor, p.census_year, p.category`,
    [censusYear],
  );
}

/** The built-in Census 2021 populations for every authority and force; skipped when already present. */
export async function seedBuiltInReferenceData(dataSource: DataSource): Promise<void> {
  const [present] = (await dataSource.query(`SELECT 1 FROM population_benchmarks WHERE source = $1 LIMIT 1`, [
    BUILT_IN_SOURCE,
  ])) as unknown[];
  if (present) return;
  await dataSource.transaction(async (m) => {
    const result = await importCensus(m, {
      populationCsv: CENSUS_2021_LAD_5_GROUPS_CSV,
      lookupCsv: LAD_PFA_LOOKUP_2016_CSV,
      censusYear: 2021,
      source: BUILT_IN_SOURCE,
    });
    if (result.unassigned.length || result.problems.length) {
      throw new Error(
        `Built-in reference data is inconsistent: ${JSON.stringify({ unassigned: result.unassigned, problems: result.problems })}`,
      );
    }
  });
}
