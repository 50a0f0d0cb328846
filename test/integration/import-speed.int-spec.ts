import { Readable } from 'node:stream';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { importPoliceUkCsv, importStopSearchesCsv, POLICE_UK_COLUMNS } from '@scrutiny/records';
import { STOP_SEARCH_TEMPLATE_COLUMNS } from '../../libs/records/imports/stop-search-template';
import { createTestApp, type TestApp } from '../setup/test-app';

const CITY = 'E23000034';

/** What the import speed-ups must not change: quoting in the COPY text, numbering of identical rows, the references. */
describe('import speed-ups keep what was stored', () => {
  let t: TestApp;
  let engine: OpenedDatabase['kind'];

  beforeAll(async () => {
    t = await createTestApp({ JOB_ATTEMPTS: '1' });
    engine = t.app.get<OpenedDatabase>(OPENED_DATABASE).kind;
  });
  afterAll(() => t.close());

  const newImport = async (format: string, filename: string) =>
    (
      (await t.dataSource.query(
        `INSERT INTO imports (format, force_code, filename, status) VALUES ($1, $2, $3, 'running') RETURNING id`,
        [format, CITY, filename],
      )) as { id: string }[]
    )[0].id;

  it('writes police.uk rows straight into COPY text with free text quoted exactly and every value as mapped', async () => {
    const operations = ['Op "Trident", phase 2', 'Line one\nline two', 'Plain', 'Comma, only', '"', ''];
    const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const lines = operations.map(
      (op, i) =>
        `Person search,2019-06-0${i + 1}T1${i}:30:00+00:00,${op ? 'True' : ''},${quote(op)},51.515,-0.092,Female,over 34,` +
        `Other ethnic group - Not stated,Asian,Police and Criminal Evidence Act 1984 (section 1),Stolen goods,Arrest,False,True`,
    );
    const importId = await newImport('police-uk', 'quoting.csv');
    const counts = await importPoliceUkCsv(t.dataSource, {
      importId,
      forceCode: CITY,
      sourceMonth: null,
      engine,
      batchRows: 4,
      input: () => Readable.from([`${POLICE_UK_COLUMNS.join(',')}\n${lines.join('\n')}\n`]),
    });
    expect(counts).toEqual({ rowsRead: 6, rowsImported: 6, rowsDuplicate: 0, rowsRejected: 0 });
    const stored = (await t.dataSource.query(
      `SELECT operation_name, part_of_operation, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS at,
         period::text, latitude, longitude, gender, age_range, self_defined_ethnicity, officer_defined_ethnicity, legislation,
         object_of_search, outcome, outcome_linked_to_object, clothing_removed, area_code, id::text LIKE '%-7%' AS v7
       FROM stop_searches WHERE import_id = $1 ORDER BY occurred_at`,
      [importId],
    )) as Record<string, unknown>[];
    expect(stored.map((r) => r.operation_name)).toEqual(operations.map((op) => op || null));
    expect(stored[0]).toEqual({
      operation_name: 'Op "Trident", phase 2',
      part_of_operation: true,
      at: '2019-06-01T10:30:00',
      period: '2019-06-01',
      latitude: 51.515,
      longitude: -0.092,
      gender: 'female',
      age_range: 'over_34',
      self_defined_ethnicity: 'NS',
      officer_defined_ethnicity: 'asian',
      legislation: 'pace_s1',
      object_of_search: 'stolen_goods',
      outcome: 'arrest',
      outcome_linked_to_object: false,
      clothing_removed: true,
      area_code: 'E09000001',
      v7: true,
    });
    expect(stored[5]).toMatchObject({ operation_name: null, part_of_operation: null });
  });

  it('numbers identical template rows without a reference after the rejections, and skips numbering when all have one', async () => {
    const row = (values: Record<string, string>) =>
      STOP_SEARCH_TEMPLATE_COLUMNS.map((c) => {
        const v = values[c] ?? '';
        return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
      }).join(',');
    const search = (extra: Record<string, string> = {}) =>
      row({
        occurred_at: '2021-04-03T12:00:00Z',
        latitude: '51.515',
        longitude: '-0.092',
        search_type: 'person',
        legislation: 'misuse_of_drugs_act_s23',
        object_of_search: 'controlled_drugs',
        outcome: 'arrest',
        gender: 'male',
        ...extra,
      });
    const run = async (rows: string[], filename: string) =>
      importStopSearchesCsv(t.dataSource, {
        importId: await newImport('stop-searches', filename),
        forceCode: CITY,
        engine,
        bwvRetentionDays: 31,
        input: () => Readable.from([`${STOP_SEARCH_TEMPLATE_COLUMNS.join(',')}\n${rows.join('\n')}\n`]),
      });

    // The first of two identical rows names no real supervisor: rejected by the set-based checks, it takes no number,
    // so the second is number 1 and the same search imported alone later is its duplicate.
    const first = await run([search({ supervisor: 'nobody-at-all' }), search()], 'keyless-1.csv');
    expect(first).toMatchObject({ rowsRead: 2, rowsImported: 1, rowsDuplicate: 0, rowsRejected: 1 });
    expect(await run([search()], 'keyless-2.csv')).toMatchObject({ rowsImported: 0, rowsDuplicate: 1 });
    // Two identical rows: the second is number 2, new; a third copy is new again; re-importing adds nothing.
    expect(await run([search(), search(), search()], 'keyless-3.csv')).toMatchObject({
      rowsImported: 2,
      rowsDuplicate: 1,
    });
    expect(await run([search(), search(), search()], 'keyless-4.csv')).toMatchObject({
      rowsImported: 0,
      rowsDuplicate: 3,
    });

    // Every row with a reference: nothing to number (the statement leaves the window out); same counts as ever.
    const referenced = [1, 2, 3].map((i) =>
      search({ reference: `SPEED-${i}`, occurred_at: `2021-04-0${i}T09:00:00Z` }),
    );
    expect(await run(referenced, 'referenced.csv')).toMatchObject({ rowsImported: 3, rowsDuplicate: 0 });
    expect(await run([...referenced, referenced[1]], 'referenced-again.csv')).toMatchObject({
      rowsImported: 0,
      rowsDuplicate: 4,
    });
    const keys = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = $1 AND source_reference LIKE 'SPEED-%' AND dedup_key IS NULL`,
      [CITY],
    )) as { n: number }[];
    expect(keys).toEqual([{ n: 3 }]);
  });

  it('checks references in one pass: the missing key named as a foreign key names it, whichever column it is in', async () => {
    const detail = async (sql: string, params: unknown[]) => {
      try {
        await t.dataSource.query(sql, params);
      } catch (e) {
        const d = (e as { driverError?: { code?: string; constraint?: string; detail?: string } }).driverError ?? {};
        return { code: d.code, constraint: d.constraint, detail: d.detail };
      }
      throw new Error('no error');
    };
    const insertMany = (area: string | null, officer: string | null) =>
      detail(
        `INSERT INTO stop_searches (id, force_code, area_code, officer_id, occurred_at, period, search_type, source, version)
         SELECT gen_random_uuid(), $1, CASE WHEN g = 700 THEN $2 ELSE 'E09000001' END, CASE WHEN g = 300 THEN $3::uuid END,
           now(), date_trunc('month', now())::date, 'person', 'api', 1
         FROM generate_series(1, 1000) g`,
        [CITY, area, officer],
      );
    expect(await insertMany('E99999998', null)).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_area',
      detail: 'Key (area_code)=(E99999998) is not present in table "areas".',
    });
    expect(await insertMany('E09000001', '00000000-0000-4000-8000-00000000abcd')).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_officer',
      detail: 'Key (officer_id)=(00000000-0000-4000-8000-00000000abcd) is not present in table "officers".',
    });
    expect(
      await detail(
        `INSERT INTO stop_searches (id, force_code, occurred_at, period, search_type, source, version)
         VALUES (gen_random_uuid(), 'E99999997', now(), date_trunc('month', now())::date, 'person', 'api', 1)`,
        [],
      ),
    ).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_force',
      detail: 'Key (force_code)=(E99999997) is not present in table "areas".',
    });
  });

  it('locks what it checked as a foreign key does: an area a running import wrote cannot be deleted meanwhile', async () => {
    if (engine !== 'postgres') return; // one connection: nothing runs beside the import
    await t.dataSource.query(
      `INSERT INTO areas (code, name, level, parent_code) SELECT 'E99999996', 'Speed test borough', level, parent_code
       FROM areas WHERE code = 'E09000001'`,
    );
    const writer = t.dataSource.createQueryRunner();
    const deleter = t.dataSource.createQueryRunner();
    await writer.connect();
    await deleter.connect();
    try {
      await writer.startTransaction();
      await writer.query(
        `INSERT INTO stop_searches (id, force_code, area_code, occurred_at, period, search_type, source, version)
         SELECT gen_random_uuid(), $1, 'E99999996', now(), date_trunc('month', now())::date, 'person', 'api', 1
         FROM generate_series(1, 10)`,
        [CITY],
      );
      await deleter.startTransaction();
      await deleter.query(`SET LOCAL lock_timeout = '300ms'`);
      await expect(deleter.query(`DELETE FROM areas WHERE code = 'E99999996'`)).rejects.toMatchObject({
        driverError: { code: '55P03' },
      });
      await deleter.rollbackTransaction();
      await writer.commitTransaction();
      // Once the rows are in, the area is referenced: refused.
      await expect(t.dataSource.query(`DELETE FROM areas WHERE code = 'E99999996'`)).rejects.toMatchObject({
        driverError: { code: '23503', constraint: 'fk_stop_searches_area' },
      });
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      if (deleter.isTransactionActive) await deleter.rollbackTransaction();
      await writer.release();
      await deleter.release();
      await t.dataSource.query(`DELETE FROM stop_searches WHERE area_code = 'E99999996'`);
      await t.dataSource.query(`DELETE FROM areas WHERE code = 'E99999996'`);
    }
  });
});
