import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { contentHash, importPoliceUkCsv, londonMonthOfUtc, mapPoliceUkRow, POLICE_UK_COLUMNS } from '@scrutiny/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const CITY = 'E23000034';
const HEADER = POLICE_UK_COLUMNS.join(',');
const row = (minute: number, outcome = 'Arrest', ethnicity = 'White - Irish', point = '51.515,-0.092') =>
  `Person search,2018-03-0${1 + (minute % 5)}T10:${String(minute).padStart(2, '0')}:00+00:00,False,,${point},Male,18-24,${ethnicity},White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,${outcome},True,False`;

/**
 * The dedup keys the import stored before rows were numbered while streaming: md5 of the content key and the row's
 * number among identical rows in line order (what `row_number() OVER (PARTITION BY content_hash ORDER BY line)` gave).
 */
function keysNumberedByLine(lines: string[]): string[] {
  const seen = new Map<string, number>();
  return lines.flatMap((line) => {
    const mapped = mapPoliceUkRow(line.split(','));
    if (!('record' in mapped)) return [];
    const key = contentHash(CITY, londonMonthOfUtc(mapped.record.occurredAt), mapped.record);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const hex = createHash('md5').update(`${key}:${n}`).digest('hex');
    return [`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`];
  });
}

describe('police.uk import in pipelined batches', () => {
  let t: TestApp;
  let engine: OpenedDatabase['kind'];

  beforeAll(async () => {
    t = await createTestApp({ JOB_ATTEMPTS: '1' });
    engine = t.app.get<OpenedDatabase>(OPENED_DATABASE).kind;
  });
  afterAll(() => t.close());

  const run = async (lines: string[], filename: string, batchRows: number) => {
    const [{ id }] = (await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('police-uk', $1, $2, 'running') RETURNING id`,
      [CITY, filename],
    )) as { id: string }[];
    const counts = await importPoliceUkCsv(t.dataSource, {
      importId: id,
      forceCode: CITY,
      sourceMonth: null,
      engine,
      batchRows,
      input: () => Readable.from([`${HEADER}\n${lines.join('\n')}\n`]),
    });
    return { id, counts };
  };

  // Groups of identical rows (people searched together) split across batches of 2, with a bad row among them.
  const first = [row(1), row(1), row(1), row(2), 'not,a,row', row(3, 'Community resolution'), row(1), row(2), row(4)];
  const second = [row(1), row(1), row(1), row(1), row(1), row(2), row(5), row(4), row(4)];

  it('numbers identical rows as they stream, across batches, exactly as numbering them by line did', async () => {
    const { id, counts } = await run(first, 'first.csv', 2);
    expect(counts).toEqual({ rowsRead: 9, rowsImported: 8, rowsDuplicate: 0, rowsRejected: 1 });
    const stored = (await t.dataSource.query(`SELECT dedup_key FROM stop_searches WHERE import_id = $1`, [id])) as {
      dedup_key: string;
    }[];
    expect(stored.map((r) => r.dedup_key).sort()).toEqual(keysNumberedByLine(first).sort());
    expect(await t.dataSource.query(`SELECT line FROM import_rejections WHERE import_id = $1`, [id])).toEqual([
      { line: 6 },
    ]);

    // Another file (another name, other batch sizes) holding more of the same groups adds only the extra copies.
    const again = await run(second, 'second.csv', 3);
    // row(1): 5 here, 4 before → 1 new; row(2): 1 of 2 → 0; row(5) new; row(4): 2 of 1 → 1 new.
    expect(again.counts).toEqual({ rowsRead: 9, rowsImported: 3, rowsDuplicate: 6, rowsRejected: 0 });
    // Re-importing either in one batch adds nothing.
    expect((await run(first, 'first-again.csv', 1000)).counts).toMatchObject({ rowsImported: 0, rowsDuplicate: 8 });
    expect((await run(second, 'second-again.csv', 1)).counts).toMatchObject({ rowsImported: 0, rowsDuplicate: 9 });
  });

  it('keeps the rollup equal to a recomputation from the records after an import in many batches', async () => {
    const varied = Array.from({ length: 60 }, (_, i) =>
      row(
        10 + (i % 40),
        ['Arrest', 'A no further action disposal', 'Community resolution', ''][i % 4],
        ['White - Irish', 'Black/African/Caribbean/Black British - African', 'Asian/Asian British - Indian', ''][i % 4],
        i % 7 === 0 ? ',' : '51.515,-0.092',
      ),
    );
    const { counts } = await run(varied, 'varied.csv', 7);
    expect(counts.rowsRejected).toBe(0);
    expect(counts.rowsImported + counts.rowsDuplicate).toBe(60);

    // Deleting every record of the force in one statement subtracts their contribution computed in one GROUP BY (the
    // rollup's recomputation from the records): what the batches added must cancel it exactly.
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const [{ n }] = (await runner.query(
        `SELECT coalesce(sum(n), 0)::int AS n FROM disproportionality_rollup
         WHERE kind = 'stop_search' AND force_code = $1 AND characteristic = 'ethnicity' AND basis = 'self'`,
        [CITY],
      )) as { n: number }[];
      const [{ records }] = (await runner.query(
        `SELECT count(*)::int AS records FROM stop_searches WHERE force_code = $1`,
        [CITY],
      )) as { records: number }[];
      expect(n).toBe(records);
      await runner.query(`DELETE FROM stop_searches WHERE force_code = $1`, [CITY]);
      const left = (await runner.query(
        `SELECT * FROM disproportionality_rollup WHERE kind = 'stop_search' AND force_code = $1
           AND (n <> 0 OR linked_yes <> 0 OR linked_no <> 0 OR linked_unrecorded <> 0 OR strip_yes <> 0 OR strip_no <> 0
             OR strip_unrecorded <> 0 OR outcome_unrecorded <> 0 OR positive <> 0 OR arrests <> 0)`,
        [CITY],
      )) as unknown[];
      expect(left).toEqual([]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('rolls back every batch when a later one fails', async () => {
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches`)) as { n: number }[];
    const [{ id }] = (await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('police-uk', $1, 'broken.csv', 'running') RETURNING id`,
      [CITY],
    )) as { id: string }[];
    const input = () =>
      Readable.from(
        (async function* () {
          yield `${HEADER}\n${Array.from({ length: 10 }, (_, i) => row(50 + i)).join('\n')}\n`;
          throw new Error('the disk went away');
        })(),
      );
    await expect(
      importPoliceUkCsv(t.dataSource, {
        importId: id,
        forceCode: CITY,
        sourceMonth: null,
        engine,
        batchRows: 2,
        input,
      }),
    ).rejects.toThrow('the disk went away');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches`)).toEqual(before);
  });

  it('checks the references of stop searches once per statement with the foreign keys’ guarantees', async () => {
    const error = async (sql: string, params: unknown[] = []) => {
      try {
        await t.dataSource.query(sql, params);
      } catch (e) {
        const d = (e as { driverError?: { code?: string; constraint?: string } }).driverError ?? {};
        return { code: d.code, constraint: d.constraint };
      }
      throw new Error(`no error from ${sql}`);
    };
    const insert = (force: string, area: string | null, officer: string | null) =>
      error(
        `INSERT INTO stop_searches (id, force_code, area_code, officer_id, occurred_at, period, search_type, source, version)
         VALUES (gen_random_uuid(), $1, $2, $3, now(), date_trunc('month', now())::date, 'person', 'api', 1)`,
        [force, area, officer],
      );
    expect(await insert('E99999999', null, null)).toEqual({ code: '23503', constraint: 'fk_stop_searches_force' });
    expect(await insert(CITY, 'E99999999', null)).toEqual({ code: '23503', constraint: 'fk_stop_searches_area' });
    expect(await insert(CITY, null, '00000000-0000-4000-8000-000000000000')).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_officer',
    });
    // A statement of many rows, one of them bad, fails as a whole.
    const [{ n }] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches`)) as { n: number }[];
    expect(
      await error(
        `INSERT INTO stop_searches (id, force_code, area_code, occurred_at, period, search_type, source, version)
         SELECT gen_random_uuid(), $1, CASE WHEN g = 500 THEN 'E99999999' END, now(), date_trunc('month', now())::date, 'person', 'api', 1
         FROM generate_series(1, 1000) g`,
        [CITY],
      ),
    ).toEqual({ code: '23503', constraint: 'fk_stop_searches_area' });
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches`)).toEqual([{ n }]);

    // Updates are checked too; what stop searches reference cannot be deleted or re-keyed.
    const [{ id }] = (await t.dataSource.query(`SELECT id FROM stop_searches WHERE force_code = $1 LIMIT 1`, [
      CITY,
    ])) as { id: string }[];
    expect(await error(`UPDATE stop_searches SET area_code = 'E99999999' WHERE id = $1`, [id])).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_area',
    });
    expect(await error(`DELETE FROM areas WHERE code = $1`, [CITY])).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_force',
    });
    const [{ officer }] = (await t.dataSource.query(
      `INSERT INTO officers (reference, force_code) VALUES ('PC-REF-1', $1) RETURNING id AS officer`,
      [CITY],
    )) as { officer: string }[];
    await t.dataSource.query(`UPDATE stop_searches SET officer_id = $2 WHERE id = $1`, [id, officer]);
    expect(await error(`DELETE FROM officers WHERE id = $1`, [officer])).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_officer',
    });
    expect(await error(`UPDATE officers SET id = gen_random_uuid() WHERE id = $1`, [officer])).toEqual({
      code: '23503',
      constraint: 'fk_stop_searches_officer',
    });
    await t.dataSource.query(`UPDATE stop_searches SET officer_id = NULL WHERE id = $1`, [id]);
    await t.dataSource.query(`DELETE FROM officers WHERE id = $1`, [officer]);
  });
});
