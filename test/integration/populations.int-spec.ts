import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createLogger } from '@scrutiny/core';
import {
  describeCensusImport,
  importCensus,
  nearestCensus,
  populationFor,
  PopulationsService,
  TS021_CATEGORIES,
  type PopulationBase,
} from '@scrutiny/records';
import { importCommand } from '../../apps/cli/commands/import.command';
import { ts007Bands, ts021Groups } from '../setup/census';
import { testConfig } from '../setup/test-app';
import { useTestDatabase } from '../setup/test-database';

const reference = (f: string) => fs.readFileSync(path.join(__dirname, '../../libs/records/reference/data', f), 'utf8');

const total = (p: PopulationBase) => (p.available ? Object.values(p.groups).reduce((a, b) => a + b, 0) : NaN);

/** One authority's rows of the TS021 long file, with every count multiplied (a stand-in for a later census). */
function ts021For(code: string, name: string, factor: number): string {
  const rows = reference('census2021_ts021_ltla_ethnic_group_20cat_long.csv')
    .split('\n')
    .filter((l) => l.startsWith(`${code},`));
  expect(rows).toHaveLength(20);
  return [
    'Lower Tier Local Authorities Code,Lower Tier Local Authorities,Ethnic group (20 categories) Code,Ethnic group (20 categories),Observation',
    ...rows.map((l) =>
      l.replace(/,(\d+)$/, (_, n) => `,${Number(n) * factor}`).replace(/^([^,]+),[^,]+,/, `$1,${name},`),
    ),
  ].join('\n');
}

describe('populations by census (PopulationsService.populationFor)', () => {
  const test = useTestDatabase();
  let ds: DataSource;
  let populations: PopulationsService;
  beforeAll(() => {
    ds = test.ds();
    populations = new PopulationsService(ds);
  });

  it('gives Lancashire its Census 2021 total, 1,531,150, grouped the ONS way', async () => {
    const lancs = await populations.populationFor({ area: 'lancashire', characteristic: 'ethnicity', census: 2021 });
    expect(lancs).toMatchObject({
      available: true,
      census: 2021,
      chosen: 'requested',
      area: 'E23000003',
      areaName: 'Lancashire',
      authorities: 14,
      // Summed from the TS021 file by the label prefix (Mixed White and Black in Mixed): independent of the code.
      groups: { asian: 158_894, black: 10_096, mixed: 24_761, other: 11_861, white: 1_325_538 },
    });
    expect(total(lancs)).toBe(1_531_150);
    const authorities = (
      (await ds.query(`SELECT code FROM census_authorities WHERE census = 2021 AND force_code = 'E23000003'`)) as {
        code: string;
      }[]
    ).map((r) => r.code);
    expect(lancs.available && lancs.groups).toEqual(ts021Groups(authorities));
    expect(lancs.available && lancs.source).toMatch(/TS021/);
  });

  it('sums every force to the ONS national groups (Black 2,409,283, Mixed 1,717,977, White 48,699,231: 81.7%)', async () => {
    const forces = (await ds.query(`SELECT code FROM areas WHERE level = 'force'`)) as { code: string }[];
    const national: Record<string, number> = {};
    for (const f of forces) {
      const p = await populationFor(ds, { area: f.code, characteristic: 'ethnicity', census: 2021 });
      if (!p.available) throw new Error(p.reason);
      for (const [g, n] of Object.entries(p.groups)) national[g] = (national[g] ?? 0) + n;
    }
    expect(national).toEqual({
      asian: 5_515_455,
      black: 2_409_283,
      mixed: 1_717_977,
      other: 1_255_632,
      white: 48_699_231,
    });
    const all = Object.values(national).reduce((a, b) => a + b, 0);
    expect(((100 * national.white) / all).toFixed(1)).toBe('81.7');
  });

  it('serves the Census 2011 base for a force (Metropolitan, from QS201EW) and chooses it for 2015 periods', async () => {
    const met2015 = await populations.populationFor({
      area: 'metropolitan',
      characteristic: 'ethnicity',
      period: { from: '2015-04', to: '2016-03' },
    });
    // Independently: the QS201EW group columns of the 32 boroughs (City of London is its own force).
    expect(met2015).toMatchObject({
      available: true,
      census: 2011,
      chosen: 'nearest',
      authorities: 32,
      groups: { white: 4_881_636, asian: 1_510_606, black: 1_088_447, mixed: 404_990, other: 280_887 },
    });
    expect(total(met2015)).toBe(8_166_566);
    expect(met2015.available && met2015.source).toMatch(/QS201EW/);
    const met2018 = await populations.populationFor({
      area: 'metropolitan',
      characteristic: 'ethnicity',
      period: { from: '2018-01', to: '2018-03' },
    });
    expect(met2018).toMatchObject({ available: true, census: 2021, chosen: 'nearest' });
    expect(total(met2018)).toBe(8_791_152);
    // Lancashire 2011, across the 2011 geography (same 14 authorities).
    expect(total(await populationFor(ds, { area: 'E23000003', characteristic: 'ethnicity', census: 2011 }))).toBe(
      1_460_893,
    );
  });

  it('sums a force over its 2011 authorities although some have merged since (Thames Valley)', async () => {
    const tv2011 = await populationFor(ds, { area: 'thames-valley', characteristic: 'ethnicity', census: 2011 });
    const tv2021 = await populationFor(ds, { area: 'thames-valley', characteristic: 'ethnicity', census: 2021 });
    expect(tv2011.available && tv2011.authorities).toBe(16);
    expect(tv2021.available && tv2021.authorities).toBe(13);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM census_authorities WHERE census = 2011 AND force_code = 'E23000029'`,
    );
    expect(n).toBe(16);
  });

  it('answers a merged authority on the 2011 base as unavailable, naming what it was formed from', async () => {
    const bucks = await populationFor(ds, { area: 'E06000060', characteristic: 'ethnicity', census: 2011 });
    expect(bucks).toEqual({
      available: false,
      census: 2011,
      chosen: 'requested',
      area: 'E06000060',
      reason:
        'no population for this base: E06000060 Buckinghamshire was formed on 2020-04-01 from E07000004, E07000005, E07000006, E07000007; Census 2011 holds the authorities it was formed from, not it',
    });
    const bucks2021 = await populationFor(ds, { area: 'E06000060', characteristic: 'ethnicity', census: 2021 });
    expect(total(bucks2021)).toBe(553_078);
  });

  it('has no 2011 population for sex, age or disability, and says so', async () => {
    for (const characteristic of ['sex', 'age', 'disability'] as const) {
      const p = await populationFor(ds, { area: 'lancashire', characteristic, census: 2011 });
      expect(p).toMatchObject({ available: false, census: 2011 });
      expect(!p.available && p.reason).toMatch(
        new RegExp(`^no population for this base: Census 2011 figures by ${characteristic} are not held`),
      );
    }
    const unknown = await populationFor(ds, { area: 'lancashire', characteristic: 'age', census: 2031 });
    expect(!unknown.available && unknown.reason).toBe(
      'no population for this base: Census 2031 is not held (held: 2011, 2021)',
    );
  });

  it('serves Census 2021 age in the police.uk bands, adding up to the authority’s total, and sex and disability', async () => {
    const preston = await populationFor(ds, { area: 'E07000123', characteristic: 'age', census: 2021 });
    expect(preston).toMatchObject({
      available: true,
      groups: { 'under-10': 18_160, '10-17': 14_500, '18-24': 17_104, '25-34': 21_744, 'over-34': 76_327 },
      authorities: 1,
    });
    expect(total(preston)).toBe(147_835); // TS007's own total for Preston (TS021 says 147,834: perturbation)
    expect(preston.available && preston.note).toMatch(/assumes they are independent/);
    const sex = await populationFor(ds, { area: 'E06000001', characteristic: 'sex' });
    expect(sex).toMatchObject({
      available: true,
      census: 2021,
      chosen: 'nearest',
      groups: { female: 47_653, male: 44_685 },
    });
    const disability = await populationFor(ds, { area: 'E06000001', characteristic: 'disability' });
    expect(disability).toMatchObject({ available: true, groups: { disabled: 21_145, not_disabled: 71_193 } });
    const lancsAge = await populationFor(ds, { area: 'lancashire', characteristic: 'age' });
    // Summed independently from TS007's "Age: Total" column over Lancashire's 14 authorities.
    expect(total(lancsAge)).toBe(1_531_136);
  });

  it('sums a district over the authorities beneath it', async () => {
    await ds.query(
      `INSERT INTO areas (code, name, level, parent_code) VALUES ('POP-EAST', 'East', 'district', 'E23000003')`,
    );
    await ds.query(`UPDATE areas SET parent_code = 'POP-EAST' WHERE code IN ('E07000117', 'E07000118')`);
    const east = await populationFor(ds, { area: 'POP-EAST', characteristic: 'ethnicity', census: 2021 });
    expect(east).toMatchObject({
      available: true,
      authorities: 2,
      groups: {
        asian: 13_930 + 2_204,
        black: 326 + 653,
        mixed: 1_505 + 1_773,
        white: 78_112 + 112_588,
        other: 778 + 515,
      },
    });
    expect(east.available && east.groups).toEqual(ts021Groups(['E07000117', 'E07000118']));
    // The force keeps its total: its authorities are those of the census, wherever the districts put them.
    expect(total(await populationFor(ds, { area: 'lancashire', characteristic: 'ethnicity', census: 2021 }))).toBe(
      1_531_150,
    );
  });

  it('never uses a partial import for a force: one authority for 2022 leaves Lancashire 2021 alone and 2022 unavailable', async () => {
    const result = await ds.transaction((m) =>
      importCensus(m, { populationCsv: ts021For('E07000117', 'Burnley', 1), censusYear: 2022, source: 'test 2022' }),
    );
    expect(result).toMatchObject({
      characteristic: 'ethnicity',
      censusYear: 2022,
      added: [{ code: 'E07000117', name: 'Burnley' }],
      replaced: [],
      problems: [],
      unassigned: [],
      forcesWithoutFigures: 42,
    });
    expect(result.forces).toHaveLength(1);
    expect(result.forces[0]).toMatchObject({ code: 'E23000003', status: 'partial', authorities: 14 });
    expect(result.forces[0].missing).toHaveLength(13);
    expect(result.forces[0].missing).toContainEqual({ code: 'E07000118', name: 'Chorley' });
    const lines = describeCensusImport(result);
    expect(lines[0]).toBe(
      'Census 2022 ethnicity (TS021 ethnic group (19 categories)): added 1 local authority, replaced 0',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}partial, no force total: Lancashire: 1 of 14 authorities; missing E06000008 Blackburn with Darwen, .*E07000118 Chorley, /,
      ),
    );

    const lancs2021 = await populationFor(ds, { area: 'lancashire', characteristic: 'ethnicity', census: 2021 });
    expect(total(lancs2021)).toBe(1_531_150);
    const lancs2022 = await populationFor(ds, { area: 'lancashire', characteristic: 'ethnicity', census: 2022 });
    expect(lancs2022).toMatchObject({ available: false, census: 2022, area: 'E23000003' });
    expect(!lancs2022.available && lancs2022.reason).toMatch(
      /^no population for this base: Census 2022 figures by ethnicity are partial for Lancashire, so it has no total: no figure for E06000008 Blackburn with Darwen, .*E07000118 Chorley, .* \(1 of 14 authorities\)$/,
    );
    // The authority itself has its 2022 figure, and 2022 is its default for a 2023 period.
    expect(total(await populationFor(ds, { area: 'E07000117', characteristic: 'ethnicity', census: 2022 }))).toBe(
      94_651,
    );
    expect(
      await populationFor(ds, {
        area: 'E07000117',
        characteristic: 'ethnicity',
        period: { from: '2023-01', to: '2023-12' },
      }),
    ).toMatchObject({ available: true, census: 2022, chosen: 'nearest' });
    // For Lancashire a 2023 period is nearer Census 2022, but 2022 is partial there: the default is 2021, saying why.
    for (const period of [
      { from: '2023-01', to: '2023-12' },
      { from: '2022-04', to: '2023-03' },
    ]) {
      const lancs = await populationFor(ds, { area: 'lancashire', characteristic: 'ethnicity', period });
      expect(lancs).toMatchObject({ available: true, census: 2021, chosen: 'nearest', authorities: 14 });
      expect(total(lancs)).toBe(1_531_150);
      expect(lancs.available && lancs.note).toMatch(
        /Census 2021 is the nearest census complete for Lancashire by ethnicity; nearer the period but passed over: Census 2022 figures by ethnicity are partial for Lancashire, so it has no total: no figure for E06000008 Blackburn with Darwen, .*E07000118 Chorley, .* \(1 of 14 authorities\)\.$/,
      );
    }
    // Asked for, Census 2022 is honoured as asked: unavailable, naming the 13 authorities without a figure.
    const asked = await populationFor(ds, {
      area: 'lancashire',
      characteristic: 'ethnicity',
      census: 2022,
      period: { from: '2023-01', to: '2023-12' },
    });
    expect(asked).toMatchObject({ available: false, census: 2022, chosen: 'requested' });
    const named = !asked.available && asked.reason.match(/no figure for (.*) \(1 of 14 authorities\)$/);
    expect(named && named[1].split(', ')).toHaveLength(13);
    expect(named && named[1]).not.toMatch(/E07000117/);

    // Importing it again replaces it, and still never makes a Lancashire total.
    const again = await ds.transaction((m) =>
      importCensus(m, { populationCsv: ts021For('E07000117', 'Burnley', 2), censusYear: 2022, source: 'test 2022' }),
    );
    expect(again).toMatchObject({ added: [], replaced: [{ code: 'E07000117', name: 'Burnley' }] });
    expect(total(await populationFor(ds, { area: 'E07000117', characteristic: 'ethnicity', census: 2022 }))).toBe(
      2 * 94_651,
    );
    expect(await populationFor(ds, { area: 'lancashire', characteristic: 'ethnicity', census: 2022 })).toMatchObject({
      available: false,
    });
  });

  it('passes over a nearer census without the characteristic, and answers unavailable when no census is complete', async () => {
    // Census 2011 is nearest a 2015 period but holds no sex figures: the default is 2021, and the note says so.
    const sex2015 = await populationFor(ds, {
      area: 'lancashire',
      characteristic: 'sex',
      period: { from: '2015-04', to: '2016-03' },
    });
    expect(sex2015).toMatchObject({ available: true, census: 2021, chosen: 'nearest' });
    expect(sex2015.available && sex2015.note).toMatch(
      /nearer the period but passed over: Census 2011 figures by sex are not held/,
    );
    // The 2011 ethnicity base is still chosen where it is complete.
    expect(
      await populationFor(ds, {
        area: 'lancashire',
        characteristic: 'ethnicity',
        period: { from: '2015-04', to: '2016-03' },
      }),
    ).toMatchObject({ available: true, census: 2011, chosen: 'nearest' });

    // With one authority's 2021 sex figures gone (rolled back below), no census is complete for Lancashire by sex.
    const rollback = new Error('rollback');
    await expect(
      ds.transaction(async (m) => {
        await m.query(
          `DELETE FROM census_populations WHERE census = 2021 AND characteristic = 'sex' AND area_code = 'E07000118'`,
        );
        const none = await populationFor(m, {
          area: 'lancashire',
          characteristic: 'sex',
          period: { from: '2015-04', to: '2016-03' },
        });
        expect(none).toMatchObject({ available: false, census: 2011, chosen: 'nearest', area: 'E23000003' });
        expect(!none.available && none.reason).toBe(
          'no population for this base: no census held is complete for Lancashire by sex: Census 2011 figures by sex are not held (import one with "import census --year 2011"); Census 2021 figures by sex are partial for Lancashire, so it has no total: no figure for E07000118 Chorley (13 of 14 authorities); Census 2022 figures by sex are not held (import one with "import census --year 2022")',
        );
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  });

  it('serves age in the use-of-force bands too, summed from TS007’s single years, each authority adding up to its total', async () => {
    const authorities = (
      (await ds.query(`SELECT code FROM census_authorities WHERE census = 2021 AND force_code = 'E23000003'`)) as {
        code: string;
      }[]
    ).map((r) => r.code);
    expect(authorities).toHaveLength(14);
    const uof = await populationFor(ds, { area: 'lancashire', characteristic: 'age', bands: 'use_of_force' });
    const expected = ts007Bands(authorities, 'use_of_force');
    expect(uof).toMatchObject({ available: true, census: 2021, chosen: 'nearest', authorities: 14 });
    expect(uof.available && uof.groups).toEqual(expected.bands);
    expect(Object.keys(uof.available ? uof.groups : {})).toEqual([
      'under-11',
      '11-17',
      '18-34',
      '35-49',
      '50-64',
      '65-and-over',
    ]);
    expect(total(uof)).toBe(expected.total);
    expect(uof.available && uof.note).toMatch(/Home Office use-of-force bands/);
    // The police.uk bands stay the default, from the same single years.
    const police = await populationFor(ds, { area: 'lancashire', characteristic: 'age' });
    expect(police.available && police.groups).toEqual(ts007Bands(authorities, 'police_uk').bands);
    // Each authority's bands add up to its own TS007 total, both ways.
    for (const code of authorities)
      for (const bands of ['police_uk', 'use_of_force'] as const) {
        const p = await populationFor(ds, { area: code, characteristic: 'age', census: 2021, bands });
        expect([code, bands, total(p)]).toEqual([code, bands, ts007Bands([code], bands).total]);
      }
    expect(
      (await populationFor(ds, { area: 'E07000123', characteristic: 'age', census: 2021, bands: 'use_of_force' }))
        .available,
    ).toBe(true);
    await expect(
      populationFor(ds, { area: 'lancashire', characteristic: 'sex', bands: 'use_of_force' }),
    ).rejects.toMatchObject({ errors: [{ field: 'bands', message: 'applies to age only' }] });
    await expect(
      populationFor(ds, { area: 'lancashire', characteristic: 'age', bands: 'home_office' as never }),
    ).rejects.toMatchObject({ errors: [{ field: 'bands', message: 'must be one of police_uk, use_of_force' }] });
  });

  it('reports rows outside the census geography and bad rows by line, loading neither', async () => {
    const csv = [
      ts021For('E07000119', 'Fylde', 1),
      ...TS021_CATEGORIES.map((c) => `E07999999,Atlantis,${c.code},"${c.label}",1`),
    ].join('\n');
    const result = await ds.transaction((m) =>
      importCensus(m, { populationCsv: csv, censusYear: 2021, source: 'test' }),
    );
    expect(result).toMatchObject({
      replaced: [{ code: 'E07000119', name: 'Fylde' }],
      unassigned: [{ line: 22, areaCode: 'E07999999', areaName: 'Atlantis' }],
    });
    expect(await ds.query(`SELECT 1 FROM census_populations WHERE area_code = 'E07999999'`)).toEqual([]);
  });

  it('refuses an unknown area, characteristic, census or month in plain words', async () => {
    await expect(populationFor(ds, { area: 'atlantis', characteristic: 'ethnicity' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      populationFor(ds, {
        area: 'lancashire',
        characteristic: 'height' as never,
        census: 20.5,
        period: { from: '2020-13', to: '2021-01' },
      }),
    ).rejects.toMatchObject({
      errors: [
        { field: 'characteristic', message: 'must be one of ethnicity, sex, age, disability' },
        { field: 'census', message: 'must be a census year, e.g. 2011 or 2021' },
        { field: 'period', message: 'months must be written YYYY-MM' },
      ],
    });
  });
});

// The CLI opens its own connection: on PGlite the test owns the only one, so the command runs on PostgreSQL only.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
onPostgres('import census (CLI)', () => {
  const test = useTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'census-import-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = async (args: string[]) => {
    const lines: string[] = [];
    const config = { ...testConfig(), database: test.db().config };
    const code = await importCommand.run(['census', ...args], {
      config,
      logger: createLogger('silent'),
      out: (l) => lines.push(l),
    });
    return { code, out: lines };
  };

  it('prints what it added and replaced, and each force it touched as complete or partial; audits it', async () => {
    // Chorley's TS008 line, as a later census's sex table would give it.
    const sex = reference('census2021_ts008_sex_ltla_extract.csv').split('\n');
    const file = path.join(dir, 'sex-2022.csv');
    fs.writeFileSync(file, [sex[0], sex.find((l) => l.startsWith('E07000118,'))!].join('\n'));
    const { code, out } = await cli([file, '--year', '2022']);
    expect(code).toBe(0);
    expect(out[0]).toBe('Census 2022 sex (TS008 sex): added 1 local authority, replaced 0');
    expect(out).toContain('  added: E07000118 Chorley');
    expect(out).toContainEqual(
      expect.stringMatching(/^ {2}partial, no force total: Lancashire: 1 of 14 authorities; missing /),
    );
    expect(out).toContain('  42 force(s) have no Census 2022 sex figures at all');
    const [audit] = await test
      .ds()
      .query(`SELECT details FROM audit_events WHERE action = 'reference.census_imported'`);
    expect(audit.details).toMatchObject({
      year: 2022,
      characteristic: 'sex',
      added: 1,
      replaced: 0,
      partialForces: ['E23000003'],
    });

    // The City of London force is one authority: importing it makes that force complete.
    const city = path.join(dir, 'city-2022.csv');
    fs.writeFileSync(city, [sex[0], sex.find((l) => l.startsWith('E09000001,'))!].join('\n'));
    const second = await cli([city, '--year', '2022']);
    expect(second.out).toContain('  complete (force totals available): City of London (1)');
    expect(
      await populationFor(test.ds(), { area: 'city-of-london', characteristic: 'sex', census: 2022 }),
    ).toMatchObject({
      available: true,
      census: 2022,
    });
  });

  it('exits 1 naming rows it could not place or read, and refuses a five-group file', async () => {
    const file = path.join(dir, 'atlantis.csv');
    fs.writeFileSync(
      file,
      [
        'Geography code,Geography label,Geography area type,Parent area code,Parent area type,Classification,Female,Male,Total',
        'E07999999,Atlantis,Local Authority,E12000001,North East,sex,1,1,2',
        'E07000117,Burnley,Local Authority,E12000002,North West,sex,1,1,3',
      ].join('\n'),
    );
    const { code, out } = await cli([file, '--year', '2021']);
    expect(code).toBe(1);
    expect(out).toContain("  line 3: the categories add up to 2, the file's total is 3");
    expect(out).toContain('  line 2: E07999999 Atlantis is not an authority of Census 2021 (give --lookup)');
    const five = path.join(dir, 'five.csv');
    fs.writeFileSync(five, 'LAD,LAD_code,Asian,Black,Mixed,Other,White\nBurnley,E07000117,1,1,1,1,1');
    await expect(cli([five, '--year', '2021'])).rejects.toThrow(/five-group ethnicity file is refused/);
  });
});

describe('the census nearest a period', () => {
  it('takes 2011 for periods centred on or before 1 July 2016, else 2021', () => {
    const held = [2011, 2021];
    expect(nearestCensus(held, { from: '2015-01', to: '2015-12' })).toBe(2011);
    expect(nearestCensus(held, { from: '2016-01', to: '2016-12' })).toBe(2011); // centred on 1 July 2016: the tie
    expect(nearestCensus(held, { from: '2016-04', to: '2017-03' })).toBe(2021);
    expect(nearestCensus(held, { from: '2016-06', to: '2016-06' })).toBe(2011);
    expect(nearestCensus(held, { from: '2016-07', to: '2016-07' })).toBe(2021);
    expect(nearestCensus(held, { from: '2009-04', to: '2010-03' })).toBe(2011);
    expect(nearestCensus(held, { from: '2018-01', to: '2018-03' })).toBe(2021);
    expect(nearestCensus(held)).toBe(2021);
    expect(nearestCensus([2011, 2021, 2031], { from: '2030-01', to: '2030-12' })).toBe(2031);
  });
});
