import { DataSource } from 'typeorm';
import { BUILT_IN_SOURCES, CHARACTERISTICS, forceCompleteness, POLICE_FORCE_AREAS } from '@scrutiny/records';
import { useTestDatabase } from '../setup/test-database';

describe('built-in reference data (forces, authorities, Census 2011 and 2021)', () => {
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

  it('holds each census in its own geography: 331 authorities for 2021, 348 for 2011 (merged ones not current areas)', async () => {
    const counts = await ds.query(
      `SELECT census, count(*)::int AS authorities, count(DISTINCT force_code)::int AS forces FROM census_authorities GROUP BY census ORDER BY census`,
    );
    expect(counts).toEqual([
      { census: 2011, authorities: 348, forces: 43 },
      { census: 2021, authorities: 331, forces: 43 },
    ]);
    // Aylesbury Vale (merged into Buckinghamshire in 2020) is a 2011 authority of Thames Valley, not a current area.
    expect(
      await ds.query(`SELECT force_code FROM census_authorities WHERE census = 2011 AND code = 'E07000004'`),
    ).toEqual([{ force_code: 'E23000029' }]);
    expect(await ds.query(`SELECT 1 FROM areas WHERE code = 'E07000004'`)).toEqual([]);
    // The 2021 geography is the current hierarchy.
    const differ = await ds.query(`
      SELECT c.code FROM census_authorities c LEFT JOIN areas a ON a.code = c.code AND a.parent_code = c.force_code
      WHERE c.census = 2021 AND a.code IS NULL`);
    expect(differ).toEqual([]);
  });

  it('gives every force a complete base for each built-in table, and nothing for tables not built in', async () => {
    for (const characteristic of CHARACTERISTICS) {
      const forces = await forceCompleteness(ds, 2021, characteristic);
      expect({ characteristic, forces: forces.length, partial: forces.filter((f) => f.status !== 'complete') }).toEqual(
        {
          characteristic,
          forces: 43,
          partial: [],
        },
      );
    }
    const ethnicity2011 = await forceCompleteness(ds, 2011, 'ethnicity');
    expect(ethnicity2011.filter((f) => f.status === 'complete')).toHaveLength(43);
    const age2011 = await forceCompleteness(ds, 2011, 'age');
    expect(age2011.every((f) => f.missing.length === f.authorities)).toBe(true);
    const sources = await ds.query(
      `SELECT census, characteristic, min(source) AS source FROM census_populations GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(sources).toEqual([
      { census: 2011, characteristic: 'ethnicity', source: BUILT_IN_SOURCES[2011].ethnicity },
      { census: 2021, characteristic: 'age', source: BUILT_IN_SOURCES[2021].age },
      { census: 2021, characteristic: 'disability', source: BUILT_IN_SOURCES[2021].disability },
      { census: 2021, characteristic: 'ethnicity', source: BUILT_IN_SOURCES[2021].ethnicity },
      { census: 2021, characteristic: 'sex', source: BUILT_IN_SOURCES[2021].sex },
    ]);
  });

  it('holds ethnicity by self-defined code, never as pre-collapsed groups', async () => {
    const categories = await ds.query(
      `SELECT DISTINCT category FROM census_populations WHERE characteristic = 'ethnicity' ORDER BY category`,
    );
    expect(categories.map((c: { category: string }) => c.category)).toEqual([
      'A1',
      'A2',
      'A3',
      'A4',
      'A9',
      'B1',
      'B2',
      'B9',
      'M1',
      'M2',
      'M3',
      'M9',
      'O1',
      'O9',
      'W1',
      'W2',
      'W3',
      'W9',
    ]);
  });
});
