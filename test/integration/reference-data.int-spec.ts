import { DataSource } from 'typeorm';
import { BUILT_IN_SOURCE, importCensus, POLICE_FORCE_AREAS } from '@scrutiny/records';
import { useTestDatabase } from '../setup/test-database';

describe('built-in reference data (Census 2021, every authority and force)', () => {
  const test = useTestDatabase();
  let ds: DataSource;
  beforeAll(() => {
    ds = test.ds();
  });

  it('has every police force area of England and Wales with its data.police.uk id', async () => {
    const forces = await ds.query(`SELECT code, police_uk_id FROM areas WHERE level = 'force' ORDER BY code`);
    expect(forces).toHaveLength(43);
    expect(forces).toEqual(
      expect.arrayContaining([
        { code: 'E23000003', police_uk_id: 'lancashire' },
        { code: 'W15000004', police_uk_id: 'dyfed-powys' },
      ]),
    );
    expect(new Set(forces.map((f: { police_uk_id: string }) => f.police_uk_id))).toEqual(
      new Set(POLICE_FORCE_AREAS.map((f) => f.policeUkId)),
    );
  });

  it('leaves no local authority unassigned, merged authorities included', async () => {
    const orphans = await ds.query(`SELECT code FROM areas WHERE level = 'local_authority' AND parent_code IS NULL`);
    expect(orphans).toEqual([]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM areas WHERE level = 'local_authority'`);
    expect(n).toBe(331);
    const merged = await ds.query(
      `SELECT code, parent_code FROM areas WHERE code IN ('E06000060', 'E06000061', 'E07000244', 'E06000058') ORDER BY code`,
    );
    expect(merged).toEqual([
      { code: 'E06000058', parent_code: 'E23000039' },
      { code: 'E06000060', parent_code: 'E23000029' },
      { code: 'E06000061', parent_code: 'E23000022' },
      { code: 'E07000244', parent_code: 'E23000025' },
    ]);
  });

  it('gives each force, for each group, exactly the sum of its authorities', async () => {
    const mismatches = await ds.query(`
      SELECT f.code, pf.category, pf.population AS force_total, sum(pl.population)::int AS authorities_total
      FROM areas f
      JOIN population_benchmarks pf ON pf.area_code = f.code AND pf.census_year = 2021
      JOIN areas la ON la.parent_code = f.code AND la.level = 'local_authority'
      JOIN population_benchmarks pl ON pl.area_code = la.code AND pl.census_year = 2021 AND pl.category = pf.category
      WHERE f.level = 'force'
      GROUP BY f.code, pf.category, pf.population
      HAVING pf.population <> sum(pl.population)`);
    expect(mismatches).toEqual([]);
    const [{ forces }] = await ds.query(
      `SELECT count(DISTINCT area_code)::int AS forces FROM population_benchmarks p JOIN areas a ON a.code = p.area_code WHERE a.level = 'force'`,
    );
    expect(forces).toBe(43);
  });

  it('matches the published Lancashire totals (README of the source data)', async () => {
    const rows = await ds.query(
      `SELECT category, population FROM population_benchmarks WHERE area_code = 'E23000003' AND census_year = 2021 ORDER BY category`,
    );
    expect(
      Object.fromEntries(rows.map((r: { category: string; population: number }) => [r.category, r.population])),
    ).toEqual({
      asian: 158_894,
      black: 19_928,
      mixed: 14_929,
      other: 14_417,
      white: 1_322_982,
    });
    const [{ source }] = await ds.query(
      `SELECT DISTINCT source FROM population_benchmarks WHERE area_code = 'E07000117'`,
    );
    expect(source).toBe(BUILT_IN_SOURCE);
  });

  it('imports another census year, reports bad and unplaceable rows by line, and recomputes force totals', async () => {
    const csv = [
      'LAD_code,LAD,Asian,Black,Mixed,Other,White',
      'E07000117,Burnley,10,20,30,40,50',
      'E07000118,Chorley,1,2,3,4,5',
      'E99999999,Atlantis,1,1,1,1,1',
      'E07000119,Fylde,x,1,1,1,1',
    ].join('\n');
    const result = await ds.transaction((m) =>
      importCensus(m, { populationCsv: csv, censusYear: 2031, source: 'test' }),
    );
    expect(result).toMatchObject({
      authorities: 2,
      problems: [{ line: 5, message: 'not a whole number in asian' }],
      unassigned: [{ line: 4, areaCode: 'E99999999' }],
    });
    const [lancs] = await ds.query(
      `SELECT population FROM population_benchmarks WHERE area_code = 'E23000003' AND census_year = 2031 AND category = 'white'`,
    );
    expect(lancs.population).toBe(55);
  });
});
