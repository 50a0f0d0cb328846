import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { COMPLAINT_TEMPLATE_COLUMNS } from '@scrutiny/complaints';
import { ensureOfficers, ImportsService, type ImportFormat } from '@scrutiny/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const TEMPLATE = path.join(__dirname, '../../docs/csv-templates/complaints.csv');
const FORCE = 'E23000003';
const HEADER = COMPLAINT_TEMPLATE_COLUMNS.join(',');

describe('complaints CSV import (the records import pipeline, all or nothing)', () => {
  let t: TestApp;
  let imports: ImportsService;
  const run = (name: string, ...lines: string[]) =>
    imports.importReadable(
      () => Readable.from([`${[HEADER, ...lines].join('\n')}\n`]),
      name,
      'complaints' as ImportFormat,
      'lancashire',
      SYSTEM_ACTOR,
    );
  const stored = async () =>
    (
      (await t.dataSource.query(
        `SELECT c.reference, count(a.id)::int AS allegations FROM complaints c JOIN complaint_allegations a ON a.complaint_id = c.id
         GROUP BY c.reference ORDER BY c.reference`,
      )) as { reference: string; allegations: number }[]
    ).map((r) => [r.reference, r.allegations]);

  beforeAll(async () => {
    t = await createTestApp();
    imports = t.app.get(ImportsService);
    await ensureOfficers(t.dataSource, [
      { reference: 'PC-4471', forceCode: FORCE, teamCode: 'TEAM-A' },
      { reference: 'PC-5120', forceCode: FORCE, teamCode: 'TEAM-A' },
      { reference: 'PC-6002', forceCode: FORCE, teamCode: 'TEAM-A' },
    ]);
    await t.dataSource.query(
      `INSERT INTO vehicle_stops (force_code, period, occurred_at, reason, source, source_reference, version)
       VALUES ($1, '2024-05-01', '2024-05-03T20:47:00Z', 'moving_traffic_offence', 'manual', 'VS-2024-0001', 1)`,
      [FORCE],
    );
  });
  afterAll(() => t.close());

  it('imports the documented template, one complaint per reference with an allegation per line, and re-imports as duplicates', async () => {
    const csv = fs.readFileSync(TEMPLATE, 'utf8');
    const open = () => Readable.from([csv]);
    const first = await imports.importReadable(
      open,
      'complaints.csv',
      'complaints' as ImportFormat,
      'lancashire',
      SYSTEM_ACTOR,
    );
    expect(first).toMatchObject({ status: 'completed', rowsRead: 4, rowsImported: 4, rowsRejected: 0, rejected: [] });
    expect(await stored()).toEqual([
      ['CO/2024/0042', 2],
      ['CO/2024/0043', 1],
      ['CO/2024/0044', 1],
    ]);
    const [linked] = await t.dataSource.query(
      `SELECT a.encounter_kind, v.source_reference FROM complaint_allegations a JOIN vehicle_stops v ON v.id = a.encounter_id`,
    );
    expect(linked).toEqual({ encounter_kind: 'vehicle_stop', source_reference: 'VS-2024-0001' });
    const [officers] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM complaint_allegation_officers ao JOIN complaint_allegations a ON a.id = ao.allegation_id
       JOIN complaints c ON c.id = a.complaint_id WHERE c.reference = 'CO/2024/0044'`,
    );
    expect(officers.n).toBe(2);

    const again = await imports.importReadable(
      open,
      'complaints.csv',
      'complaints' as ImportFormat,
      'lancashire',
      SYSTEM_ACTOR,
    );
    expect(again).toMatchObject({
      status: 'completed',
      rowsRead: 4,
      rowsImported: 0,
      rowsDuplicate: 4,
      rowsRejected: 0,
    });
    expect(await stored()).toHaveLength(3);
  });

  it('reports every bad line by line and column and stores nothing from the file (all or nothing)', async () => {
    const good =
      'CO/BAD/1,2024-04-02,,,outside_schedule_3,,,,,,individual_behaviours,impolite_language_or_tone,,PC-4471,,,';
    const result = await run(
      'bad.csv',
      good, // line 2: fine on its own
      'CO/BAD/2,2024-04-03,,,,,,,,,individual_behaviours,race,,PC-4471,,,', // line 3: race is not an individual behaviour
      'CO/BAD/3,2024-04-04,,,,,,,,,delivery_of_duties_and_service,decisions,,PC-9999,,,', // line 4: unknown officer
      'CO/BAD/4,2024-04-31,,,,,,,,,other,other,,,,,', // line 5: no 31 April
      'CO/BAD/5,2024-04-05,,,,,,,,,discriminatory_behaviour,race,,PC-4471,stop_search,SS-NOT-HERE,', // line 6
      'CO/BAD/6,2024-04-06,,,,,,,,,other,other,,,,,', // line 7
      'CO/BAD/6,2024-04-07,,,,,,,,,other,other,,,,,', // line 8: same complaint, another received date
      'CO/BAD/7,2024-04-08,,2024-04-01,,,,,,,other,other,,,,,', // line 9: finalised before received
      'CO/BAD/8,2024-04-08,,,,,,,,nonexistent_theme,other,other,,,,,', // line 10: unknown theme
    );
    expect(result).toMatchObject({ status: 'completed', rowsRead: 9, rowsImported: 0, rowsDuplicate: 0 });
    expect(result.rejected.map((r) => [r.line, r.field])).toEqual([
      [3, 'sub_category'],
      [4, 'officer_references'],
      [5, 'received_on'],
      [6, 'encounter_reference'],
      [8, 'received_on'],
      [9, 'finalised_on'],
      [10, 'themes'],
    ]);
    expect(result.rejected.find((r) => r.line === 4)!.reason).toBe("no officer PC-9999 in this force's register");
    expect(result.rejected.find((r) => r.line === 8)!.reason).toMatch(
      /repeated from line 7 with a different received_on/,
    );
    expect(await t.dataSource.query(`SELECT 1 FROM complaints WHERE reference LIKE 'CO/BAD/%'`)).toEqual([]);
    // Fixed, the good line goes in.
    expect(await run('fixed.csv', good)).toMatchObject({ rowsImported: 1, rowsRejected: 0 });
  });

  it('refuses a known reference with other values on its line and changes nothing stored', async () => {
    const changed = await run(
      'changed.csv',
      'CO/2024/0044,2024-06-02,2024-06-03,2024-07-01,local_investigation,,,,,,delivery_of_duties_and_service,police_action_following_contact,,PC-5120;PC-6002,,,no_case_to_answer',
    );
    expect(changed.rejected).toEqual([
      {
        line: 2,
        field: 'reference',
        reason: 'complaint "CO/2024/0044" exists with different values; not changed (correct it through the API)',
      },
    ]);
    const [row] = await t.dataSource.query(`SELECT finalised_on FROM complaints WHERE reference = 'CO/2024/0044'`);
    expect(row.finalised_on).toBeNull();
  });

  it('refuses a file whose header is not the template, as a whole', async () => {
    const result = await imports.importReadable(
      () => Readable.from(['reference,when\nX,2024-01-01\n']),
      'wrong.csv',
      'complaints' as ImportFormat,
      'lancashire',
      SYSTEM_ACTOR,
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/unknown column\(s\) "when"/);
  });
});
