import type { DataSource, EntityManager } from 'typeorm';
import { parseAreaLookup, parseCensusTable, type CensusLayout, type ParseProblem } from '../census/census-csv';
import type { Characteristic } from '../census/characteristics';
import {
  CENSUS_2011_QS201_ETHNICITY_CSV,
  CENSUS_2021_TS007_AGE_CSV,
  CENSUS_2021_TS008_SEX_CSV,
  CENSUS_2021_TS021_ETHNICITY_CSV,
  CENSUS_2021_TS038_DISABILITY_CSV,
  LAD_PFA_LOOKUP_2016_CSV,
  LAD_PFA_LOOKUP_2022_CSV,
} from '../reference/data/embedded';
import { POLICE_FORCE_AREAS } from '../reference/police-force-areas';
import { areaForces } from './area-lookup';

export interface CensusImportInput {
  populationCsv: string;
  /**
   * Optional LAD → PFA lookup: adds its authorities to the census's geography. Without one, a census imported for
   * the first time takes the current local authorities (those of Census 2021) as its geography.
   */
  lookupCsv?: string;
  censusYear: number;
  source: string;
}

export interface AuthorityRef {
  code: string;
  name: string;
}

/** Where a force stands for this census and characteristic after an import. */
export interface ForceCompleteness {
  code: string;
  name: string;
  /** complete: every authority of the force has a figure, so the force has a total; partial: it has none. */
  status: 'complete' | 'partial';
  authorities: number;
  missing: AuthorityRef[];
}

export interface CensusImportResult {
  layout: CensusLayout;
  table: string;
  characteristic: Characteristic;
  censusYear: number;
  /** Authorities that had no figure for this census and characteristic before. */
  added: AuthorityRef[];
  /** Authorities whose figures this import replaced. */
  replaced: AuthorityRef[];
  /** Every force with an authority in the file. */
  forces: ForceCompleteness[];
  /** How many forces have no figure at all for this census and characteristic. */
  forcesWithoutFigures: number;
  problems: ParseProblem[];
  /** Rows for authorities not in this census's geography (give a lookup that places them). */
  unassigned: { line: number; areaCode: string; areaName: string }[];
  /** Rows for countries, regions or counties, which are not local authorities. */
  skipped: number;
}

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

/** Adds authorities to a census's geography; an authority already in it keeps its force. */
async function addCensusAuthorities(
  m: EntityManager,
  census: number,
  authorities: { code: string; name: string; force: string }[],
): Promise<void> {
  if (!authorities.length) return;
  await m.query(
    `INSERT INTO census_authorities (census, code, name, force_code)
     SELECT $1, code, name, force FROM unnest($2::text[], $3::text[], $4::text[]) AS t(code, name, force)
     ON CONFLICT (census, code) DO NOTHING`,
    [census, authorities.map((a) => a.code), authorities.map((a) => a.name), authorities.map((a) => a.force)],
  );
}

/**
 * Loads one census table by local authority for one census year, in the caller's transaction. Figures are held per
 * authority only: a force's total is summed when asked for, and exists only while every authority of the force (in
 * that census's geography) has a figure, so a partial import never changes or invents a force total. An
 * authority's figures for the table's characteristic are replaced as a whole.
 */
export async function importCensus(m: EntityManager, input: CensusImportInput): Promise<CensusImportResult> {
  const parsed = parseCensusTable(input.populationCsv);
  const census = input.censusYear;
  await ensurePoliceForceAreas(m);
  const forceCodes = new Set<string>(POLICE_FORCE_AREAS.map((f) => f.code));

  if (input.lookupCsv) {
    const lookup = parseAreaLookup(input.lookupCsv);
    await addCensusAuthorities(
      m,
      census,
      [...lookup]
        .filter(([, v]) => forceCodes.has(v.force))
        .map(([code, v]) => ({ code, name: v.name, force: v.force })),
    );
  }
  const [{ held }] = (await m.query(`SELECT count(*)::int AS held FROM census_authorities WHERE census = $1`, [
    census,
  ])) as { held: number }[];
  if (!held) {
    // A new census without a lookup: the current authorities (Census 2021 geography) with their forces.
    const forces = await areaForces(m);
    const names = new Map(
      (
        (await m.query(`SELECT code, name FROM areas WHERE level = 'local_authority'`)) as {
          code: string;
          name: string;
        }[]
      ).map((r) => [r.code, r.name]),
    );
    await addCensusAuthorities(
      m,
      census,
      [...names].filter(([code]) => forces.get(code)).map(([code, name]) => ({ code, name, force: forces.get(code)! })),
    );
  }
  const geography = new Map(
    (
      (await m.query(`SELECT code, name, force_code FROM census_authorities WHERE census = $1`, [census])) as {
        code: string;
        name: string;
        force_code: string;
      }[]
    ).map((r) => [r.code, r]),
  );

  const placed = parsed.rows.filter((r) => geography.has(r.areaCode));
  const unassigned = parsed.rows
    .filter((r) => !geography.has(r.areaCode))
    .map((r) => ({ line: r.line, areaCode: r.areaCode, areaName: r.areaName }));
  const codes = placed.map((r) => r.areaCode);
  const before = new Set(
    (
      (await m.query(
        `SELECT DISTINCT area_code FROM census_populations WHERE census = $1 AND characteristic = $2 AND area_code = ANY($3::text[])`,
        [census, parsed.characteristic, codes],
      )) as { area_code: string }[]
    ).map((r) => r.area_code),
  );
  await m.query(
    `DELETE FROM census_populations WHERE census = $1 AND characteristic = $2 AND area_code = ANY($3::text[])`,
    [census, parsed.characteristic, codes],
  );
  const cells = placed.flatMap((r) =>
    Object.entries(r.counts).map(([category, n]) => ({ code: r.areaCode, category, n })),
  );
  await m.query(
    `INSERT INTO census_populations (census, area_code, characteristic, category, population, source)
     SELECT $1, area_code, $2, category, population, $3 FROM unnest($4::text[], $5::text[], $6::int[]) AS t(area_code, category, population)`,
    [
      census,
      parsed.characteristic,
      input.source,
      cells.map((c) => c.code),
      cells.map((c) => c.category),
      cells.map((c) => c.n),
    ],
  );

  const ref = (code: string): AuthorityRef => ({ code, name: geography.get(code)!.name });
  const status = await forceCompleteness(m, census, parsed.characteristic);
  const touched = new Set(placed.map((r) => geography.get(r.areaCode)!.force_code));
  return {
    layout: parsed.layout,
    table: parsed.table,
    characteristic: parsed.characteristic,
    censusYear: census,
    added: codes.filter((c) => !before.has(c)).map(ref),
    replaced: codes.filter((c) => before.has(c)).map(ref),
    forces: status.filter((f) => touched.has(f.code)),
    forcesWithoutFigures: status.filter((f) => f.missing.length === f.authorities).length,
    problems: parsed.problems,
    unassigned,
    skipped: parsed.skipped,
  };
}

/** Every force of a census's geography: how many of its authorities lack a figure for the characteristic. */
export async function forceCompleteness(
  m: EntityManager | DataSource,
  census: number,
  characteristic: Characteristic,
): Promise<ForceCompleteness[]> {
  const rows = (await m.query(
    `SELECT a.force_code, f.name AS force_name, a.code, a.name,
       EXISTS (SELECT 1 FROM census_populations p WHERE p.census = a.census AND p.area_code = a.code AND p.characteristic = $2) AS has
     FROM census_authorities a JOIN areas f ON f.code = a.force_code
     WHERE a.census = $1 ORDER BY a.force_code, a.code`,
    [census, characteristic],
  )) as { force_code: string; force_name: string; code: string; name: string; has: boolean }[];
  const byForce = new Map<string, ForceCompleteness>();
  for (const r of rows) {
    let f = byForce.get(r.force_code);
    if (!f) {
      f = { code: r.force_code, name: r.force_name, status: 'complete', authorities: 0, missing: [] };
      byForce.set(r.force_code, f);
    }
    f.authorities++;
    if (!r.has) {
      f.missing.push({ code: r.code, name: r.name });
      f.status = 'partial';
    }
  }
  return [...byForce.values()];
}

/** The source recorded for a built-in table's rows. */
export const BUILT_IN_SOURCES = {
  2021: {
    ethnicity: 'ONS Census 2021 TS021 ethnic group (19 categories), built in',
    age: 'ONS Census 2021 TS007 age by single year, built in',
    sex: 'ONS Census 2021 TS008 sex, built in',
    disability: 'ONS Census 2021 TS038 disability, built in',
  },
  2011: { ethnicity: 'ONS Census 2011 QS201EW ethnic group (18 categories), built in' },
} as const;

const BUILT_IN_TABLES: { census: 2011 | 2021; characteristic: Characteristic; csv: string; source: string }[] = [
  {
    census: 2021,
    characteristic: 'ethnicity',
    csv: CENSUS_2021_TS021_ETHNICITY_CSV,
    source: BUILT_IN_SOURCES[2021].ethnicity,
  },
  { census: 2021, characteristic: 'age', csv: CENSUS_2021_TS007_AGE_CSV, source: BUILT_IN_SOURCES[2021].age },
  { census: 2021, characteristic: 'sex', csv: CENSUS_2021_TS008_SEX_CSV, source: BUILT_IN_SOURCES[2021].sex },
  {
    census: 2021,
    characteristic: 'disability',
    csv: CENSUS_2021_TS038_DISABILITY_CSV,
    source: BUILT_IN_SOURCES[2021].disability,
  },
  {
    census: 2011,
    characteristic: 'ethnicity',
    csv: CENSUS_2011_QS201_ETHNICITY_CSV,
    source: BUILT_IN_SOURCES[2011].ethnicity,
  },
];

/**
 * The built-in reference data: the 43 forces and the 331 current local authorities (December 2022 lookup) as
 * areas; the geographies of Census 2021 (those 331) and Census 2011 (348, December 2016 lookup); and the built-in
 * tables. A table is loaded only where its census holds no figures for its characteristic yet, so an import is
 * never overwritten. Runs after every migration; one transaction.
 */
export async function seedBuiltInReferenceData(dataSource: DataSource): Promise<void> {
  // The built-in age table was once held in police.uk bands (before this release); held by single year it is reloaded.
  await dataSource.query(
    `DELETE FROM census_populations WHERE characteristic = 'age' AND source = $1 AND category !~ '^[0-9]+$'`,
    [BUILT_IN_SOURCES[2021].age],
  );
  const held = new Set(
    (
      (await dataSource.query(`SELECT DISTINCT census, characteristic FROM census_populations`)) as {
        census: number;
        characteristic: string;
      }[]
    ).map((r) => `${r.census}/${r.characteristic}`),
  );
  const [areasPresent] = (await dataSource.query(
    `SELECT 1 FROM census_authorities WHERE census = 2021 LIMIT 1`,
  )) as unknown[];
  const pending = BUILT_IN_TABLES.filter((t) => !held.has(`${t.census}/${t.characteristic}`));
  if (areasPresent && !pending.length) return;
  await dataSource.transaction(async (m) => {
    await ensurePoliceForceAreas(m);
    const current = parseAreaLookup(LAD_PFA_LOOKUP_2022_CSV);
    const authorities = [...current].map(([code, v]) => ({ code, name: v.name, force: v.force }));
    // A known authority keeps its place (it may have been put under a district).
    await m.query(
      `INSERT INTO areas (code, name, level, parent_code)
       SELECT code, name, 'local_authority', force FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, force)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, parent_code = COALESCE(areas.parent_code, EXCLUDED.parent_code)`,
      [authorities.map((a) => a.code), authorities.map((a) => a.name), authorities.map((a) => a.force)],
    );
    await addCensusAuthorities(m, 2021, authorities);
    await addCensusAuthorities(
      m,
      2011,
      [...parseAreaLookup(LAD_PFA_LOOKUP_2016_CSV)].map(([code, v]) => ({ code, name: v.name, force: v.force })),
    );
    for (const t of pending) {
      const result = await importCensus(m, { populationCsv: t.csv, censusYear: t.census, source: t.source });
      const incomplete = result.forces.filter((f) => f.status !== 'complete');
      if (result.unassigned.length || result.problems.length || incomplete.length || result.skipped) {
        throw new Error(
          `Built-in reference data is inconsistent (${t.source}): ${JSON.stringify({ unassigned: result.unassigned, problems: result.problems, incomplete })}`,
        );
      }
    }
  });
}

/** What an import did, in lines for a person: added, replaced, and per force complete or partial (with the gaps). */
export function describeCensusImport(r: CensusImportResult): string[] {
  const names = (list: AuthorityRef[]) => list.map((a) => `${a.code} ${a.name}`).join(', ');
  const out = [
    `Census ${r.censusYear} ${r.characteristic} (${r.table}): added ${r.added.length} local authorit${r.added.length === 1 ? 'y' : 'ies'}, replaced ${r.replaced.length}`,
  ];
  if (r.added.length && r.added.length <= 20) out.push(`  added: ${names(r.added)}`);
  if (r.replaced.length && r.replaced.length <= 20) out.push(`  replaced: ${names(r.replaced)}`);
  const partial = r.forces.filter((f) => f.status === 'partial');
  const complete = r.forces.filter((f) => f.status === 'complete');
  if (complete.length)
    out.push(`  complete (force totals available): ${complete.map((f) => `${f.name} (${f.authorities})`).join(', ')}`);
  for (const f of partial)
    out.push(
      `  partial, no force total: ${f.name}: ${f.authorities - f.missing.length} of ${f.authorities} authorities; missing ${names(f.missing)}`,
    );
  if (r.forcesWithoutFigures)
    out.push(`  ${r.forcesWithoutFigures} force(s) have no Census ${r.censusYear} ${r.characteristic} figures at all`);
  if (r.skipped) out.push(`  ${r.skipped} row(s) for countries, regions or counties skipped`);
  for (const p of r.problems) out.push(`  line ${p.line}: ${p.message}`);
  for (const u of r.unassigned)
    out.push(
      `  line ${u.line}: ${u.areaCode} ${u.areaName} is not an authority of Census ${r.censusYear} (give --lookup)`,
    );
  return out;
}
