import * as fs from 'node:fs';
import * as path from 'node:path';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const TABLE = path.join(
  __dirname,
  '../../libs/records/reference/data/home-office/uof_tactics_by_ethnicity_force_apr2018-mar2019.csv',
);
const LANCASHIRE = 'E23000003';
const URL = '/api/v1/disproportionality/published-comparison';

/**
 * The published Lancashire 2018/19 rows, read here without the code under test: tactic → the nine published columns
 * (White, Black, Asian, Chinese, Mixed, Other, Don't know, Not reported, total).
 */
function publishedLancashire(): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of fs.readFileSync(TABLE, 'utf8').split('\n')) {
    const m = /^Lancashire,[^,]*,("[^"]*"|[^,]*),(.*)$/.exec(line.trim());
    if (m) rows.set(m[1].replace(/"/g, ''), m[2].split(',').map(Number));
  }
  return rows;
}

/** The system's perceived-ethnicity value for each published column (Chinese is Asian, Don't know is blank). */
const RECORD_GROUP: (string | null)[] = ['white', 'black', 'asian', 'asian', 'mixed', 'other', null, null];

/** The published rows that are each one kind of use on a report, and what the report lists for it. */
const LEAVES: Record<string, string> = {
  'Compliant handcuffing': 'compliant_handcuffing',
  'Non-compliant handcuffing': 'non_compliant_handcuffing',
  'Limb / Body restraints': 'limb_body_restraints',
  'Ground restraint': 'ground_restraint',
  '*Total Unarmed skills': 'unarmed_skills',
  'Baton drawn': 'baton_drawn',
  'Baton used': 'baton_used',
  'Irritant spray - drawn': 'irritant_spray_drawn',
  'Irritant spray - used': 'irritant_spray_used',
  'Spit and bite guard': 'spit_guard',
  Shield: 'shield',
  CED: 'CED',
  'AEP aimed': 'aep_aimed',
  'AEP fired': 'aep_fired',
  '*Total Firearms': 'FIREARMS',
  'Dog deployed': 'dog_deployed',
  'Dog bite': 'dog_bite',
  'Other / improvised': 'other_improvised',
  'Tactical communication': 'tactical_communications',
};
// The form records CED and firearms once per report at the levels reached: some reports list two levels.
const CED_LEVELS = [['taser_drawn'], ['taser_red_dot', 'taser_aimed'], ['taser_fired', 'taser_drawn'], ['taser_arced']];
const FIREARM_LEVELS = [['firearm_aimed'], ['firearm_aimed', 'firearm_fired']];

interface Report {
  occurredAt: string;
  ethnicity: string | null;
  tactics: string[];
  force?: string;
}

/**
 * Reports whose tactics and perceived ethnicities add up to the published row counts: for each group, report j
 * lists every tactic used more than j times by that group (so reports carry several tactics, as real ones do), plus
 * one report with no tactic for each "not reported" use. Spread over the year in Europe/London months.
 */
function reportsMatching(published: Map<string, number[]>): Report[] {
  const reports: Report[] = [];
  const byGroup = new Map<string | null, Map<string, number>>();
  RECORD_GROUP.forEach((group, col) => {
    const bag = byGroup.get(group) ?? new Map<string, number>();
    for (const [name, code] of Object.entries(LEAVES)) bag.set(code, (bag.get(code) ?? 0) + published.get(name)![col]);
    bag.set('NONE', (bag.get('NONE') ?? 0) + published.get('*Total Not reported')![col]);
    byGroup.set(group, bag);
  });
  let k = 0;
  const when = () => {
    const month = k % 12; // April 2018 … March 2019
    const day = 1 + (Math.floor(k / 12) % 28);
    const year = month < 9 ? 2018 : 2019;
    k++;
    return `${year}-${String(((month + 3) % 12) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
  };
  for (const [ethnicity, bag] of byGroup) {
    const most = Math.max(...[...bag].filter(([c]) => c !== 'NONE').map(([, n]) => n));
    for (let j = 0; j < most; j++) {
      const tactics: string[] = [];
      for (const [code, n] of bag) {
        if (code === 'NONE' || n <= j) continue;
        if (code === 'CED') tactics.push(...CED_LEVELS[j % CED_LEVELS.length]);
        else if (code === 'FIREARMS') tactics.push(...FIREARM_LEVELS[j % FIREARM_LEVELS.length]);
        else tactics.push(code);
      }
      reports.push({ occurredAt: when(), ethnicity, tactics: [...new Set(tactics)] });
    }
    for (let j = 0; j < bag.get('NONE')!; j++) reports.push({ occurredAt: when(), ethnicity, tactics: [] });
  }
  return reports;
}

describe('published comparison: Home Office use-of-force figures beside the force’s records (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  const published = publishedLancashire();
  let reports: Report[];

  async function insert(rows: Report[]): Promise<string[]> {
    const inserted = (await t.dataSource.query(
      `INSERT INTO use_of_force_reports (force_code, occurred_at, period, tactics, perceived_ethnicity, source, version)
       SELECT f, o, date_trunc('month', o AT TIME ZONE 'Europe/London')::date, tj, e, 'manual', 1
       FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[], $4::text[]) AS x(f, o, tj, e)
       RETURNING id`,
      [
        rows.map((r) => r.force ?? LANCASHIRE),
        rows.map((r) => r.occurredAt),
        rows.map((r) => JSON.stringify(r.tactics.map((tactic) => ({ tactic, effective: null })))),
        rows.map((r) => r.ethnicity),
      ],
    )) as { id: string }[];
    return inserted.map((r) => r.id);
  }

  const compare = async (query = '?force=lancashire&year=2018/19&by=ethnicity', who = 'supervisor') =>
    (await t.http().get(`${URL}${query}`).set(as(who)).expect(200)).body;
  type Cell = { group: string; published: number | null; records: { uses: number | null }; difference: number | null };
  type Row = { homeOffice: string; mapping: string; cells: Cell[] };
  const differing = (body: { tactics: Row[] }) =>
    body.tactics.flatMap((r) =>
      r.cells
        .filter((c) => c.difference !== null && c.difference !== 0)
        .map((c) => [r.homeOffice, c.group, c.difference]),
    );

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    for (const role of ['supervisor', 'external_panel', 'analyst', 'admin'] as const)
      token[role] = await tokenFor(t, role);
    token.external = token.external_panel;
    reports = reportsMatching(published);
    await insert(reports);
    // Outside the comparison: the hour either side of the year in London time, and another force inside it.
    await insert([
      { occurredAt: '2018-03-31T22:30:00Z', ethnicity: 'white', tactics: ['shield'] }, // 23:30 BST, 31 March
      { occurredAt: '2019-03-31T23:30:00Z', ethnicity: 'white', tactics: ['shield'] }, // 00:30 BST, 1 April
      { occurredAt: '2018-10-10T12:00:00Z', ethnicity: 'white', tactics: ['shield'], force: 'E23000002' },
    ]);
  }, 120_000);
  afterAll(() => t.close());

  it('reproduces Lancashire 2018/19 tactic uses by ethnicity exactly: difference 0 in every mapped cell', async () => {
    const body = await compare();
    expect(body).toMatchObject({
      force: { code: LANCASHIRE, name: 'Lancashire' },
      year: '2018/19',
      period: { from: '2018-04', to: '2019-03', timeZone: 'Europe/London' },
      by: 'ethnicity',
      unit: 'tactic uses',
      population: null,
      published: { source: 'uof_tactics_by_ethnicity_force_apr2018-mar2019.csv' },
      disclosure: { rule: 'rounded_base_5_suppressed_under_10', applied: false },
    });
    expect(body.note).toMatch(/census/);
    expect(differing(body)).toEqual([]);
    // Every published row is listed; all but the five "not stated" rows are counted, and compared in all 7 groups.
    expect(body.tactics).toHaveLength(35);
    expect(body.unmapped.map((u: { homeOffice: string }) => u.homeOffice)).toEqual([
      'Not stated handcuffing',
      'Not stated baton',
      'Not stated irritant spray',
      'Not stated AEP',
      'Not stated dog',
    ]);
    expect(body.summary).toEqual({ compared: 30 * 7, equal: 30 * 7, different: 0 });

    const row = (name: string) => body.tactics.find((r: Row) => r.homeOffice === name) as Row;
    const cell = (name: string, group: string) => row(name).cells.find((c) => c.group === group)!;
    const total = published.get('*Total Tactics')!;
    expect(cell('*Total Tactics', 'total')).toMatchObject({
      published: 11057,
      records: { uses: 11057 },
      difference: 0,
    });
    expect(cell('*Total Tactics', 'white')).toMatchObject({ published: total[0], records: { uses: 10062 } });
    // Chinese is inside Asian on the form: the Home Office columns are added, and each given as published.
    expect(cell('*Total Tactics', 'asian')).toMatchObject({
      published: 559 + 7,
      publishedParts: { asian: 559, chinese: 7 },
      records: { uses: 566 },
      difference: 0,
    });
    expect(cell('*Total Tactics', 'not_recorded')).toMatchObject({
      published: 25 + 8,
      publishedParts: { dont_know: 25, not_reported: 8 },
      difference: 0,
    });
    // Uses, not reports: far fewer reports carry the 11,057 uses.
    const reportsWithTactics = reports.filter((r) => r.tactics.some((c) => c !== 'tactical_communications')).length;
    expect(cell('*Total Tactics', 'total').records).toEqual({ uses: 11057, reports: reportsWithTactics });
    expect(body.records).toEqual({ reports: reports.length, reportsWithoutTactic: 29 });
    expect(cell('CED', 'total')).toMatchObject({ published: 428, records: { uses: 428 } });
    expect(cell('*Total Not reported', 'white')).toMatchObject({ published: 27, records: { uses: 27 } });
    expect(row('Handcuffing, of which').mapping).toBe('partial');
    expect(row('Not stated handcuffing')).toMatchObject({
      mapping: 'none',
      cells: expect.arrayContaining([
        {
          group: 'white',
          published: 0,
          publishedParts: { white: 0 },
          records: { uses: null, reports: null },
          difference: null,
        },
      ]),
    });
    expect(body.caveats.join(' ')).toMatch(/Chinese/);
  });

  it('a tactic added to one report shows +1 in exactly that tactic’s cells and the totals above it', async () => {
    const [{ id }] = await t.dataSource.query(
      `SELECT id FROM use_of_force_reports WHERE force_code = $1 AND perceived_ethnicity = 'black' AND period BETWEEN '2018-04-01' AND '2019-03-01'
         AND NOT tactics @> '[{"tactic": "shield"}]' AND jsonb_array_length(tactics) > 0 ORDER BY id LIMIT 1`,
      [LANCASHIRE],
    );
    await t.dataSource.query(
      `UPDATE use_of_force_reports SET tactics = tactics || '[{"tactic": "shield", "effective": true}]'::jsonb, version = version + 1 WHERE id = $1`,
      [id],
    );
    try {
      expect(differing(await compare()).sort()).toEqual(
        [
          ['*Total Tactics', 'black', 1],
          ['*Total Tactics', 'total', 1],
          ['*Total Other equipment', 'black', 1],
          ['*Total Other equipment', 'total', 1],
          ['Shield', 'black', 1],
          ['Shield', 'total', 1],
        ].sort(),
      );
    } finally {
      await t.dataSource.query(
        `UPDATE use_of_force_reports SET tactics = tactics - (jsonb_array_length(tactics) - 1), version = version + 1 WHERE id = $1`,
        [id],
      );
    }
    expect(differing(await compare())).toEqual([]);
  });

  it('a report whose perceived ethnicity is changed moves its uses from one group to the other', async () => {
    const [{ id }] = await t.dataSource.query(
      `SELECT id FROM use_of_force_reports WHERE force_code = $1 AND perceived_ethnicity = 'white' AND tactics = '[{"tactic": "tactical_communications", "effective": null}]'::jsonb LIMIT 1`,
      [LANCASHIRE],
    );
    await t.dataSource.query(`UPDATE use_of_force_reports SET perceived_ethnicity = 'mixed' WHERE id = $1`, [id]);
    try {
      expect(differing(await compare()).sort()).toEqual(
        [
          ['Tactical communication', 'mixed', 1],
          ['Tactical communication', 'white', -1],
        ].sort(),
      );
    } finally {
      await t.dataSource.query(`UPDATE use_of_force_reports SET perceived_ethnicity = 'white' WHERE id = $1`, [id]);
    }
  });

  it('by age and by disability compare the same uses (records without an age or disability are "not recorded")', async () => {
    for (const by of ['age', 'disability']) {
      const body = await compare(`?force=E23000003&year=2018/19&by=${by}`);
      const totals = body.tactics.find((r: Row) => r.homeOffice === '*Total Tactics') as Row;
      expect(totals.cells.find((c) => c.group === 'total')).toMatchObject({ published: 11057, difference: 0 });
      expect(totals.cells.find((c) => c.group === 'not_recorded')!.records.uses).toBe(11057);
      expect(body.groups.map((g: { group: string }) => g.group)).toContain('not_recorded');
    }
  });

  it('rounds and withholds the records’ counts for external panel members and analysts, never the published ones', async () => {
    const inside = ((await compare()).tactics as Row[]).flatMap((r) => r.cells);
    for (const who of ['external', 'analyst']) {
      const body = await compare(undefined, who);
      expect(body.disclosure).toMatchObject({ rule: 'rounded_base_5_suppressed_under_10', applied: true });
      const cells = (body.tactics as Row[]).flatMap((r) => r.cells);
      expect(cells.every((c) => c.difference === null)).toBe(true);
      // Each count as the rule shows it: withheld under 10, else rounded down to a multiple of 5.
      expect(cells.map((c) => c.records.uses)).toEqual(
        inside.map((c) =>
          c.records.uses === null || c.records.uses < 10 ? null : c.records.uses - (c.records.uses % 5),
        ),
      );
      expect(cells.map((c) => c.published)).toEqual(inside.map((c) => c.published));
      const shield = (body.tactics as Row[])
        .find((r) => r.homeOffice === 'Shield')!
        .cells.find((c) => c.group === 'white')!;
      expect(shield).toMatchObject({ published: 8, records: { uses: null } });
      const total = (body.tactics as Row[])
        .find((r) => r.homeOffice === '*Total Tactics')!
        .cells.find((c) => c.group === 'total')!;
      expect(total).toMatchObject({ published: 11057, records: { uses: 11055 } });
      expect(body.summary).toEqual({ compared: 0, equal: 0, different: 0 });
    }
  });

  it('names the field of a wrong query, and says when nothing was published', async () => {
    const problem = async (query: string, status = 400) =>
      (await t.http().get(`${URL}${query}`).set(as('supervisor')).expect(status)).body;
    expect((await problem('?year=2018/19')).errors).toEqual([{ field: 'force', message: expect.any(String) }]);
    expect((await problem('?force=lancashire&by=sex')).errors).toEqual([
      { field: 'by', message: 'by must be one of ethnicity, age, disability' },
    ]);
    expect((await problem('?force=lancashire&year=2018')).errors[0].field).toBe('year');
    expect((await problem('?force=lancashire&year=2018/20')).errors[0]).toEqual({
      field: 'year',
      message: expect.stringContaining('2018/19'),
    });
    expect((await problem('?force=gotham')).errors[0]).toEqual({
      field: 'force',
      message: '"gotham" is not a known police force',
    });
    expect((await problem('?force=E07000117')).errors[0].field).toBe('force'); // a local authority, not a force
    expect((await problem('?force=lancashire&year=2017/18', 404)).detail).toMatch(/import home-office-uof/);
    // Without a year: the latest the force has published figures for.
    expect((await compare('?force=lancashire')).year).toBe('2018/19');
  });
});
