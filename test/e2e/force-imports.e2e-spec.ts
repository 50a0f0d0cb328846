import * as fs from 'node:fs';
import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { InProcessJobQueue, JobQueue, RecurringJobs } from '@scrutiny/jobs';
import { loadConfig, londonMonth } from '@scrutiny/core';
import {
  AGE_RANGES,
  ImportsService,
  LEGISLATION,
  londonMonthOfUtc,
  OBJECTS_OF_SEARCH,
  OFFICER_DEFINED,
  OUTCOMES,
  POLICE_UK_COLUMNS,
  SEARCH_TYPES,
  STOP_SEARCH_TEMPLATE_COLUMNS,
  templateColumns,
  USE_OF_FORCE,
  VEHICLE_STOP,
  BWV_CLIP_COLUMNS,
} from '@scrutiny/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const LANCASHIRE = 'E23000003';
const TEAMS = ['LAN-T1', 'LAN-T2', 'LAN-T3', 'LAN-T4', 'LAN-T5'];
/** Lancashire's local authorities (rows give an area code; none has coordinates, so placement does not apply). */
const AREAS = ['E07000117', 'E07000118', 'E07000123', 'E07000120', 'E07000127'];
const SELF = ['W1', 'W9', 'B1', 'B2', 'A2', 'A4', 'M1', 'O9'];

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (header: readonly string[], rows: Record<string, string>[]) =>
  [header.join(','), ...rows.map((r) => header.map((c) => csvCell(r[c] ?? '')).join(','))].join('\n') + '\n';

/** The i-th generated row of the force's export: officer, team, supervisor, grounds (with commas and quotes), clips. */
function generated(i: number): Record<string, string> {
  const team = i % TEAMS.length;
  const officer = `PC-L${team}-${(i >> 3) % 10}`;
  const day = 1 + (i % 29);
  const second = i % 86_000;
  const at = new Date(Date.UTC(2024, 2, day, 0, 30) + second * 1000).toISOString();
  return {
    reference: `SS-2024-${String(i).padStart(5, '0')}`,
    occurred_at: at,
    area_code: AREAS[i % AREAS.length],
    officer_reference: officer,
    team_code: TEAMS[team],
    supervisor: `sgt-t${team + 1}`,
    search_type: SEARCH_TYPES[i % SEARCH_TYPES.length],
    legislation: LEGISLATION[i % 3],
    object_of_search: OBJECTS_OF_SEARCH[i % 3],
    grounds: `Seen passing a package, "smelt of cannabis" (row ${i})`,
    outcome: OUTCOMES[i % 3],
    outcome_linked_to_object: ['yes', 'no', ''][i % 3],
    clothing_removed: i % 97 === 0 ? 'yes' : 'no',
    part_of_operation: i % 50 === 0 ? 'yes' : 'no',
    operation_name: i % 50 === 0 ? 'Op Nightjar' : '',
    gender: ['male', 'female'][i % 2],
    age_range: AGE_RANGES[1 + (i % 4)],
    self_defined_ethnicity: SELF[i % SELF.length],
    officer_defined_ethnicity: OFFICER_DEFINED[i % OFFICER_DEFINED.length],
    subject_reference: i % 4 === 0 ? `SUBJ-${i % 400}` : '',
    s60_authorisation_id: '',
    bwv_activated_before_encounter: ['yes', 'no', ''][i % 3],
    bwv_clip_references: i % 3 === 0 ? `CLIP-${i}-A;CLIP-${i}-B` : '',
  };
}

const GENERATED = 10_000;

describe('the force’s own records, imported in bulk (e2e)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  let imports: ImportsService;
  let rows: Record<string, string>[];

  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
      JOB_ATTEMPTS: '1',
    });
    token.admin = await tokenFor(t, 'admin');
    token.psd = await tokenFor(t, 'professional_standards');
    for (const [i, team] of TEAMS.entries()) {
      const username = `sgt-t${i + 1}`;
      await t
        .http()
        .post('/api/v1/users')
        .set(as('admin'))
        .send({ username, roles: ['supervisor'], teams: [team], password: 'a long enough passphrase' })
        .expect(201);
      token[username] = (
        await t.http().post('/api/v1/auth/login').send({ username, password: 'a long enough passphrase' }).expect(200)
      ).body.accessToken;
    }
    imports = t.app.get(ImportsService);
    rows = Array.from({ length: GENERATED }, (_, i) => generated(i));
  }, 120_000);
  afterAll(() => t.close());

  const upload = (format: string, force: string, content: string | Buffer, filename: string) =>
    t
      .http()
      .post('/api/v1/imports')
      .set(as('admin'))
      .field('format', format)
      .field('force', force)
      .attach('file', Buffer.from(content), filename);
  const finished = async (id: string) => {
    await t.app.get(InProcessJobQueue).idle();
    return (await t.http().get(`/api/v1/imports/${id}`).set(as('admin')).expect(200)).body;
  };
  const importNow = async (format: string, force: string, content: string | Buffer, filename: string) =>
    finished((await upload(format, force, content, filename).expect(202)).body.id);
  const count = async (sql: string, params: unknown[] = []) =>
    ((await t.dataSource.query(sql, params)) as { n: number }[])[0].n;

  it('imports a force template of 10,000 generated rows exactly: officers, teams, supervisors, grounds, clips', async () => {
    const result = await importNow('stop-searches', 'lancashire', csv(STOP_SEARCH_TEMPLATE_COLUMNS, rows), 'march.csv');
    expect(result).toMatchObject({
      status: 'completed',
      format: 'stop-searches',
      rowsRead: GENERATED,
      rowsImported: GENERATED,
      rowsUpdated: 0,
      rowsDuplicate: 0,
      rowsRejected: 0,
      rejected: [],
    });
    expect(await count(`SELECT count(*)::int AS n FROM stop_searches WHERE import_id = $1`, [result.id])).toBe(
      GENERATED,
    );
    // Every row as written: one query comparing each stored record with its generated row.
    const stored = (await t.dataSource.query(
      `SELECT s.source_reference, s.occurred_at, s.area_code, o.reference AS officer, s.team_code, u.username AS supervisor, s.grounds,
         s.self_defined_ethnicity, s.bwv_activated_before_encounter,
         coalesce((SELECT string_agg(b.reference, ';' ORDER BY b.reference) FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id
                   WHERE l.case_kind = 'stop_search' AND l.case_id = s.id), '') AS clips
       FROM stop_searches s JOIN officers o ON o.id = s.officer_id LEFT JOIN users u ON u.id = o.supervisor_user_id
       WHERE s.import_id = $1 ORDER BY s.source_reference`,
      [result.id],
    )) as Record<string, unknown>[];
    expect(stored).toHaveLength(GENERATED);
    stored.forEach((s, i) => {
      const r = rows[i];
      const expected = {
        source_reference: r.reference,
        occurred_at: new Date(r.occurred_at),
        area_code: r.area_code,
        officer: r.officer_reference,
        team_code: r.team_code,
        supervisor: r.supervisor,
        grounds: r.grounds,
        self_defined_ethnicity: r.self_defined_ethnicity,
        bwv_activated_before_encounter: r.bwv_activated_before_encounter
          ? r.bwv_activated_before_encounter === 'yes'
          : null,
        clips: r.bwv_clip_references,
      };
      if (JSON.stringify(s) !== JSON.stringify(expected)) expect(s).toEqual(expected);
    });
    expect(
      await count(`SELECT count(*)::int AS n FROM officers WHERE force_code = $1 AND reference LIKE 'PC-L%'`, [
        LANCASHIRE,
      ]),
    ).toBe(50);
    expect(await count(`SELECT count(*)::int AS n FROM bwv_clips WHERE reference LIKE 'CLIP-%'`)).toBe(
      2 * Math.ceil(GENERATED / 3),
    );
  }, 180_000);

  it('lets a supervisor of one team see exactly that team’s records, draw a non-empty sample of them, and shows one funnel point per team', async () => {
    const mine = rows.filter((r) => r.team_code === 'LAN-T3');
    const seen = (await t.http().get('/api/v1/stop-searches?limit=200').set(as('sgt-t3')).expect(200)).body;
    expect(seen.total).toBe(mine.length);
    expect(new Set(seen.items.map((i: { teamCode: string }) => i.teamCode))).toEqual(new Set(['LAN-T3']));
    const plan = (
      await t
        .http()
        .post('/api/v1/sampling-plans')
        .set(as('psd'))
        .send({
          name: 'LAN-T3 monthly',
          spec: {
            kinds: ['stop_search'],
            teams: ['LAN-T3'],
            sampleSize: 6,
            strata: ['power'],
            rules: [],
            reviewDueDays: 10,
            exclusions: { alreadySampled: false },
          },
        })
        .expect(201)
    ).body;
    const sample = (
      await t
        .http()
        .post('/api/v1/dip-samples')
        .set(as('sgt-t3'))
        .send({ period: '2024-03', planId: plan.id, seed: 'lan-t3' })
        .expect(201)
    ).body;
    expect(sample.eligibleCount).toBe(mine.length);
    expect(sample.items.length).toBeGreaterThan(0);
    const drawn = sample.items.map((i: { recordId: string }) => i.recordId);
    expect(
      await count(`SELECT count(*)::int AS n FROM stop_searches WHERE id = ANY($1::uuid[]) AND team_code = 'LAN-T3'`, [
        drawn,
      ]),
    ).toBe(drawn.length);
    const funnel = (
      await t
        .http()
        .get('/api/v1/disproportionality/funnel?from=2024-03&to=2024-03&area=lancashire')
        .set(as('psd'))
        .expect(200)
    ).body;
    expect(funnel.units.map((u: { unit: string }) => u.unit).sort()).toEqual(TEAMS);
  });

  it('re-imports GET /stop-searches/export.csv?format=template as exact duplicates (the force’s rows and police.uk rows)', async () => {
    const city = await imports.importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
    expect(city).toMatchObject({ status: 'completed', rowsImported: 101 });
    for (const [area, force, expected] of [
      ['lancashire', 'lancashire', GENERATED],
      ['city-of-london', 'city-of-london', 101],
    ] as const) {
      const exported = await t
        .http()
        .get(`/api/v1/stop-searches/export.csv?format=template&area=${area}`)
        .set(as('psd'))
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        })
        .expect(200);
      const text = exported.body as string;
      expect(text.split('\n')[0]).toBe(STOP_SEARCH_TEMPLATE_COLUMNS.join(','));
      const before = await count(`SELECT count(*)::int AS n FROM stop_searches`);
      const again = await importNow('stop-searches', force, text, `export-${area}.csv`);
      expect(again).toMatchObject({
        status: 'completed',
        rowsRead: expected,
        rowsImported: 0,
        rowsUpdated: 0,
        rowsDuplicate: expected,
        rowsRejected: 0,
      });
      expect(await count(`SELECT count(*)::int AS n FROM stop_searches`)).toBe(before);
    }
  }, 180_000);

  it('updates a record whose reference is re-imported with changes in place: reported, audited, and the rollup moves', async () => {
    // The figures come from the rollup the triggers keep: read them through the API, as everyone does.
    const rollup = async (group: string) => {
      const res = await t
        .http()
        .get('/api/v1/disproportionality?from=2024-03&to=2024-03&area=lancashire&basis=officer')
        .set(as('psd'))
        .expect(200);
      return (res.body.groups as { group: string; count: number }[]).find((g) => g.group === group)!.count;
    };
    const direct = (group: string) =>
      count(
        `SELECT count(*)::int AS n FROM stop_searches WHERE force_code = $1 AND period = '2024-03-01' AND officer_defined_ethnicity = $2`,
        [LANCASHIRE, group],
      );
    const changedEthnicity = rows.find((r) => r.officer_defined_ethnicity === 'white')!;
    const changedOutcome = rows[6]; // no_further_action
    const newClip = rows[7];
    const unchanged = rows[10];
    const [whiteBefore, blackBefore] = [await rollup('white'), await rollup('black')];
    const corrected = [
      { ...changedEthnicity, officer_defined_ethnicity: 'black' },
      { ...changedOutcome, outcome: 'arrest', grounds: 'Corrected grounds' },
      { ...newClip, bwv_clip_references: 'CLIP-LATE-1' },
      unchanged,
    ];
    const result = await importNow(
      'stop-searches',
      'lancashire',
      csv(STOP_SEARCH_TEMPLATE_COLUMNS, corrected),
      'fix.csv',
    );
    expect(result).toMatchObject({ rowsRead: 4, rowsImported: 0, rowsUpdated: 3, rowsDuplicate: 1, rowsRejected: 0 });
    expect(await rollup('white')).toBe(whiteBefore - 1);
    expect(await rollup('black')).toBe(blackBefore + 1);
    expect(await rollup('black')).toBe(await direct('black'));
    expect(await rollup('white')).toBe(await direct('white'));
    const [record] = await t.dataSource.query(
      `SELECT id, outcome, grounds, version FROM stop_searches WHERE force_code = $1 AND source_reference = $2`,
      [LANCASHIRE, changedOutcome.reference],
    );
    expect(record).toMatchObject({ outcome: 'arrest', grounds: 'Corrected grounds', version: 2 });
    const events = (await t.dataSource.query(
      `SELECT target_id, before, after, details FROM audit_events WHERE action = 'stop_search.updated' AND details->>'importId' = $1 ORDER BY seq`,
      [result.id],
    )) as { target_id: string; before: Record<string, unknown>; after: Record<string, unknown> }[];
    expect(events).toHaveLength(3);
    expect(events.find((e) => e.target_id === record.id)).toMatchObject({
      before: { outcome: changedOutcome.outcome, grounds: changedOutcome.grounds },
      after: { outcome: 'arrest', grounds: 'Corrected grounds' },
    });
    expect(events.some((e) => (e.after.bwv_clip_references as string[])?.includes('CLIP-LATE-1'))).toBe(true);
    expect(
      events.some(
        (e) => e.before.officer_defined_ethnicity === 'white' && e.after.officer_defined_ethnicity === 'black',
      ),
    ).toBe(true);
    // The same corrections again change nothing.
    const again = await importNow(
      'stop-searches',
      'lancashire',
      csv(STOP_SEARCH_TEMPLATE_COLUMNS, corrected),
      'fix-2.csv',
    );
    expect(again).toMatchObject({ rowsImported: 0, rowsUpdated: 0, rowsDuplicate: 4 });
  });

  it('does not move an existing officer to another team, takes another force’s reference as this force’s own officer, and rejects an unknown supervisor', async () => {
    await t.dataSource.query(
      `INSERT INTO officers (reference, force_code, team_code) VALUES ('PC-CITY-1', 'E23000034', 'CITY-A')`,
    );
    const moving: Record<string, string> = { ...generated(20_001), officer_reference: 'PC-L0-0', team_code: 'LAN-T2' };
    const foreign: Record<string, string> = { ...generated(20_002), officer_reference: 'PC-CITY-1' };
    const stranger = { ...generated(20_003), supervisor: 'nobody-at-all' };
    const result = await importNow(
      'stop-searches',
      'lancashire',
      csv(STOP_SEARCH_TEMPLATE_COLUMNS, [moving, foreign, stranger]),
      'officers.csv',
    );
    expect(result).toMatchObject({ rowsImported: 2, rowsRejected: 1 });
    expect(result.rejected).toEqual([
      { line: 4, field: 'supervisor', reason: '"nobody-at-all" is not an active user with the supervisor role' },
    ]);
    // References are unique per force: Lancashire's PC-CITY-1 is a new officer, the City's is left as it was.
    expect(
      await t.dataSource.query(
        `SELECT force_code, team_code FROM officers WHERE reference = 'PC-CITY-1' ORDER BY force_code`,
      ),
    ).toEqual([
      { force_code: LANCASHIRE, team_code: foreign.team_code },
      { force_code: 'E23000034', team_code: 'CITY-A' },
    ]);
    const [officer] = await t.dataSource.query(`SELECT team_code FROM officers WHERE reference = 'PC-L0-0'`);
    expect(officer.team_code).toBe('LAN-T1');
    const [record] = await t.dataSource.query(`SELECT team_code FROM stop_searches WHERE source_reference = $1`, [
      moving.reference,
    ]);
    expect(record.team_code).toBe('LAN-T2');
  });

  it('imports the BWV clip register: completes clips known from records, links clips to records by reference, and reports clips whose record is unknown', async () => {
    const register = [
      {
        reference: 'CLIP-0-A',
        device_id: 'AXON-0042',
        officer_reference: 'PC-L0-0',
        recorded_at: '2024-03-01T00:31:00Z',
        duration_seconds: '312',
        retention_expires_at: '2024-04-30T00:00:00Z',
        status: 'evidential',
        record_references: rows[0].reference,
      },
      {
        reference: 'BWV-NEW-1',
        device_id: 'AXON-0043',
        officer_reference: 'PC-L1-0',
        recorded_at: '2024-03-02T10:00:00Z',
        duration_seconds: '60',
        retention_expires_at: '',
        status: 'available',
        record_references: `${rows[1].reference};${rows[2].reference}`,
      },
      {
        reference: 'BWV-NEW-2',
        recorded_at: '2024-03-03T10:00:00Z',
        status: 'on_hold',
        record_references: 'SS-NOT-HERE',
      },
      {
        reference: 'BWV-NEW-3',
        recorded_at: '2024-03-04T10:00:00Z',
        record_references: `${rows[4].reference};SS-NOPE-1;SS-NOPE-2`,
      },
      { reference: 'BWV-BAD-DATE', recorded_at: '2024-02-30T10:00:00Z', record_references: rows[5].reference },
    ] as Record<string, string>[];
    const result = await importNow('bwv-clips', 'lancashire', csv(BWV_CLIP_COLUMNS, register), 'clips.csv');
    expect(result).toMatchObject({
      format: 'bwv-clips',
      rowsRead: 5,
      rowsImported: 3,
      rowsUpdated: 1,
      rowsDuplicate: 0,
      rowsRejected: 1,
      rowsWithNotices: 2,
    });
    expect(result.rejected).toEqual([{ line: 6, field: 'recorded_at', reason: expect.stringContaining('real date') }]);
    expect(result.notices).toEqual([
      {
        line: 4,
        field: 'record_references',
        reason: 'record reference SS-NOT-HERE is not known for this force: the clip is imported without that link',
      },
      {
        line: 5,
        field: 'record_references',
        reason:
          'record references SS-NOPE-1, SS-NOPE-2 are not known for this force: the clip is imported without those links',
      },
    ]);
    const links = async (clip: string) =>
      (
        (await t.dataSource.query(
          `SELECT s.source_reference FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id JOIN stop_searches s ON s.id = l.case_id
           WHERE b.reference = $1 ORDER BY 1`,
          [clip],
        )) as { source_reference: string }[]
      ).map((r) => r.source_reference);
    expect(await links('CLIP-0-A')).toEqual([rows[0].reference]);
    expect(await links('BWV-NEW-1')).toEqual([rows[1].reference, rows[2].reference]);
    expect(await links('BWV-NEW-2')).toEqual([]);
    expect(await links('BWV-NEW-3')).toEqual([rows[4].reference]);
    const [clip] = await t.dataSource.query(
      `SELECT device_id, duration_seconds, status, retention_expires_at FROM bwv_clips WHERE reference = 'CLIP-0-A'`,
    );
    expect(clip).toMatchObject({ device_id: 'AXON-0042', duration_seconds: 312, status: 'evidential' });
    expect(
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'bwv.updated' AND details->>'importId' = $1`,
          [result.id],
        )
      )[0].n,
    ).toBe(1);
    // The register again adds nothing; a record naming the unlinked clip later links it.
    const again = await importNow('bwv-clips', 'lancashire', csv(BWV_CLIP_COLUMNS, register), 'clips-again.csv');
    expect(again).toMatchObject({ rowsImported: 0, rowsUpdated: 0, rowsDuplicate: 4, rowsRejected: 1 });
    const later = { ...generated(30_000), reference: 'SS-NOT-HERE', bwv_clip_references: 'BWV-NEW-2' };
    await importNow('stop-searches', 'lancashire', csv(STOP_SEARCH_TEMPLATE_COLUMNS, [later]), 'late-record.csv');
    expect(await links('BWV-NEW-2')).toEqual(['SS-NOT-HERE']);
    const [held] = await t.dataSource.query(`SELECT status FROM bwv_clips WHERE reference = 'BWV-NEW-2'`);
    expect(held.status).toBe('on_hold');
  });

  it('counts the same police.uk rows imported under another file name as duplicates', async () => {
    const content = fs.readFileSync(FIXTURE);
    // The City's December 2017 is already in (the export test): under another name, a name naming another month.
    for (const name of ['stop-search-export-2019-06-01.csv', 'city.csv']) {
      const again = await importNow('police-uk', 'city-of-london', content, name);
      expect(again).toMatchObject({ status: 'completed', rowsRead: 101, rowsImported: 0, rowsDuplicate: 101 });
    }
    expect(await count(`SELECT count(*)::int AS n FROM stop_searches WHERE force_code = 'E23000034'`)).toBe(101);
    // A row's key holds its own Europe/London month: the fast rule agrees with the time-zone database.
    for (let at = Date.UTC(2016, 0, 1); at < Date.UTC(2026, 0, 1); at += 3_600_000 * 7) {
      const iso = new Date(at).toISOString();
      if (londonMonthOfUtc(iso) !== londonMonth(new Date(at)))
        expect([iso, londonMonthOfUtc(iso)]).toEqual([iso, londonMonth(new Date(at))]);
    }
    for (const iso of [
      '2018-03-31T23:30:00.000Z',
      '2018-10-31T23:30:00.000Z',
      '2024-02-29T23:30:00.000Z',
      '2024-09-30T23:59:59.000Z',
    ])
      expect(londonMonthOfUtc(iso)).toBe(londonMonth(new Date(iso)));
  });

  it('rejects an impossible date (2017-02-31) by line in every format, never filing it under the next month', async () => {
    const policeUk = [
      POLICE_UK_COLUMNS.join(','),
      'Person search,2017-02-31T10:00:00+00:00,False,,,,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False',
      'Person search,2017-02-28T10:00:00+00:00,False,,,,Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False',
    ].join('\n');
    const vehicle = csv(templateColumns(VEHICLE_STOP), [
      { reference: 'VS-BAD', occurred_at: '2017-02-31T10:00:00Z', reason: 'moving_traffic_offence' },
      { reference: 'VS-GOOD', occurred_at: '2017-02-28T10:00:00Z', reason: 'moving_traffic_offence' },
    ]);
    const force = csv(templateColumns(USE_OF_FORCE), [
      { reference: 'UOF-BAD', occurred_at: '2017-02-31T10:00:00Z', tactics: 'unarmed_skills:yes' },
      { reference: 'UOF-GOOD', occurred_at: '2017-02-28T10:00:00Z', tactics: 'unarmed_skills:yes' },
    ]);
    const searches = csv(STOP_SEARCH_TEMPLATE_COLUMNS, [
      { reference: 'SS-BAD', occurred_at: '2017-02-31T10:00:00Z', search_type: 'person' },
      { reference: 'SS-GOOD', occurred_at: '2017-02-28T10:00:00Z', search_type: 'person' },
    ]);
    const clips = csv(BWV_CLIP_COLUMNS, [
      { reference: 'BWV-BAD', recorded_at: '2017-02-31T10:00:00Z' },
      { reference: 'BWV-GOOD', recorded_at: '2017-02-28T10:00:00Z' },
    ]);
    for (const [format, content, field] of [
      ['police-uk', policeUk, 'Date'],
      ['vehicle-stops', vehicle, 'occurred_at'],
      ['use-of-force', force, 'occurred_at'],
      ['stop-searches', searches, 'occurred_at'],
      ['bwv-clips', clips, 'recorded_at'],
    ] as const) {
      const result = await importNow(format, 'lancashire', content, `${format}-dates.csv`);
      expect([format, result.rowsImported, result.rowsRejected, result.rejected]).toEqual([
        format,
        1,
        1,
        [{ line: 2, field, reason: expect.any(String) }],
      ]);
    }
    for (const table of ['stop_searches', 'vehicle_stops', 'use_of_force_reports'])
      expect(
        await count(`SELECT count(*)::int AS n FROM ${table} WHERE force_code = $1 AND period = '2017-03-01'`, [
          LANCASHIRE,
        ]),
      ).toBe(0);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM bwv_clips WHERE recorded_at >= '2017-03-01' AND recorded_at < '2017-04-01'`,
      ),
    ).toBe(0);
  });

  it('imports the documented examples (docs/csv-templates/stop-searches.csv, then bwv-clips.csv) as they stand', async () => {
    const docs = path.join(__dirname, '../../docs/csv-templates');
    const read = (name: string) => fs.readFileSync(path.join(docs, name));
    expect(await importNow('use-of-force', 'lancashire', read('use-of-force.csv'), 'use-of-force.csv')).toMatchObject({
      rowsImported: 2,
      rowsRejected: 0,
    });
    expect(
      await importNow('stop-searches', 'lancashire', read('stop-searches.csv'), 'stop-searches.csv'),
    ).toMatchObject({
      status: 'completed',
      rowsRead: 3,
      rowsImported: 3,
      rowsRejected: 0,
    });
    // The three clips the searches name were recorded from them; the register completes them and adds the fourth.
    expect(await importNow('bwv-clips', 'lancashire', read('bwv-clips.csv'), 'bwv-clips.csv')).toMatchObject({
      status: 'completed',
      rowsRead: 4,
      rowsImported: 1,
      rowsUpdated: 3,
      rowsRejected: 0,
      rowsWithNotices: 0,
    });
    expect(
      await count(
        `SELECT count(*)::int AS n FROM bwv_clip_links l JOIN bwv_clips b ON b.id = l.clip_id WHERE b.reference LIKE 'EVD-2024-%'`,
      ),
    ).toBe(5);
  });

  it('lists imports with filters, a cursor and totals', async () => {
    const all = (await t.http().get('/api/v1/imports').set(as('admin')).expect(200)).body;
    const stored = await count(`SELECT count(*)::int AS n FROM imports`);
    expect(all.total).toBe(stored);
    const clipImports = (
      await t.http().get('/api/v1/imports?format=bwv-clips&force=lancashire').set(as('admin')).expect(200)
    ).body;
    expect(clipImports.total).toBe(await count(`SELECT count(*)::int AS n FROM imports WHERE format = 'bwv-clips'`));
    expect(
      clipImports.items.every(
        (i: { format: string; force: { policeUkId: string } }) =>
          i.format === 'bwv-clips' && i.force.policeUkId === 'lancashire',
      ),
    ).toBe(true);
    expect(clipImports.items[0]).toMatchObject({
      rowsWithNotices: expect.any(Number),
      rowsUpdated: expect.any(Number),
    });
    expect(clipImports.items[0]).not.toHaveProperty('rejected');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; createdAt: string }[]; nextCursor: string | null; total: number } = (
        await t
          .http()
          .get(`/api/v1/imports?status=completed&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .set(as('admin'))
          .expect(200)
      ).body;
      expect(page.total).toBe(await count(`SELECT count(*)::int AS n FROM imports WHERE status = 'completed'`));
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(await count(`SELECT count(*)::int AS n FROM imports WHERE status = 'completed'`));
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (await t.http().get(`/api/v1/imports?from=${today}&to=${today}`).set(as('admin')).expect(200)).body.total,
    ).toBe(stored);
    expect((await t.http().get(`/api/v1/imports?to=2000-01-01`).set(as('admin')).expect(200)).body.total).toBe(0);
    for (const [query, field] of [
      ['status=sleeping', 'status'],
      ['from=2024-02-30', 'from'],
      ['from=2024-03-02&to=2024-03-01', 'to'],
      ['cursor=nonsense', 'cursor'],
      ['force=atlantis', 'force'],
    ]) {
      const bad = await t.http().get(`/api/v1/imports?${query}`).set(as('admin')).expect(400);
      expect([query, bad.body.errors.map((e: { field: string }) => e.field)]).toEqual([query, [field]]);
    }
    await t.http().get('/api/v1/imports').set(as('psd')).expect(403);
  });

  it('sweeps an import saved but never queued within a minute: queued again with its file, failed without it', async () => {
    const queue = t.app.get(JobQueue);
    const refuse = jest.spyOn(queue, 'enqueue').mockRejectedValueOnce(new Error('queue unreachable'));
    const saved = (
      await upload('police-uk', 'city-of-london', fs.readFileSync(FIXTURE), 'saved-not-queued.csv').expect(202)
    ).body;
    refuse.mockRestore();
    expect(saved.status).toBe('queued');
    await t.app.get(InProcessJobQueue).idle();
    expect((await t.http().get(`/api/v1/imports/${saved.id}`).set(as('admin')).expect(200)).body.status).toBe('queued');
    const [lost] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('police-uk', 'E23000034', 'lost.csv', 'queued') RETURNING id`,
    );
    // Not yet: a just-saved import may be on its way to the queue.
    expect(await imports.sweepStranded()).toEqual({ requeued: [], failed: [] });
    await t.dataSource.query(
      `UPDATE imports SET created_at = now() - interval '30 seconds' WHERE id = ANY($1::uuid[])`,
      [[saved.id, lost.id]],
    );
    expect(await imports.sweepStranded()).toEqual({ requeued: [saved.id], failed: [lost.id] });
    expect(await finished(saved.id)).toMatchObject({ status: 'completed', rowsRead: 101, rowsDuplicate: 101 });
    expect((await t.http().get(`/api/v1/imports/${lost.id}`).set(as('admin')).expect(200)).body).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('upload it again'),
    });
    // The sweep runs on a schedule of its own, by default well within a minute.
    const schedule = t.app
      .get(RecurringJobs, { strict: false })
      .schedules()
      .find((s) => s.def.name === 'sweep-stranded');
    expect(schedule?.def.queue).toBe('imports');
    expect(schedule!.everyMs(loadConfig({ NODE_ENV: 'test' }))).toBeLessThanOrEqual(30_000);
  });
});
