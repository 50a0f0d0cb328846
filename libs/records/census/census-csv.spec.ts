import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAreaLookup, parseCensusPopulation } from './census-csv';

const data = (f: string) => fs.readFileSync(path.join(__dirname, '../reference/data', f), 'utf8');

describe('census CSV parsing', () => {
  it('reads the 2021 5-group file: 331 authorities, Lancashire districts included', () => {
    const { rows, problems, layout } = parseCensusPopulation(data('census2021_lad_ethnicity_5groups.csv'));
    expect(layout).toBe('5-groups');
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(331);
    expect(rows.find((r) => r.areaCode === 'E07000223')).toMatchObject({
      areaName: 'Adur',
      counts: { asian: 1395, black: 1152, mixed: 1005, other: 855, white: 60136 },
    });
  });

  it('reads the Nomis 18-category layout, keeps Total rows only, and reports bad rows by line', () => {
    const header =
      '"date","geography","geography code","Rural Urban","Ethnic Group: White; measures: Value","Ethnic Group: White: Irish; measures: Value","Ethnic Group: Mixed; measures: Value","Ethnic Group: Asian/Asian British; measures: Value","Ethnic Group: Asian; measures: Value","Ethnic Group: Black; measures: Value","Ethnic Group: Other; measures: Value"';
    const csv = [
      header,
      '"2011","Darlington","E06000005","Total",101595,328,1146,0,1900,300,200',
      '"2011","Darlington","E06000005","Urban",1,1,1,1,1,1,1',
      '"2011","Nowhere","X1","Total",1,1,1,1,1,1,1',
      '"2011","Bad","E06000006","Total",abc,1,1,1,1,1,1',
    ].join('\n');
    const { rows, problems, layout } = parseCensusPopulation(csv);
    expect(layout).toBe('nomis-18');
    expect(rows).toEqual([
      {
        line: 2,
        areaCode: 'E06000005',
        areaName: 'Darlington',
        counts: { white: 101595, W2: 328, mixed: 1146, asian: 1900, black: 300, other: 200 },
      },
    ]);
    expect(problems).toEqual([
      { line: 4, message: 'area code "X1" is not an ONS code' },
      { line: 5, message: 'not a whole number in white' },
    ]);
  });

  it('refuses a file without group columns or area codes', () => {
    expect(() => parseCensusPopulation('LAD_code,Asian\nE06000005,1')).toThrow(/black, mixed, other, white/);
    expect(() => parseCensusPopulation('name,Asian,Black,Mixed,Other,White\nx,1,1,1,1,1')).toThrow(/area code column/);
    expect(() => parseCensusPopulation('')).toThrow(/empty/);
  });

  it('reads the LA → force lookup (with its BOM)', () => {
    const lookup = parseAreaLookup(data('lad_csp_pfa_lookup_dec2016.csv'));
    expect(lookup.size).toBe(348);
    expect(lookup.get('E07000144')).toBe('E23000024');
  });
});
