import * as fs from 'node:fs';
import * as path from 'node:path';
import { InProcessJobQueue } from '@scrutiny/jobs';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const HYPERLINK = '=HYPERLINK("http://evil.example/x","Open")';

/** RFC 4180 cells of one CSV line (enough for these exports: no line breaks inside cells). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** A formula a spreadsheet would run: = + - @ tab or CR first, unless the cell is a plain number like -0.1. */
const runsAsFormula = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);

/**
 * Issue 15 (10): free text starting with = + - @ reached police staff's spreadsheets verbatim. Every CSV the system
 * writes guards such cells with an apostrophe, and every importer takes the guard off, so the exports still re-import
 * as exact duplicates, negative coordinates included.
 */
describe('CSV exports: formula cells guarded, re-import exact', () => {
  let t: TestApp;
  let admin: string;
  let psd: string;

  const exportText = async (query: string) =>
    (
      await t
        .http()
        .get(`/api/v1/stop-searches/export.csv?${query}`)
        .set('authorization', `Bearer ${psd}`)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        })
        .expect(200)
    ).body as string;

  const reimport = async (format: string, text: string) => {
    const res = await t
      .http()
      .post('/api/v1/imports')
      .set('authorization', `Bearer ${admin}`)
      .field('format', format)
      .field('force', 'city-of-london')
      .attach('file', Buffer.from(text), 'export.csv')
      .expect(202);
    await t.app.get(InProcessJobQueue).idle();
    return (await t.http().get(`/api/v1/imports/${res.body.id}`).set('authorization', `Bearer ${admin}`).expect(200))
      .body;
  };

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    admin = await tokenFor(t, 'admin');
    psd = await tokenFor(t, 'professional_standards');
    // The published file plus one row whose operation name a volunteer's spreadsheet would run as a formula.
    const fixture = fs.readFileSync(FIXTURE, 'utf8').trimEnd();
    const formulaRow = `Person search,2017-12-15T12:00:00+00:00,True,"${HYPERLINK.replace(/"/g, '""')}",51.515,-0.0921,Male,25-34,,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Nothing found - no further action,False,False`;
    expect(await reimport('police-uk', `${fixture}\n${formulaRow}\n`)).toMatchObject({ rowsImported: 102 });
  });
  afterAll(() => t.close());

  it('police.uk export: the formula is guarded, negative longitudes are not, and the file re-imports as exact duplicates', async () => {
    const text = await exportText('area=city-of-london&from=2017-12&to=2017-12');
    const rows = text.trim().split('\n').map(cells);
    expect(rows).toHaveLength(103);
    const all = rows.flat();
    expect(all).toContain(`'${HYPERLINK}`);
    expect(all.filter(runsAsFormula)).toEqual([]);
    // The fixture's longitudes west of Greenwich are negative numbers, written as numbers (no apostrophe).
    const negatives = all.filter((c) => /^-0\.\d+$/.test(c));
    expect(negatives.length).toBeGreaterThan(50);
    expect(all.filter((c) => /^'-\d/.test(c))).toEqual([]);
    expect(await reimport('police-uk', text)).toMatchObject({
      rowsRead: 102,
      rowsImported: 0,
      rowsDuplicate: 102,
      rowsRejected: 0,
    });
  });

  it('template export: free text guarded, and the force re-import reads exactly what was exported (no update)', async () => {
    await t
      .http()
      .post('/api/v1/stop-searches')
      .set('authorization', `Bearer ${psd}`)
      .send({
        force: 'city-of-london',
        reference: 'CSV-GUARD-1',
        areaCode: 'E09000001',
        occurredAt: '2017-12-15T12:00:00Z',
        latitude: 51.515,
        longitude: -0.0921,
        searchType: 'person',
        legislation: 'misuse_of_drugs_act_s23',
        objectOfSearch: 'controlled_drugs',
        grounds: "@SUM(1+1) and '=1+1",
        outcome: 'no_further_action',
        partOfOperation: true,
        operationName: `+${HYPERLINK}`,
        officerDefinedEthnicity: 'white',
      })
      .expect(201);
    const text = await exportText('format=template&area=city-of-london');
    const all = text.trim().split('\n').flatMap(cells);
    expect(all).toEqual(expect.arrayContaining([`'+${HYPERLINK}`, "'@SUM(1+1) and '=1+1"]));
    expect(all.filter(runsAsFormula)).toEqual([]);
    const r = await reimport('stop-searches', text);
    expect(r).toMatchObject({
      rowsRead: 103,
      rowsImported: 0,
      rowsUpdated: 0,
      rowsDuplicate: 103,
      rowsRejected: 0,
    });
    const [stored] = await t.dataSource.query(
      `SELECT operation_name, grounds FROM stop_searches WHERE source_reference = 'CSV-GUARD-1'`,
    );
    expect(stored).toEqual({ operation_name: `+${HYPERLINK}`, grounds: "@SUM(1+1) and '=1+1" });
    const [imported] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stop_searches WHERE operation_name = $1`,
      [HYPERLINK],
    );
    expect(imported.n).toBe(1);
  });
});
