import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { InProcessJobQueue, JobQueue } from '@scrutiny/jobs';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import {
  Import,
  importPoliceUkCsv,
  ImportRecovery,
  ImportsService,
  LegacyPoliceUkImportJob,
  POLICE_UK_COLUMNS,
} from '@scrutiny/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const HEADER = POLICE_UK_COLUMNS.join(',');
const good = (date = '2018-03-31T23:30:00+00:00', outcome = 'Arrest') =>
  `Person search,${date},False,,51.51,-0.09,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,${outcome},True,False`;
/** A row whose point is in Kent (Maidstone), for imports into Kent: a point in another force is rejected. */
const inKent = (date: string) => good(date).replace('51.51,-0.09', '51.272,0.529');

describe('police.uk import', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', JOB_ATTEMPTS: '1' });
    admin = await tokenFor(t, 'admin');
  });
  afterAll(() => t.close());

  const upload = (content: Buffer | string, filename: string, force = 'city-of-london') =>
    t
      .http()
      .post('/api/v1/imports')
      .set('authorization', `Bearer ${admin}`)
      .field('format', 'police-uk')
      .field('force', force)
      .attach('file', Buffer.from(content), filename);
  const finished = async (id: string) => {
    await t.app.get(InProcessJobQueue).idle();
    return (await t.http().get(`/api/v1/imports/${id}`).set('authorization', `Bearer ${admin}`).expect(200)).body;
  };

  it('imports a real monthly file through the queue, then re-importing it adds nothing', async () => {
    const queued = await upload(fs.readFileSync(FIXTURE), path.basename(FIXTURE)).expect(202);
    expect(queued.body).toMatchObject({
      sourceMonth: '2017-12',
      force: { code: 'E23000034', policeUkId: 'city-of-london' },
    });
    expect(['queued', 'running']).toContain(queued.body.status); // the in-process job may already have started
    expect(await finished(queued.body.id)).toMatchObject({
      status: 'completed',
      rowsRead: 101,
      rowsImported: 101,
      rowsDuplicate: 0,
      rowsRejected: 0,
      rejected: [],
    });
    const again = await upload(fs.readFileSync(FIXTURE), path.basename(FIXTURE)).expect(202);
    expect(await finished(again.body.id)).toMatchObject({
      status: 'completed',
      rowsRead: 101,
      rowsImported: 0,
      rowsDuplicate: 101,
    });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034'`,
    );
    expect(n).toBe(101);
    const chunks = await t.dataSource.query(`SELECT count(*)::int AS n FROM import_file_chunks`);
    expect(chunks[0].n).toBe(0);
  });

  it('keeps every one of a group of identical rows (people searched together), and only once', async () => {
    const csv = [
      HEADER,
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T11:00:00+00:00'),
    ].join('\n');
    const first = await finished((await upload(csv, '2018-05-group.csv').expect(202)).body.id);
    expect(first).toMatchObject({ rowsRead: 4, rowsImported: 4, rowsDuplicate: 0 });
    // The same month again with one more identical row: only the fourth occurrence is new.
    const more = [
      HEADER,
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T10:00:00+00:00'),
      good('2018-05-02T10:00:00+00:00'),
    ].join('\n');
    expect(await finished((await upload(more, '2018-05-group-again.csv').expect(202)).body.id)).toMatchObject({
      rowsImported: 1,
      rowsDuplicate: 3,
    });
  });

  it('imports the good rows of a damaged file and reports each bad row by line, column and reason', async () => {
    const lines = [
      HEADER, // 1
      good(), // 2
      good().split(',').slice(0, 12).join(','), // 3: too few columns
      good('31/03/2018 23:30'), // 4: bad date
      good(undefined, 'Sent to the moon'), // 5: unknown vocabulary
      good(), // 6 (identical to line 2: a second search)
      'Person search,2018-03-01T10:00:00+00:00,False,,51.5,-0.1,M\u0000\u0001le,18-24,,,,,,,', // 7: binary garbage
      '', // blank line, skipped
      good('2018-04-01T09:00:00+00:00', 'Suspect arrested'), // 9: old wording, fine
    ];
    const bytes = Buffer.concat([
      Buffer.from(lines.join('\r\n')),
      Buffer.from([0x0d, 0x0a, 0xff, 0xfe, 0x2c, 0x80, 0x0d, 0x0a]),
    ]); // 10: invalid UTF-8
    const result = await finished((await upload(bytes, 'damaged.csv').expect(202)).body.id);
    expect(result).toMatchObject({ status: 'completed', rowsRead: 8, rowsImported: 3, rowsRejected: 5 });
    expect(result.rejected).toEqual([
      { line: 3, field: '(row)', reason: 'expected 15 columns, found 12' },
      { line: 4, field: 'Date', reason: '"31/03/2018 23:30" is not an ISO 8601 date-time with offset' },
      { line: 5, field: 'Outcome', reason: 'unknown value "Sent to the moon"' },
      { line: 7, field: 'Gender', reason: 'contains binary data or characters that are not valid UTF-8' },
      { line: 10, field: '(row)', reason: 'expected 15 columns, found 2' },
    ]);
  });

  it('files each search under its Europe/London month (police.uk dates are UTC)', async () => {
    const id = (
      await upload(
        [
          HEADER,
          good('2018-03-31T23:30:00+00:00', 'Caution (simple or conditional)'),
          good('2018-01-31T23:30:00+00:00', 'Caution (simple or conditional)'),
        ].join('\n'),
        'tz.csv',
      ).expect(202)
    ).body.id;
    await finished(id);
    const rows = await t.dataSource.query(
      `SELECT to_char(period, 'YYYY-MM') AS period FROM stop_searches WHERE import_id = $1 ORDER BY occurred_at`,
      [id],
    );
    // 23:30 UTC on 31 January is still January in London (GMT); on 31 March it is 00:30 BST on 1 April.
    expect(rows.map((r: { period: string }) => r.period)).toEqual(['2018-01', '2018-04']);
  });

  it('refuses an empty file, a wrong header, an unknown force or format, or no file, naming the field', async () => {
    const empty = await upload('', 'empty.csv').expect(400);
    expect(empty.body.errors).toEqual([{ field: 'file', message: 'the file is empty' }]);
    const header = await upload('Crime ID,Month,Reported by\n1,2,3', 'crimes.csv').expect(400);
    expect(header.body.errors[0]).toMatchObject({
      field: 'file',
      message: expect.stringContaining('not a data.police.uk stop-and-search file'),
    });
    const force = await upload(fs.readFileSync(FIXTURE), 'x.csv', 'atlantis').expect(400);
    expect(force.body.errors[0].field).toBe('force');
    const format = await t
      .http()
      .post('/api/v1/imports')
      .set('authorization', `Bearer ${admin}`)
      .field('format', 'excel')
      .field('force', 'kent')
      .attach('file', Buffer.from(HEADER), 'a.csv')
      .expect(400);
    expect(format.body.errors[0].field).toBe('format');
    const none = await t
      .http()
      .post('/api/v1/imports')
      .set('authorization', `Bearer ${admin}`)
      .field('format', 'police-uk')
      .field('force', 'kent')
      .expect(400);
    expect(none.body.errors[0].field).toBe('file');
  });

  it('imports from disk without the queue (the CLI path), reporting progress, and a second run adds nothing', async () => {
    const service = t.app.get(ImportsService);
    const progress: number[][] = [];
    const first = await service.importFile(FIXTURE, 'police-uk', 'E23000034', SYSTEM_ACTOR, (rows, bytes) =>
      progress.push([rows, bytes]),
    );
    expect(first).toMatchObject({ status: 'completed', rowsRead: 101, sourceMonth: '2017-12' });
    expect(first.rowsImported + first.rowsDuplicate).toBe(101);
    expect(progress.at(-1)).toEqual([101, fs.statSync(FIXTURE).size]);
    expect(await service.importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR)).toMatchObject({
      rowsImported: 0,
      rowsDuplicate: 101,
    });
    const failed = await service.importFile(__filename, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
    expect(failed).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('not a data.police.uk stop-and-search file'),
    });
  });

  it('queues again, at start-up, an upload left queued by a stopped process', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, source_month, status) VALUES ('police-uk', 'E23000032', '2018-07-kent.csv', '2018-07', 'queued') RETURNING id`,
    );
    await t.dataSource.query(`INSERT INTO import_file_chunks (import_id, seq, data) VALUES ($1, 0, $2)`, [
      id,
      Buffer.from(`${HEADER}\n${inKent('2018-07-01T10:00:00+00:00')}\n`),
    ]);
    await t.app.get(ImportRecovery).requeueStranded();
    expect(await finished(id)).toMatchObject({ status: 'completed', rowsImported: 1 });
  });

  it('runs an import whose job was queued under the job’s old name (imports/police-uk) before an upgrade', async () => {
    expect(LegacyPoliceUkImportJob).toMatchObject({ queue: 'imports', name: 'police-uk', version: 1 });
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, source_month, status) VALUES ('police-uk', 'E23000032', '2018-08-kent.csv', '2018-08', 'queued') RETURNING id`,
    );
    await t.dataSource.query(`INSERT INTO import_file_chunks (import_id, seq, data) VALUES ($1, 0, $2)`, [
      id,
      Buffer.from(`${HEADER}\n${inKent('2018-08-01T10:00:00+00:00')}\n`),
    ]);
    await t.app.get(JobQueue).enqueue(LegacyPoliceUkImportJob, { importId: id }, { jobId: `import-${id}` });
    expect(await finished(id)).toMatchObject({ status: 'completed', rowsImported: 1 });
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM job_failures WHERE job_id = $1`, [`import-${id}`]),
    ).toEqual([{ n: 0 }]);
  });

  it('leaves nothing behind when a file fails part-way through', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('police-uk', 'E23000032', 'broken.csv', 'running') RETURNING id`,
    );
    const input = () =>
      Readable.from(
        (async function* () {
          yield `${HEADER}\n${good()}\n${good('2018-03-01T10:00:00+00:00', 'Arrest')}\nnot,enough\n`;
          throw new Error('the disk went away');
        })(),
      );
    const engine = t.app.get<OpenedDatabase>(OPENED_DATABASE).kind;
    await expect(
      importPoliceUkCsv(t.dataSource, { importId: id, forceCode: 'E23000032', sourceMonth: null, engine, input }),
    ).rejects.toThrow('the disk went away');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches WHERE import_id = $1`, [id])).toEqual(
      [{ n: 0 }],
    );
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM import_rejections WHERE import_id = $1`, [id]),
    ).toEqual([{ n: 0 }]);
    expect((await t.dataSource.getRepository(Import).findOneByOrFail({ id })).status).toBe('running');
  });
});
