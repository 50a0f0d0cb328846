import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { AuditService, SYSTEM_ACTOR } from '@scrutiny/audit';
import { OPENED_DATABASE, type OpenedDatabase } from '@scrutiny/database';
import { InProcessJobQueue } from '@scrutiny/jobs';
import {
  areaForces,
  importPoliceUkCsv,
  ImportsService,
  placeStoredRecords,
  POLICE_UK_COLUMNS,
} from '@scrutiny/records';
import { importCommand } from '../../apps/cli/commands/import.command';
import { UsageError } from '../../apps/cli/command';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURES = path.join(__dirname, '../fixtures/police-uk');
const ESSEX = path.join(FIXTURES, '2020-01-essex-stop-and-search.csv');
const MERSEYSIDE = path.join(FIXTURES, '2020-01-merseyside-stop-and-search.csv');
const TEMPLATES = path.join(__dirname, '../../docs/csv-templates');
const MERSEYSIDE_CODE = 'E23000004';
const ESSEX_CODE = 'E23000028';

/** The shipped district boundaries decoded here, with plain ray casting: an oracle independent of libs/places. */
const DISTRICTS = (() => {
  const file = path.join(__dirname, '../../libs/places/data/lad-2021-ew-bgc.topojson.json');
  const topo = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
  const fc = feature(topo, topo.objects.data as GeometryCollection<{ AREACD: string; PFA22CD: string }>);
  return fc.features.map((f) => ({
    code: f.properties.AREACD,
    force: f.properties.PFA22CD,
    polygons:
      f.geometry.type === 'Polygon'
        ? [f.geometry.coordinates]
        : f.geometry.type === 'MultiPolygon'
          ? f.geometry.coordinates
          : [],
  }));
})();

function districtOf(lat: number, lon: number): { code: string; force: string } | null {
  for (const d of DISTRICTS) {
    for (const rings of d.polygons) {
      let inside = false;
      for (const ring of rings) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i];
          const [xj, yj] = ring[j];
          if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) return d;
    }
  }
  return null;
}

/** Data rows of a police.uk file with their latitude and longitude (the fixtures quote no field). */
const dataRows = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(Boolean)
    .map((line) => ({ line, lat: line.split(',')[4], lon: line.split(',')[5] }));

describe('placement by coordinates, and nothing under the wrong force', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', JOB_ATTEMPTS: '1' });
    admin = await tokenFor(t, 'admin');
  });
  afterAll(() => t.close());

  const upload = (content: Buffer | string, filename: string, force: string, format = 'police-uk') =>
    t
      .http()
      .post('/api/v1/imports')
      .set('authorization', `Bearer ${admin}`)
      .field('format', format)
      .field('force', force)
      .attach('file', Buffer.from(content), filename);
  const finished = async (id: string) => {
    await t.app.get(InProcessJobQueue).idle();
    return (await t.http().get(`/api/v1/imports/${id}`).set('authorization', `Bearer ${admin}`).expect(200)).body;
  };
  const count = async (sql: string, params: unknown[] = []) => (await t.dataSource.query(sql, params))[0].n as number;

  it('refuses a file whose name names another force, before reading it (API 400, CLI usage error)', async () => {
    const res = await upload(fs.readFileSync(ESSEX), path.basename(ESSEX), 'merseyside').expect(400);
    expect(res.body.errors).toEqual([
      {
        field: 'file',
        message: expect.stringMatching(
          /^the file name "2020-01-essex-stop-and-search.csv" names Essex \(essex\), not Merseyside/,
        ),
      },
    ]);
    await expect(
      importCommand.run(['police-uk', ESSEX, '--force', 'merseyside'], {
        config: t.config,
        logger: undefined as never,
        out: () => undefined,
      }),
    ).rejects.toThrow(UsageError);
    await expect(
      t.app.get(ImportsService).importFile(ESSEX, 'police-uk', MERSEYSIDE_CODE, SYSTEM_ACTOR),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await count(`SELECT count(*)::int AS n FROM imports WHERE force_code = $1`, [MERSEYSIDE_CODE])).toBe(0);
  });

  it('fails an Essex file renamed and posted as Merseyside at once, naming Essex, and imports nothing', async () => {
    const queued = await upload(fs.readFileSync(ESSEX), 'january.csv', 'merseyside').expect(202);
    const result = await finished(queued.body.id);
    expect(result.status).toBe('failed');
    const [, inEssex, located] = /^this file appears to be for Essex \((\d+) of (\d+) located rows\), not Merseyside/
      .exec(result.error)!
      .map(Number);
    expect(inEssex / located).toBeGreaterThan(0.9);
    expect(located).toBeLessThan(195); // at once: before the file's 195 located rows were all read
    expect(await count(`SELECT count(*)::int AS n FROM stop_searches WHERE force_code = $1`, [MERSEYSIDE_CODE])).toBe(
      0,
    );
  });

  it('rejects by line the Essex rows injected into a Merseyside file, with the reason', async () => {
    const essexRows = dataRows(ESSEX).filter((r) => r.lat && districtOf(+r.lat, +r.lon)?.force === ESSEX_CODE);
    const content = fs.readFileSync(MERSEYSIDE, 'utf8').replace(/\r\n$/, '');
    const injected = [content, ...essexRows.slice(0, 3).map((r) => r.line)].join('\r\n') + '\r\n';
    const queued = await upload(injected, 'merseyside-with-essex-rows.csv', 'merseyside').expect(202);
    const result = await finished(queued.body.id);
    expect(result).toMatchObject({ status: 'completed', rowsRead: 203, rowsImported: 200, rowsRejected: 3 });
    expect(result.rejected).toEqual(
      [202, 203, 204].map((line) => ({ line, field: 'Latitude', reason: 'point is in Essex, not Merseyside' })),
    );
  });

  it("places ≥ 99% of located rows, and a force's local-authority totals are its total minus the unplaced", async () => {
    const essex = await finished(
      (await upload(fs.readFileSync(ESSEX), path.basename(ESSEX), 'essex').expect(202)).body.id,
    );
    expect(essex.status).toBe('completed');
    for (const [file, force] of [
      [MERSEYSIDE, MERSEYSIDE_CODE],
      [ESSEX, ESSEX_CODE],
    ]) {
      const rows = dataRows(file).filter((r) => r.lat);
      const inADistrict = rows.filter((r) => districtOf(+r.lat, +r.lon)).length;
      expect(inADistrict / rows.length).toBeGreaterThanOrEqual(0.99);

      const stored = (await t.dataSource.query(
        `SELECT latitude, longitude, area_code FROM stop_searches WHERE force_code = $1`,
        [force],
      )) as { latitude: number | null; longitude: number | null; area_code: string | null }[];
      // Every stored located record lies where the oracle says: in that district of its force, or unplaced.
      const expected = new Map<string, number>();
      let unplaced = 0;
      for (const r of stored) {
        const d = r.latitude === null ? null : districtOf(r.latitude, r.longitude!);
        if (d && d.force === force) expected.set(d.code, (expected.get(d.code) ?? 0) + 1);
        else unplaced++;
      }
      const byArea = (await t.dataSource.query(
        `SELECT area_code, count(*)::int AS n FROM stop_searches WHERE force_code = $1 AND area_code IS NOT NULL GROUP BY 1`,
        [force],
      )) as { area_code: string; n: number }[];
      expect(new Map(byArea.map((r) => [r.area_code, r.n]))).toEqual(expected);
      const placed = byArea.reduce((s, r) => s + r.n, 0);
      expect(placed).toBe(stored.length - unplaced);
      expect(placed / rows.length).toBeGreaterThanOrEqual(0.95);
      // The disproportionality rollup counts the same records under the same authorities.
      const rollup = (await t.dataSource.query(
        `SELECT area_code, sum(n)::int AS n FROM disproportionality_rollup
         WHERE kind = 'stop_search' AND basis = 'self' AND force_code = $1 AND area_code <> '' GROUP BY 1`,
        [force],
      )) as { area_code: string; n: number }[];
      expect(new Map(rollup.map((r) => [r.area_code, r.n]))).toEqual(expected);
    }
  });

  it('places the records already stored (records:place), moving the rollup with them; a second run changes nothing', async () => {
    const rollupByArea = async () =>
      new Map(
        (
          (await t.dataSource.query(
            `SELECT area_code, sum(n)::int AS n FROM disproportionality_rollup
             WHERE kind = 'stop_search' AND basis = 'officer' AND force_code = $1 GROUP BY 1 HAVING sum(n) <> 0`,
            [MERSEYSIDE_CODE],
          )) as { area_code: string; n: number }[]
        ).map((r) => [r.area_code, r.n]),
      );
    const recordsByArea = async () =>
      new Map(
        (
          (await t.dataSource.query(
            `SELECT coalesce(area_code, '') AS area_code, count(*)::int AS n FROM stop_searches WHERE force_code = $1 GROUP BY 1`,
            [MERSEYSIDE_CODE],
          )) as { area_code: string; n: number }[]
        ).map((r) => [r.area_code, r.n]),
      );
    const placedBefore = await recordsByArea();
    // As records imported before placement existed were stored: at force level.
    const cleared = await count(
      `WITH u AS (UPDATE stop_searches SET area_code = NULL WHERE force_code = $1 AND area_code IS NOT NULL RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [MERSEYSIDE_CODE],
    );
    expect(cleared).toBeGreaterThan(150);
    expect(await rollupByArea()).toEqual(await recordsByArea()); // the update moved the counts to force level
    expect([...(await rollupByArea()).keys()]).toEqual(['']);

    const audit = t.app.get(AuditService);
    const first = await placeStoredRecords(t.dataSource, audit, SYSTEM_ACTOR, {
      forceCode: MERSEYSIDE_CODE,
      batchSize: 50,
    });
    expect(first).toMatchObject({ changed: cleared, placed: cleared });
    expect(first.located).toBe(first.placed + first.unplaced + first.outside);
    expect(await recordsByArea()).toEqual(placedBefore);
    expect(await rollupByArea()).toEqual(placedBefore);

    const second = await placeStoredRecords(t.dataSource, audit, SYSTEM_ACTOR, { forceCode: MERSEYSIDE_CODE });
    expect(second).toMatchObject({ located: first.located, placed: first.placed, changed: 0 });
    const events = await t.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'records.placed' ORDER BY seq`,
    );
    expect(events).toHaveLength(2);
    expect(events[0].details).toMatchObject({ force: MERSEYSIDE_CODE, changed: cleared });
    // Every record whose area changed is named in the trail with its area before and after (a change of a case).
    const changes = (
      (await t.dataSource.query(
        `SELECT details FROM audit_events WHERE action = 'records.area_changed' ORDER BY seq`,
      )) as { details: { kind: string; records: { id: string; before: string | null; after: string }[] } }[]
    ).flatMap((e) => e.details.records.map((r) => ({ kind: e.details.kind, ...r })));
    const stored = (await t.dataSource.query(
      `SELECT id, area_code FROM stop_searches WHERE force_code = $1 AND area_code IS NOT NULL`,
      [MERSEYSIDE_CODE],
    )) as { id: string; area_code: string }[];
    expect(changes).toHaveLength(cleared);
    expect(new Set(changes.map((c) => c.kind))).toEqual(new Set(['stop_search']));
    expect(new Map(changes.map((c) => [c.id, [c.before, c.after]]))).toEqual(
      new Map(stored.map((r) => [r.id, [null, r.area_code]])),
    );
  });

  it('places template rows by their point, keeps the given area without one, and rejects a point in another force', async () => {
    const template = fs.readFileSync(path.join(TEMPLATES, 'vehicle-stops.csv'), 'utf8').trimEnd().split('\n');
    const essexPoint = template[1]
      .replace('VS-2024-0001', 'VS-PLACE-ESSEX')
      .replace('53.7893,-2.2405', '51.7356,0.4685'); // Chelmsford
    const file = [...template, essexPoint].join('\n') + '\n';
    const result = await finished(
      (await upload(file, 'vehicle-stops-placement.csv', 'lancashire', 'vehicle-stops').expect(202)).body.id,
    );
    expect(result).toMatchObject({ status: 'completed', rowsImported: template.length - 1, rowsRejected: 1 });
    expect(result.rejected).toEqual([
      { line: template.length + 1, field: 'latitude', reason: 'point is in Essex, not Lancashire' },
    ]);
    const rows = (await t.dataSource.query(
      `SELECT source_reference, area_code, latitude, longitude FROM vehicle_stops WHERE force_code = 'E23000003' ORDER BY 1`,
    )) as { source_reference: string; area_code: string; latitude: number | null; longitude: number | null }[];
    for (const r of rows) {
      if (r.latitude === null)
        expect(r.area_code).toBe('E06000008'); // as the file gives it
      else expect(r.area_code).toBe(districtOf(r.latitude, r.longitude!)!.code);
    }
  });

  it('completes a file with over a thousand rows outside the force but most inside (rejections held during the COPY)', async () => {
    const row = (lat: number, lon: number) =>
      `Person search,2019-03-01T10:00:00+00:00,False,,${lat},${lon},Male,18-24,White - Irish,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False`;
    const csv = [
      POLICE_UK_COLUMNS.join(','),
      ...Array<string>(1200).fill(row(51.5138, -0.0984)),
      ...Array<string>(1100).fill(row(51.7356, 0.4685)),
    ];
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO imports (format, force_code, filename, status) VALUES ('police-uk', 'E23000034', 'mixed.csv', 'running') RETURNING id`,
    );
    const counts = await importPoliceUkCsv(t.dataSource, {
      importId: id,
      forceCode: 'E23000034',
      sourceMonth: null,
      engine: t.app.get<OpenedDatabase>(OPENED_DATABASE).kind,
      input: () => Readable.from([`${csv.join('\n')}\n`]),
    });
    expect(counts).toMatchObject({ rowsRead: 2300, rowsImported: 1200, rowsRejected: 1100 });
  }, 20_000);

  it("files each authority under the force its boundary says (the areas table agrees with the boundaries' lookup)", async () => {
    const forces = await areaForces(t.dataSource);
    for (const d of DISTRICTS) expect([d.code, forces.get(d.code)]).toEqual([d.code, d.force]);
  });
});
