import * as fs from 'node:fs';
import * as path from 'node:path';
import { ETHNIC_GROUPS, groupOfSelfDefined, SELF_DEFINED_CATEGORIES, type EthnicGroup } from '../vocabulary/ethnicity';
import { parseAreaLookup, parseCensusTable, singleYearOfTs007Column, type CensusRow } from './census-csv';
import { AGE_BANDS, ageBandOf, singleYearOfCategory, type AgeBanding } from './characteristics';
import { UOF_AGE_RANGES } from '../vocabulary/use-of-force';
import { TS021_CATEGORIES } from './ts021';

const data = (f: string) => fs.readFileSync(path.join(__dirname, '../reference/data', f), 'utf8');

function sumGroups(rows: CensusRow[], key: (category: string) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows)
    for (const [c, n] of Object.entries(r.counts)) {
      const k = key(c);
      if (k) out[k] = (out[k] ?? 0) + n;
    }
  return out;
}

describe('Census 2021 TS021 and the one ethnicity mapping', () => {
  // ONS names each high-level group by the prefix before the colon: this table is independent of TS021_CATEGORIES.
  const PREFIX_GROUP: Record<string, EthnicGroup> = {
    'Asian, Asian British or Asian Welsh': 'asian',
    'Black, Black British, Black Welsh, Caribbean or African': 'black',
    'Mixed or Multiple ethnic groups': 'mixed',
    White: 'white',
    'Other ethnic group': 'other',
  };

  it('maps every TS021 category to a self-defined code whose group is the category’s ONS prefix group', () => {
    expect(TS021_CATEGORIES).toHaveLength(19);
    for (const c of TS021_CATEGORIES) {
      const prefix = c.label.slice(0, c.label.indexOf(':'));
      expect({ label: c.label, group: groupOfSelfDefined(c.selfDefined) }).toEqual({
        label: c.label,
        group: PREFIX_GROUP[prefix],
      });
    }
    // Every self-defined code has residents behind it (no search category without a population).
    expect(new Set(TS021_CATEGORIES.map((c) => c.selfDefined))).toEqual(
      new Set(SELF_DEFINED_CATEGORIES.map((c) => c.code)),
    );
  });

  it('puts Mixed White-and-Black in Mixed, Gypsy/Irish Traveller and Roma in White, Arab in Other', () => {
    const group = (label: string) =>
      groupOfSelfDefined(TS021_CATEGORIES.find((c) => c.label.endsWith(label))!.selfDefined);
    expect(group('White and Black Caribbean')).toBe('mixed');
    expect(group('White and Black African')).toBe('mixed');
    expect(group('Gypsy or Irish Traveller')).toBe('white');
    expect(group('Roma')).toBe('white');
    expect(group('Arab')).toBe('other');
  });

  it('reads the shipped file and, grouped through search codes, sums to the ONS national groups', () => {
    const parsed = parseCensusTable(data('census2021_ts021_ltla_ethnic_group_20cat_long.csv'));
    expect(parsed).toMatchObject({ layout: 'ts021', characteristic: 'ethnicity', problems: [], skipped: 0 });
    expect(parsed.rows).toHaveLength(331);
    const groups = sumGroups(parsed.rows, groupOfSelfDefined);
    // England and Wales sums over authorities (ONS national cells differ by a few people: perturbation).
    expect(groups).toEqual({
      asian: 5_515_455,
      black: 2_409_283,
      mixed: 1_717_977,
      other: 1_255_632,
      white: 48_699_231,
    });
    const total = Object.values(groups).reduce((a, b) => a + b, 0);
    expect(total).toBe(59_597_578);
    expect(((100 * groups.white) / total).toFixed(1)).toBe('81.7');
    // Independently: sum the file's rows by the label prefix.
    const byPrefix: Record<string, number> = {};
    for (const line of data('census2021_ts021_ltla_ethnic_group_20cat_long.csv').split('\n').slice(1)) {
      const m = /^[^,]+,(?:"[^"]*"|[^,]*),(-?\d+),(?:"([^"]*)"|([^,]*)),(\d+)$/.exec(line);
      if (!m || m[1] === '-8') continue;
      const prefix = (m[2] ?? m[3]).split(':')[0];
      byPrefix[PREFIX_GROUP[prefix]] = (byPrefix[PREFIX_GROUP[prefix]] ?? 0) + Number(m[4]);
    }
    expect(byPrefix).toEqual(groups);
    expect(Object.keys(groups).sort()).toEqual([...ETHNIC_GROUPS].sort());
  });

  it('refuses a row whose label is not the code’s, a non-zero "Does not apply", and an incomplete authority', () => {
    const header =
      'Lower Tier Local Authorities Code,Lower Tier Local Authorities,Ethnic group (20 categories) Code,Ethnic group (20 categories),Observation';
    const full = (code: string, name: string, n: number) =>
      TS021_CATEGORIES.map((c) => `${code},${name},${c.code},"${c.label}",${n}`);
    const csv = [
      header,
      'E06000001,Hartlepool,-8,Does not apply,0',
      ...full('E06000001', 'Hartlepool', 1),
      'E06000002,Middlesbrough,-8,Does not apply,5',
      ...full('E06000002', 'Middlesbrough', 1),
      ...full('E06000003', 'Redcar', 1).slice(1),
      ...full('E06000004', 'Stockton', 1).map((l) => l.replace('White: Roma', 'White: Romany')),
      ...full('E92000001', 'England', 1),
    ].join('\n');
    const parsed = parseCensusTable(csv);
    expect(parsed.rows.map((r) => r.areaCode)).toEqual(['E06000001']);
    expect(parsed.rows[0].counts).toMatchObject({ W9: 2, W1: 1, O1: 1 });
    expect(parsed.skipped).toBe(19);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      '"Does not apply" holds 5: TS021 counts every usual resident',
      'category 16 is "White: Romany", expected "White: Roma"',
      'E06000003 lacks category 1',
    ]);
  });

  it('refuses a five-group ethnicity file (a third-party collapse cannot be checked against the search groups)', () => {
    expect(() => parseCensusTable('LAD,LAD_code,Asian,Black,Mixed,Other,White\nAdur,E07000223,1,1,1,1,1')).toThrow(
      /five-group ethnicity file is refused/,
    );
    expect(() => parseCensusTable('')).toThrow(/empty/);
    expect(() => parseCensusTable('a,b\n1,2')).toThrow(/not a census table/);
  });
});

describe('Census 2011 QS201EW', () => {
  it('reads the shipped file: 348 authorities of the 2011 geography, 18 categories each, checked against the group columns', () => {
    const parsed = parseCensusTable(data('census2011_la_ethnic_group_qs201ew.csv'));
    expect(parsed).toMatchObject({ layout: 'qs201ew', characteristic: 'ethnicity', problems: [] });
    expect(parsed.rows).toHaveLength(348);
    const darlington = parsed.rows.find((r) => r.areaCode === 'E06000005')!;
    expect(darlington.counts).toMatchObject({ W1: 98_898, W2: 328, W3: 350, W9: 2019, O1: 112, O9: 149 });
    expect(Object.keys(darlington.counts)).toHaveLength(18);
  });

  it('keeps Total rows only and refuses a row whose categories do not add up to its group column', () => {
    const header = [
      'date',
      'geography',
      'geography code',
      'Rural Urban',
      'Ethnic Group: All categories: Ethnic group; measures: Value',
      'Ethnic Group: White; measures: Value',
      ...SELF_DEFINED_CATEGORIES.map((c) => `Ethnic Group: ${c.census}; measures: Value`),
    ]
      .map((h) => `"${h}"`)
      .join(',');
    const row = (name: string, code: string, ru: string, white: number) =>
      `"2011","${name}","${code}","${ru}",18,${white},${SELF_DEFINED_CATEGORIES.map(() => 1).join(',')}`;
    const parsed = parseCensusTable(
      [
        header,
        row('A', 'E06000005', 'Total', 4),
        row('A', 'E06000005', 'Urban', 4),
        row('B', 'E06000006', 'Total', 5),
      ].join('\n'),
    );
    expect(parsed.rows.map((r) => r.areaCode)).toEqual(['E06000005']);
    expect(parsed.problems).toEqual([
      { line: 4, message: "the categories do not add up to the file's total for white" },
    ]);
  });
});

describe('Census 2021 TS007, TS008, TS038', () => {
  it('takes only the single-year columns of TS007, never the band subtotals', () => {
    expect(singleYearOfTs007Column('Age: Aged under 1 year; measures: Value')).toBe(0);
    expect(singleYearOfTs007Column('Age: Aged 1 year; measures: Value')).toBe(1);
    expect(singleYearOfTs007Column('Age: Aged 17 years; measures: Value')).toBe(17);
    expect(singleYearOfTs007Column('Age: Aged 100 years and over; measures: Value')).toBe(100);
    for (const subtotal of ['Aged 4 years and under', 'Aged 10 to 15 years', 'Aged 85 years and over', 'Total'])
      expect(singleYearOfTs007Column(`Age: ${subtotal}; measures: Value`)).toBeNull();
    expect([0, 9, 10, 17, 18, 24, 25, 34, 35, 100].map((y) => ageBandOf(y))).toEqual([
      'under-10',
      'under-10',
      '10-17',
      '10-17',
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      'over-34',
      'over-34',
    ]);
  });

  it('bands ages the Home Office use-of-force way, with the codes of the use-of-force vocabulary', () => {
    expect(AGE_BANDS.use_of_force).toEqual(UOF_AGE_RANGES.map((r) => r.replace(/_/g, '-')));
    expect([0, 10, 11, 17, 18, 34, 35, 49, 50, 64, 65, 100].map((y) => ageBandOf(y, 'use_of_force'))).toEqual([
      'under-11',
      'under-11',
      '11-17',
      '11-17',
      '18-34',
      '18-34',
      '35-49',
      '35-49',
      '50-64',
      '50-64',
      '65-and-over',
      '65-and-over',
    ]);
    expect(['0', '100', '101', 'over-34', '-1', '7.5'].map(singleYearOfCategory)).toEqual([
      0,
      100,
      null,
      null,
      null,
      null,
    ]);
  });

  it('holds TS007 by single year (never the band subtotals), banded either way adding up to each total', () => {
    const parsed = parseCensusTable(data('census2021-ts007-ltla.csv'));
    expect(parsed).toMatchObject({ layout: 'ts007', characteristic: 'age', problems: [] });
    expect(parsed.rows).toHaveLength(331);
    // The parser refuses any authority whose single years differ from its "Age: Total"; Preston's total is 147,835.
    const preston = parsed.rows.find((r) => r.areaName === 'Preston')!;
    expect(Object.keys(preston.counts).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 101 }, (_, y) => String(y)),
    );
    const banded = (rows: CensusRow[], banding: AgeBanding) =>
      sumGroups(rows, (c) => ageBandOf(singleYearOfCategory(c)!, banding));
    expect(banded([preston], 'police_uk')).toEqual({
      'under-10': 18_160,
      '10-17': 14_500,
      '18-24': 17_104,
      '25-34': 21_744,
      'over-34': 76_327,
    });
    // Summed independently (a script over the file's single-year columns).
    expect(banded([preston], 'use_of_force')).toEqual({
      'under-11': 20_035,
      '11-17': 12_625,
      '18-34': 38_848,
      '35-49': 28_067,
      '50-64': 26_454,
      '65-and-over': 21_806,
    });
    expect(Object.values(preston.counts).reduce((a, b) => a + b, 0)).toBe(147_835);
    expect(banded(parsed.rows, 'use_of_force')).toEqual({
      'under-11': 7_488_222,
      '11-17': 4_904_001,
      '18-34': 13_007_833,
      '35-49': 11_526_124,
      '50-64': 11_608_066,
      '65-and-over': 11_063_362,
    });
    const national = banded(parsed.rows, 'police_uk');
    expect(national).toEqual({
      'under-10': 6_756_659,
      '10-17': 5_635_564,
      '18-24': 4_957_247,
      '25-34': 8_050_586,
      'over-34': 34_197_552,
    });
  });

  it('refuses a TS007 row whose single years do not add up to its total', () => {
    const text = data('census2021-ts007-ltla.csv').split('\n');
    const cells = text[1].split(',');
    cells[3] = `"${Number(cells[3].replace(/"/g, '')) + 1}"`;
    const parsed = parseCensusTable([text[0], cells.join(',')].join('\n'));
    expect(parsed.rows).toEqual([]);
    expect(parsed.problems[0].message).toMatch(/single years add up to \d+, the file's total is \d+/);
  });

  it('reads TS008 sex and TS038 disability per authority', () => {
    const sex = parseCensusTable(data('census2021_ts008_sex_ltla_extract.csv'));
    expect(sex).toMatchObject({ layout: 'ts008', characteristic: 'sex', problems: [] });
    expect(sex.rows).toHaveLength(331);
    expect(sex.rows[0]).toMatchObject({ areaCode: 'E06000001', counts: { female: 47_653, male: 44_685 } });
    expect(sumGroups(sex.rows, (c) => c)).toEqual({ female: 30_420_197, male: 29_177_336 });
    const disability = parseCensusTable(data('census2021_ts038_disability_3a_ltla_extract.csv'));
    expect(disability).toMatchObject({ layout: 'ts038', characteristic: 'disability', problems: [] });
    expect(disability.rows[0]).toMatchObject({ counts: { disabled: 21_145, not_disabled: 71_193 } });
    expect(sumGroups(disability.rows, (c) => c)).toEqual({ disabled: 10_444_778, not_disabled: 49_152_760 });
  });
});

describe('LA → force lookups', () => {
  it('reads both shipped lookups (the 2016 one with its BOM)', () => {
    const l2016 = parseAreaLookup(data('lad_csp_pfa_lookup_dec2016.csv'));
    expect(l2016.size).toBe(348);
    expect(l2016.get('E07000144')).toEqual({ force: 'E23000024', name: 'Broadland' });
    const l2022 = parseAreaLookup(data('lad22_csp22_pfa22_lookup_dec2022.csv'));
    expect(l2022.size).toBe(331);
    expect(l2022.get('E06000060')).toEqual({ force: 'E23000029', name: 'Buckinghamshire' });
  });
});
