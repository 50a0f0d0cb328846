import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { importTemplateCsv, ImportsService, templateColumns, USE_OF_FORCE } from '@scrutiny/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const TEMPLATE = path.join(__dirname, '../../docs/csv-templates/use-of-force.csv');

describe('CSV template import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('leaves nothing behind when a file fails part-way through (more rows than one insert batch)', async () => {
    const [{ id }] = await t.dataSource.query(`INSERT INTO imports (format, force_code, filename, status) VALUES ('use-of-force', 'E23000003', 'broken.csv', 'running') RETURNING id`);
    const row = (i: number) => `BROKEN-${i},2024-07-01T10:00:00Z,E07000117,,,PC-${i % 50},TEAM-A,dwelling,unarmed_skills:yes,,,arrested,none,none,no,male,18_34,white,none,,,yes`;
    const input = () =>
      Readable.from(
        (async function* () {
          yield `${templateColumns(USE_OF_FORCE).join(',')}\n`;
          for (let i = 0; i < 2500; i++) yield `${row(i)}\n`; // two full batches are written before the failure
          yield 'not,enough\n';
          throw new Error('the disk went away');
        })(),
      );
    await expect(importTemplateCsv(t.dataSource, { importId: id, forceCode: 'E23000003', spec: USE_OF_FORCE, input })).rejects.toThrow('the disk went away');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM use_of_force_reports WHERE import_id = $1`, [id])).toEqual([{ n: 0 }]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM import_rejections WHERE import_id = $1`, [id])).toEqual([{ n: 0 }]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM officers WHERE reference = 'PC-49'`)).toEqual([{ n: 0 }]);
  });

  it('imports from disk (the CLI path) and names the template when the header is wrong', async () => {
    const imports = t.app.get(ImportsService);
    expect(await imports.importFile(TEMPLATE, 'use-of-force', 'lancashire', SYSTEM_ACTOR)).toMatchObject({ status: 'completed', format: 'use-of-force', rowsImported: 2, sourceMonth: null });
    const wrong = await imports.importFile(TEMPLATE, 'vehicle-stops', 'lancashire', SYSTEM_ACTOR);
    expect(wrong).toMatchObject({ status: 'failed', error: expect.stringMatching(/^not a vehicle stop CSV template: missing column\(s\) reason/) });
    expect(fs.existsSync(TEMPLATE)).toBe(true);
  });
});
