import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createLogger } from '@scrutiny/core';
import { importHomeOfficeUofTactics, type HomeOfficeUofImportInput } from '@scrutiny/records';
import { importCommand } from '../../apps/cli/commands/import.command';
import { testConfig } from '../setup/test-app';
import { useTestDatabase } from '../setup/test-database';

const HEADER =
  "Police Force,Type of force,Tactic,White,Black (or Black British),Asian (or Asian British),Chinese,Mixed,Other,Don't know,Not reported,Number of times tactic reported";
const LANCASHIRE = 'E23000003';
const CUMBRIA = 'E23000002';

/** A small table in the Home Office layout: floats, a blank cell, a total row, a parent row, a region total. */
const TABLE = [
  HEADER,
  'Total England and Wales,Restraint,*Total Restraint,10.0,1.0,1.0,0.0,0.0,0.0,0.0,0.0,12.0',
  '"Total North West ",Restraint,*Total Restraint,10.0,1.0,1.0,0.0,0.0,0.0,0.0,0.0,12.0',
  'Lancashire,Restraint,*Total Restraint,7.0,1.0,1.0,,0.0,0.0,0.0,0.0,9.0',
  'Lancashire,Restraint,"Handcuffing, of which",7.0,1.0,1.0,,0.0,0.0,0.0,0.0,9.0',
  'Lancashire,Restraint,Compliant handcuffing,7.0,1.0,1.0,,0.0,0.0,0.0,0.0,9.0',
  'Lancashire,Restraint,Not stated handcuffing,0.0,0.0,0.0,,0.0,0.0,0.0,0.0,0.0',
  'Cumbria,Less lethal weapons,CED,3.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,3.0',
  'Cumbria,Other,Spit hood,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0',
].join('\n');

describe('import home-office-uof (published use-of-force tactic tables)', () => {
  const test = useTestDatabase();
  let ds: DataSource;
  beforeAll(() => {
    ds = test.ds();
  });

  const run = (input: HomeOfficeUofImportInput) => ds.transaction((m) => importHomeOfficeUofTactics(m, input));
  const cell = async (file: string, force: string, tactic: string, group: string) =>
    (
      await ds.query(
        `SELECT count FROM published_uof_tactics WHERE source_file = $1 AND force_code = $2 AND tactic = $3 AND group_code = $4`,
        [file, force, tactic, group],
      )
    )[0]?.count as number | null | undefined;
  const rowsOf = async (file: string) =>
    (await ds.query(`SELECT count(*)::int AS n FROM published_uof_tactics WHERE source_file = $1`, [file]))[0]
      .n as number;

  it('has the built-in 2018/19 tables by ethnicity, age and disability for every force, as published', async () => {
    const loaded = await ds.query(
      `SELECT characteristic, source_file, count(DISTINCT force_code)::int AS forces, count(*)::int AS cells
       FROM published_uof_tactics WHERE financial_year = '2018/19' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(loaded).toEqual([
      {
        characteristic: 'age',
        source_file: 'uof_tactics_by_age_force_apr2018-mar2019.csv',
        forces: 43,
        cells: 43 * 35 * 8,
      },
      {
        characteristic: 'disability',
        source_file: 'uof_tactics_by_disability_force_apr2018-mar2019.csv',
        forces: 43,
        cells: 43 * 35 * 6,
      },
      {
        characteristic: 'ethnicity',
        source_file: 'uof_tactics_by_ethnicity_force_apr2018-mar2019.csv',
        forces: 43,
        cells: 43 * 35 * 9,
      },
    ]);
    const ethnicity = 'uof_tactics_by_ethnicity_force_apr2018-mar2019.csv';
    // Lancashire,…,*Total Tactics,10062.0,228.0,559.0,7.0,122.0,46.0,25.0,8.0,11057.0
    expect(await cell(ethnicity, LANCASHIRE, '*Total Tactics', 'white')).toBe(10062);
    expect(await cell(ethnicity, LANCASHIRE, '*Total Tactics', 'chinese')).toBe(7);
    expect(await cell(ethnicity, LANCASHIRE, '*Total Tactics', 'total')).toBe(11057);
    expect(await cell(ethnicity, LANCASHIRE, 'compliant_handcuffing', 'asian')).toBe(157);
    expect(await cell(ethnicity, LANCASHIRE, 'CED', 'white')).toBe(386);
    expect(await cell(ethnicity, 'E23000036', 'tactical_communications', 'total')).not.toBeNull(); // "Avon & Somerset"
  });

  it('stores floats as whole uses, a blank as not supplied (null), totals and parents by name, and skips region totals', async () => {
    const result = await run({ csv: TABLE, filename: '/somewhere/small_apr2018-mar2019.csv' });
    expect(result).toMatchObject({
      status: 'imported',
      sourceFile: 'small_apr2018-mar2019.csv',
      year: '2018/19',
      characteristic: 'ethnicity',
      forces: 2,
      rows: 6,
      cells: 54,
      notSupplied: 4,
      replaced: 0,
      totalRows: 2,
      unmapped: ['Not stated handcuffing', 'Spit hood'],
      unknownTactics: ['Spit hood'],
      problems: [],
    });
    const file = 'small_apr2018-mar2019.csv';
    expect(await cell(file, LANCASHIRE, 'compliant_handcuffing', 'white')).toBe(7);
    expect(await cell(file, LANCASHIRE, 'compliant_handcuffing', 'chinese')).toBeNull();
    expect(await cell(file, LANCASHIRE, 'compliant_handcuffing', 'mixed')).toBe(0);
    expect(await cell(file, LANCASHIRE, '*Total Restraint', 'total')).toBe(9);
    expect(await cell(file, LANCASHIRE, 'Handcuffing, of which', 'black')).toBe(1);
    expect(await cell(file, LANCASHIRE, 'Not stated handcuffing', 'white')).toBe(0);
    expect(await cell(file, CUMBRIA, 'Spit hood', 'white')).toBe(1);
    expect(
      await ds.query(
        `SELECT DISTINCT home_office_tactic, type_of_force FROM published_uof_tactics WHERE source_file = $1 AND tactic = 'CED'`,
        [file],
      ),
    ).toEqual([{ home_office_tactic: 'CED', type_of_force: 'Less lethal weapons' }]);
    expect(
      await ds.query(
        `SELECT count(*)::int AS n FROM published_uof_tactics WHERE source_file = $1 AND force_code NOT IN ($2, $3)`,
        [file, LANCASHIRE, CUMBRIA],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('re-importing the same file replaces its rows for that year, force and characteristic', async () => {
    const file = 'small_apr2018-mar2019.csv';
    const before = await rowsOf(file);
    const changed = TABLE.replace(
      'Lancashire,Restraint,Compliant handcuffing,7.0,',
      'Lancashire,Restraint,Compliant handcuffing,8.0,',
    );
    const result = await run({ csv: changed, filename: file });
    expect(result).toMatchObject({ status: 'imported', replaced: 54, cells: 54 });
    expect(await rowsOf(file)).toBe(before);
    expect(await cell(file, LANCASHIRE, 'compliant_handcuffing', 'white')).toBe(8);
    // Another year of the same file name is kept apart.
    const other = await run({ csv: TABLE, filename: file, year: '2019/20' });
    expect(other).toMatchObject({ status: 'imported', year: '2019/20', replaced: 0 });
    expect(await rowsOf(file)).toBe(before * 2);
    // The built-in tables are untouched.
    expect(await rowsOf('uof_tactics_by_ethnicity_force_apr2018-mar2019.csv')).toBe(43 * 35 * 9);
  });

  it('rejects the whole file, naming each line, for an unknown force or a malformed row, and writes nothing', async () => {
    const bad = [
      TABLE,
      'Gotham,Restraint,Shield,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0',
      'Lancashire,Restraint,Shield,one,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0',
      'Lancashire,Restraint,Ground restraint,1.0,0.0',
    ].join('\n');
    const result = await run({ csv: bad, filename: 'bad_apr2018-mar2019.csv' });
    expect(result.status).toBe('rejected');
    expect(result.problems).toEqual([
      { line: 10, message: '"Gotham" is not a police force area of England and Wales' },
      { line: 11, message: 'White: "one" is not a whole number of uses' },
      { line: 12, message: 'has 5 columns, the header 12' },
    ]);
    expect(await rowsOf('bad_apr2018-mar2019.csv')).toBe(0);
  });

  it('needs the financial year when the file name does not give it', async () => {
    const result = await run({ csv: TABLE, filename: 'tactics.csv' });
    expect(result.status).toBe('rejected');
    expect(result.problems[0]).toEqual({ line: 0, message: expect.stringContaining('--year 2018/19') });
    expect((await run({ csv: TABLE, filename: 'tactics.csv', year: '2018/20' })).problems[0].message).toContain(
      'financial year',
    );
    expect(await rowsOf('tactics.csv')).toBe(0);
  });
});

// The CLI opens its own connection: on PGlite the test owns the only one, so the command runs on PostgreSQL only.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
onPostgres('npm run cli -- import home-office-uof', () => {
  const test = useTestDatabase();
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'home-office-uof-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = async (args: string[]) => {
    const lines: string[] = [];
    const config = { ...testConfig(), database: test.db().config };
    const code = await importCommand.run(['home-office-uof', ...args], {
      config,
      logger: createLogger('silent'),
      out: (l) => lines.push(l),
    });
    return { code, out: lines.join('\n') };
  };

  it('imports a table, says what it stored and what it cannot count, and audits it', async () => {
    const file = path.join(dir, 'tactics.csv');
    fs.writeFileSync(file, TABLE);
    const { code, out } = await cli([file, '--year', '2018/19']);
    expect(code).toBe(0);
    expect(out).toContain(
      'tactics.csv: imported 2018/19 by ethnicity; 2 forces, 6 tactic rows, 54 counts (4 not supplied',
    );
    expect(out).toContain('not countable from the records (kept by name): Not stated handcuffing; Spit hood');
    const [audit] = await test
      .ds()
      .query(`SELECT details FROM audit_events WHERE action = 'reference.home_office_uof_imported'`);
    expect(audit.details).toMatchObject({ file: 'tactics.csv', year: '2018/19', forces: 2, replaced: 0 });
  });

  it('exits 1 naming each rejected line, and writes nothing', async () => {
    const file = path.join(dir, 'broken_apr2018-mar2019.csv');
    fs.writeFileSync(file, `${TABLE}\nGotham,Restraint,Shield,1.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0`);
    const { code, out } = await cli([file]);
    expect(code).toBe(1);
    expect(out).toContain('broken_apr2018-mar2019.csv: rejected, nothing imported (1 problem(s))');
    expect(out).toContain('line 10: "Gotham" is not a police force area of England and Wales');
    const [{ n }] = await test
      .ds()
      .query(`SELECT count(*)::int AS n FROM published_uof_tactics WHERE source_file = 'broken_apr2018-mar2019.csv'`);
    expect(n).toBe(0);
  });

  it('refuses a year that is not a financial year before opening anything', async () => {
    await expect(cli([path.join(dir, 'x.csv'), '--year', '2018'])).rejects.toThrow('--year must be a financial year');
  });
});
