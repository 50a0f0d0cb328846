import { HOME_OFFICE_UOF_TACTICS_2018_19 } from '../reference/data/home-office/embedded';
import { POLICE_FORCE_AREAS } from '../reference/police-force-areas';
import { UOF_AGE_RANGES, UOF_DISABILITIES, UOF_TACTICS } from '../vocabulary/use-of-force';
import { ETHNIC_GROUPS } from '../vocabulary/ethnicity';
import { forceNameKey, parsePublishedTactics } from './home-office-uof-csv';
import {
  COMPARISON_GROUPS,
  financialYearOfFilename,
  financialYearProblem,
  mappingCoverage,
  PUBLISHED_TACTICS,
  publishedTactic,
  storedTacticKey,
  unrecordableBeneath,
  usesOnReport,
} from './home-office-uof';

const HEADER =
  "Police Force,Type of force,Tactic,White,Black (or Black British),Asian (or Asian British),Chinese,Mixed,Other,Don't know,Not reported,Number of times tactic reported";

describe('Home Office use-of-force tables: the mapping', () => {
  const files = HOME_OFFICE_UOF_TACTICS_2018_19.map((f) => ({ ...f, parsed: parsePublishedTactics(f.csv) }));

  it('reads the three built-in tables without a problem, recognising each by its columns', () => {
    expect(files.map((f) => [f.parsed.characteristic, f.parsed.problems])).toEqual([
      ['ethnicity', []],
      ['age', []],
      ['disability', []],
    ]);
    for (const f of files) {
      expect(f.parsed.rows).toHaveLength(43 * 35);
      expect(f.parsed.totalRows).toHaveLength(35); // "Total England and Wales"
    }
  });

  it('knows every tactic the tables publish, in the order they publish them', () => {
    const names = [...new Set(files[0].parsed.rows.map((r) => r.tactic))];
    expect(names).toEqual(PUBLISHED_TACTICS.map((t) => t.homeOffice));
  });

  // The oracle for the table: with the published figures themselves, every sum row is the sum of the rows it names.
  it('each total and "of which" row is the sum of the rows the table puts beneath it, for every force, group and table', () => {
    let checked = 0;
    for (const f of files) {
      const byForce = new Map<string, Map<string, Record<string, number | null>>>();
      for (const r of f.parsed.rows) {
        const m = byForce.get(r.force) ?? new Map();
        m.set(r.tactic, r.counts);
        byForce.set(r.force, m);
      }
      for (const [force, rows] of byForce)
        for (const t of PUBLISHED_TACTICS.filter((x) => x.counting === 'sum'))
          for (const g of f.parsed.groups) {
            const sum = t.children.reduce((s, c) => s + (rows.get(c)![g] ?? 0), 0);
            expect([f.filename, force, t.homeOffice, g, rows.get(t.homeOffice)![g]]).toEqual([
              f.filename,
              force,
              t.homeOffice,
              g,
              sum,
            ]);
            checked++;
          }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('the group columns add up to the published total in every row', () => {
    for (const f of files)
      for (const r of f.parsed.rows) {
        const parts = f.parsed.groups.filter((g) => g !== 'total').reduce((s, g) => s + (r.counts[g] ?? 0), 0);
        expect([r.line, parts]).toEqual([r.line, r.counts.total]);
      }
  });

  it('maps every force name to a police force area', () => {
    const keys = new Map(POLICE_FORCE_AREAS.map((f) => [forceNameKey(f.name), f.code]));
    const names = [...new Set(files[0].parsed.rows.map((r) => r.force))];
    expect(names.filter((n) => !keys.has(forceNameKey(n)))).toEqual([]);
    expect(new Set(names.map((n) => keys.get(forceNameKey(n)))).size).toBe(43);
    expect(forceNameKey('Avon & Somerset')).toBe(forceNameKey('Avon and Somerset'));
    expect(forceNameKey('Metropolitan')).toBe(forceNameKey('Metropolitan Police'));
    expect(forceNameKey('Lancashire Constabulary')).toBe('lancashire');
  });

  it('uses only the system’s tactic codes and groups, and every code is counted by some row', () => {
    const codes = new Set<string>(UOF_TACTICS);
    for (const t of PUBLISHED_TACTICS) for (const c of t.codes) expect(codes.has(c)).toBe(true);
    const counted = new Set(PUBLISHED_TACTICS.flatMap((t) => t.codes));
    expect(UOF_TACTICS.filter((c) => !counted.has(c))).toEqual([]);
    const recordValues = (by: keyof typeof COMPARISON_GROUPS) =>
      COMPARISON_GROUPS[by].flatMap((g) => (g.records === 'all' ? [] : g.records.filter((r) => r !== null))).sort();
    expect(recordValues('ethnicity')).toEqual([...ETHNIC_GROUPS].sort());
    expect(recordValues('age')).toEqual([...UOF_AGE_RANGES].sort());
    expect(recordValues('disability')).toEqual([...UOF_DISABILITIES].sort());
  });

  it('stores a row by its code where it is one code, else by its published name', () => {
    expect(storedTacticKey('Compliant handcuffing')).toBe('compliant_handcuffing');
    expect(storedTacticKey('*Total Unarmed skills')).toBe('unarmed_skills');
    expect(storedTacticKey('CED')).toBe('CED');
    expect(storedTacticKey('Handcuffing, of which')).toBe('Handcuffing, of which');
    expect(storedTacticKey('  Spit   hood ')).toBe('Spit hood');
  });

  it('says which rows the records cannot count, and which sums stand over them', () => {
    expect(mappingCoverage(publishedTactic('Not stated handcuffing'))).toBe('none');
    expect(mappingCoverage(publishedTactic('Spit hood'))).toBe('none');
    expect(mappingCoverage(publishedTactic('CED'))).toBe('full');
    expect(mappingCoverage(publishedTactic('*Total Firearms'))).toBe('full');
    expect(mappingCoverage(publishedTactic('Handcuffing, of which'))).toBe('partial');
    expect(unrecordableBeneath(publishedTactic('*Total Tactics')!)).toEqual([
      'Not stated handcuffing',
      'Not stated baton',
      'Not stated irritant spray',
      'Not stated AEP',
      'Not stated dog',
    ]);
  });

  it('counts uses on a report: each code, CED and firearms once, no tactic, and the sums', () => {
    const uses = (name: string, codes: string[]) => usesOnReport(publishedTactic(name)!, new Set(codes));
    const report = ['taser_drawn', 'taser_red_dot', 'baton_drawn', 'baton_used', 'compliant_handcuffing'];
    expect(uses('CED', report)).toBe(1);
    expect(uses('Baton, of which', report)).toBe(2);
    expect(uses('*Total Less lethal weapons', report)).toBe(1);
    expect(uses('*Total Tactics', report)).toBe(4);
    expect(uses('*Total Tactics', [...report, 'tactical_communications'])).toBe(4);
    expect(uses('Tactical communication', ['tactical_communications'])).toBe(1);
    expect(uses('*Total Not reported', [])).toBe(1);
    expect(uses('*Total Not reported', ['shield'])).toBe(0);
    expect(uses('*Total Tactics', [])).toBe(0);
    expect(uses('*Total Firearms', ['firearm_aimed', 'firearm_fired'])).toBe(1);
    expect(uses('Not stated baton', report)).toBeNull();
  });

  it('reads the financial year from a Home Office file name', () => {
    expect(financialYearOfFilename('uof_tactics_by_age_force_apr2018-mar2019.csv')).toBe('2018/19');
    expect(financialYearOfFilename('uof_incidents_by_force_april2019-march2020.csv')).toBe('2019/20');
    expect(financialYearOfFilename('uof_apr2018-mar2020.csv')).toBeNull();
    expect(financialYearOfFilename('tactics.csv')).toBeNull();
    expect(financialYearProblem('2018/19')).toBeNull();
    expect(financialYearProblem('2018/20')).toMatch(/2018\/19/);
    expect(financialYearProblem('2018-19')).toMatch(/financial year/);
    expect(financialYearProblem('1999/00')).toMatch(/between/);
  });
});

describe('Home Office use-of-force tables: the parser', () => {
  it('reads float counts as whole numbers and an empty cell as not supplied (null, not 0)', () => {
    const parsed = parsePublishedTactics(
      `${HEADER}\nLancashire,Restraint,Compliant handcuffing,1560.0,49.0,157.0,,25.0,16.0,6.0,0.0,1813.0\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows[0]).toEqual({
      line: 2,
      force: 'Lancashire',
      typeOfForce: 'Restraint',
      tactic: 'Compliant handcuffing',
      counts: {
        white: 1560,
        black: 49,
        asian: 157,
        chinese: null,
        mixed: 25,
        other: 16,
        dont_know: 6,
        not_reported: 0,
        total: 1813,
      },
    });
  });

  it('skips England and Wales and region totals (trailing spaces and all)', () => {
    const parsed = parsePublishedTactics(
      `${HEADER}\nTotal England and Wales,Restraint,Shield,1,1,1,1,1,1,1,1,8\n"Total North East ",Restraint,Shield,1,1,1,1,1,1,1,1,8\n`,
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.totalRows.map((r) => r.name)).toEqual(['Total England and Wales', 'Total North East']);
    expect(parsed.problems).toEqual([]);
  });

  it('reports each malformed row by its line', () => {
    const parsed = parsePublishedTactics(
      [
        HEADER,
        'Lancashire,Restraint,Shield,1.5,0,0,0,0,0,0,0,1.5',
        'Lancashire,Restraint,Ground restraint,x,0,0,0,0,0,0,0,0',
        'Lancashire,Restraint,Shield,-1,0,0,0,0,0,0,0,0',
        'Lancashire,Restraint,Spit and bite guard,1,0,0',
        ',Restraint,Shield,1,0,0,0,0,0,0,0,1',
        'Cumbria,Restraint,,1,0,0,0,0,0,0,0,1',
        'Cumbria,Restraint,Shield,1,0,0,0,0,0,0,0,1',
        'Cumbria,Restraint,Shield,1,0,0,0,0,0,0,0,1',
      ].join('\n'),
    );
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 9]);
    expect(parsed.problems[0].message).toContain('White: "1.5" is not a whole number');
    expect(parsed.problems[3].message).toContain('has 6 columns');
    expect(parsed.problems[4].message).toContain('Police Force is empty');
    expect(parsed.problems[6].message).toContain('given twice (first on line 8)');
    expect(parsed.rows.map((r) => r.line)).toEqual([8]);
  });

  it('refuses a file that is not a tactics-by-group table', () => {
    expect(parsePublishedTactics('Region,Police Force,Total\nNorth West,Lancashire,10\n').problems[0]).toEqual({
      line: 1,
      message: expect.stringContaining('header'),
    });
    expect(
      parsePublishedTactics('Police Force,Type of force,Tactic,Left,Right,Number of times tactic reported\n')
        .problems[0].message,
    ).toContain('group columns');
    expect(parsePublishedTactics('').problems[0].message).toContain('empty');
  });
});
