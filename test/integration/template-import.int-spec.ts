import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import {
  ensureOfficer,
  ensureOfficers,
  importTemplateCsv,
  ImportsService,
  templateColumns,
  USE_OF_FORCE,
  VEHICLE_STOP,
} from '@scrutiny/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const TEMPLATE = path.join(__dirname, '../../docs/csv-templates/use-of-force.csv');

describe('CSV template import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('leaves nothing behind when a file fails part-way through (more rows than one insert batch)', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('use-of-force', 'E23000003', 'broken.csv', 'running') RETURNING id`,
    );
    const row = (i: number) =>
      `BROKEN-${i},2024-07-01T10:00:00Z,E07000117,,,PC-${i % 50},TEAM-A,dwelling,unarmed_skills:yes,,,arrested,none,none,no,male,18_34,white,none,,,yes`;
    const input = () =>
      Readable.from(
        (async function* () {
          yield `${templateColumns(USE_OF_FORCE).join(',')}\n`;
          for (let i = 0; i < 2500; i++) yield `${row(i)}\n`; // two full batches are written before the failure
          yield 'not,enough\n';
          throw new Error('the disk went away');
        })(),
      );
    await expect(
      importTemplateCsv(t.dataSource, { importId: id, forceCode: 'E23000003', spec: USE_OF_FORCE, input }),
    ).rejects.toThrow('the disk went away');
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM use_of_force_reports WHERE import_id = $1`, [id]),
    ).toEqual([{ n: 0 }]);
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM import_rejections WHERE import_id = $1`, [id]),
    ).toEqual([{ n: 0 }]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM officers WHERE reference = 'PC-49'`)).toEqual([
      { n: 0 },
    ]);
  });

  it('reports a re-imported reference whose values changed on its line, keeps the good rows, and changes nothing stored', async () => {
    const imports = t.app.get(ImportsService);
    const header = templateColumns(VEHICLE_STOP).join(',');
    const row = (ref: string, outcome = 'words_of_advice', linked = '') =>
      `${ref},2024-08-01T10:00:00Z,E07000117,,,PC-RE-1,TEAM-A,vehicle_defect,Brake light out,${outcome},male,over_34,W1,white,,${linked},no`;
    const csv = (...rows: string[]) => Readable.from([[header, ...rows].join('\n')]);
    const first = await imports.importReadable(
      () => csv(row('RE-1'), row('RE-2')),
      'first.csv',
      'vehicle-stops',
      'lancashire',
      SYSTEM_ACTOR,
    );
    expect(first).toMatchObject({ status: 'completed', rowsImported: 2, rowsDuplicate: 0, rowsRejected: 0 });
    const again = await imports.importReadable(
      () =>
        csv(
          row('RE-1'), // line 2: the same values: a duplicate
          row('RE-2', 'arrest'), // line 3: a different outcome: reported, not changed
          row('RE-3'), // line 4: new
          row('RE-3', 'arrest'), // line 5: differs from line 4, stored just before it
          row('RE-4', 'words_of_advice', '00000000-0000-4000-8000-000000000000'), // line 6: links to a stop search this force does not have
        ),
      'again.csv',
      'vehicle-stops',
      'lancashire',
      SYSTEM_ACTOR,
    );
    expect(again).toMatchObject({
      status: 'completed',
      rowsRead: 5,
      rowsImported: 1,
      rowsDuplicate: 1,
      rowsRejected: 3,
    });
    expect(again.rejected).toEqual([
      { line: 3, field: 'reference', reason: 'reference "RE-2" exists with different values; not changed' },
      { line: 5, field: 'reference', reason: 'reference "RE-3" exists with different values; not changed' },
      {
        line: 6,
        field: 'linked_stop_search_id',
        reason: 'no stop search 00000000-0000-4000-8000-000000000000 in this force',
      },
    ]);
    const stored = await t.dataSource.query(
      `SELECT source_reference AS ref, outcome FROM vehicle_stops WHERE source_reference LIKE 'RE-%' ORDER BY 1`,
    );
    expect(stored).toEqual([
      { ref: 'RE-1', outcome: 'words_of_advice' },
      { ref: 'RE-2', outcome: 'words_of_advice' },
      { ref: 'RE-3', outcome: 'words_of_advice' },
    ]);
  });

  it('creates or finds officers in bulk, one id per reference, a new officer joining the first team given and an existing one left as they are', async () => {
    const ids = await ensureOfficers(t.dataSource, [
      { reference: 'PC-BULK-1', forceCode: 'E23000003', teamCode: 'TEAM-A' },
      { reference: 'PC-BULK-2', forceCode: 'E23000003' },
      { reference: 'PC-BULK-1', forceCode: 'E23000003', teamCode: 'TEAM-B' },
      { reference: 'PC-BULK-1', forceCode: 'E23000003', teamCode: null },
    ]);
    expect([...ids.keys()].sort()).toEqual(['PC-BULK-1', 'PC-BULK-2']);
    expect(await ensureOfficer(t.dataSource, { reference: 'PC-BULK-1', forceCode: 'E23000003' })).toBe(
      ids.get('PC-BULK-1'),
    );
    expect(
      await ensureOfficer(t.dataSource, { reference: 'PC-BULK-2', forceCode: 'E23000003', teamCode: 'TEAM-C' }),
    ).toBe(ids.get('PC-BULK-2'));
    expect(
      await t.dataSource.query(`SELECT reference, team_code FROM officers WHERE reference LIKE 'PC-BULK-%' ORDER BY 1`),
    ).toEqual([
      { reference: 'PC-BULK-1', team_code: 'TEAM-A' },
      { reference: 'PC-BULK-2', team_code: null },
    ]);
    expect((await ensureOfficers(t.dataSource, [])).size).toBe(0);
    // References are the force's own: another force's PC-BULK-1 is another officer.
    const other = await ensureOfficer(t.dataSource, { reference: 'PC-BULK-1', forceCode: 'E23000034', teamCode: 'X' });
    expect(other).not.toBe(ids.get('PC-BULK-1'));
  });

  it('imports from disk (the CLI path) and names the template when the header is wrong', async () => {
    const imports = t.app.get(ImportsService);
    expect(await imports.importFile(TEMPLATE, 'use-of-force', 'lancashire', SYSTEM_ACTOR)).toMatchObject({
      status: 'completed',
      format: 'use-of-force',
      rowsImported: 2,
      sourceMonth: null,
    });
    const wrong = await imports.importFile(TEMPLATE, 'vehicle-stops', 'lancashire', SYSTEM_ACTOR);
    expect(wrong).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^not a vehicle stop CSV template: missing column\(s\) reason/),
    });
    expect(fs.existsSync(TEMPLATE)).toBe(true);
  });
});
