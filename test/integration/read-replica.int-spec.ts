import request from 'supertest';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createLogger } from '@scrutiny/core';
import { createApiApp } from '../../apps/api/create-api-app';
import { insertStopSearch } from '../factories/records';
import { tokenFor } from '../factories/users';
import { testConfig, type TestApp } from '../setup/test-app';
import { createTestDatabase } from '../setup/test-database';
import { databaseUrlWithName } from '../setup/test-env';

/**
 * Against a real streaming replica: READ_REPLICA_TEST_URL names its server (any database on it; .ci/run makes one
 * with `.ci/replica start`, pg_basebackup -R on port 5433). Skipped without it. Pausing replay pauses the whole
 * replica, so this file runs on its own (its own CI step), never beside other files reading from that replica.
 */
const replicaServer = process.env.READ_REPLICA_TEST_URL;
const describeWithReplica = replicaServer && process.env.DATABASE_URL ? describe : describe.skip;

const MAX_LAG_SECONDS = 4;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWithReplica('read replica (DATABASE_READ_URL) against a streaming replica', () => {
  let t: TestApp;
  let replica: Client;
  let primary: DataSource;
  let as: { authorization: string };
  const replicaHas = async (id: string) =>
    (await replica.query('SELECT 1 FROM stop_searches WHERE id = $1', [id])).rowCount === 1 || undefined;
  const listIds = async () => {
    const res = await t.http().get('/api/v1/stop-searches?limit=200').set(as).expect(200);
    return { ids: (res.body.items as { id: string }[]).map((i) => i.id), asOf: res.headers['x-data-as-of'] };
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    const name = new URL((db.config as { url: string }).url).pathname.slice(1);
    const replicaUrl = databaseUrlWithName(replicaServer!, name);
    // The clone reaches the replica as the primary's WAL is replayed.
    replica = await until('the test database on the replica', async () => {
      const c = new Client({ connectionString: replicaUrl });
      await c.connect().catch(async (error: unknown) => {
        await c.end().catch(() => undefined);
        throw error;
      });
      return c;
    });
    const config = {
      ...testConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' }),
      database: { ...db.config, read: { url: replicaUrl, poolSize: 3, maxLagSeconds: MAX_LAG_SECONDS } },
    } as TestApp['config'];
    const app = await createApiApp(config, createLogger(config.logLevel));
    await app.init();
    primary = app.get(DataSource);
    t = {
      app,
      config,
      db,
      dataSource: primary,
      http: () => request(app.getHttpServer()),
      close: async () => {
        await app.close();
        await db.drop();
      },
    };
    as = { authorization: `Bearer ${await tokenFor(t, 'admin')}` };
  });

  afterAll(async () => {
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replica?.end();
    await t?.close();
  });

  it('is a hot standby of the primary', async () => {
    expect((await replica.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
  });

  it('serves the case list from the replica, saying how old its data may be; the user’s own write is read on the primary; a replica too far behind is passed over', async () => {
    // Caught up: the list comes from the replica and says so.
    const first = await insertStopSearch(primary, { occurredAt: '2024-05-10T12:00:00Z' });
    await until('the first case on the replica', () => replicaHas(first));
    const caughtUp = await listIds();
    expect(caughtUp.ids).toContain(first);
    expect(Date.parse(caughtUp.asOf as string)).toBeGreaterThan(Date.now() - 60_000);

    // Replay paused: a case saved now is on the primary only. A list read within the bound comes from the replica,
    // which has not got it: the answer is stale and its X-Data-As-Of says from when.
    await replica.query('SELECT pg_wal_replay_pause()');
    await until('replay to pause', async () =>
      (await replica.query('SELECT pg_get_wal_replay_pause_state() AS s')).rows[0].s === 'paused' ? true : undefined,
    );
    const pausedAt = Date.now();
    const saved = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as)
      .send({
        force: 'lancashire',
        areaCode: 'E07000117',
        occurredAt: '2024-05-11T21:47:00+01:00',
        searchType: 'person',
        legislation: 'misuse_of_drugs_act_s23',
        objectOfSearch: 'controlled_drugs',
        grounds: 'Seen passing a small package',
        outcome: 'no_further_action',
        selfDefinedEthnicity: 'B2',
        officerDefinedEthnicity: 'black',
        teamCode: 'TEAM-A',
      })
      .expect(201);
    const mine = saved.body.id as string;
    const savedAt = Date.now();
    // Received by the replica, not replayed: it knows it is behind.
    const [{ lsn }] = (await primary.query('SELECT pg_current_wal_lsn()::text AS lsn')) as { lsn: string }[];
    await until(
      'the replica to receive the write',
      async () =>
        (await replica.query('SELECT pg_last_wal_receive_lsn() >= $1::pg_lsn AS got', [lsn])).rows[0].got || undefined,
    );
    expect(await replicaHas(mine)).toBeUndefined();
    const stale = await listIds();
    expect(Date.now() - pausedAt).toBeLessThan(MAX_LAG_SECONDS * 1000); // still within the bound
    expect(stale.ids).toContain(first);
    expect(stale.ids).not.toContain(mine);
    expect(Date.parse(stale.asOf as string)).toBeLessThan(savedAt);

    // Reading the one case just saved (audited) goes to the primary: the user sees their own write.
    const own = await t.http().get(`/api/v1/stop-searches/${mine}`).set(as).expect(200);
    expect(own.body).toMatchObject({ id: mine, grounds: 'Seen passing a small package' });
    expect(own.headers['x-data-as-of']).toBeUndefined();

    // Once the replica is more than DATABASE_READ_MAX_LAG_SECONDS behind, lists are read from the primary: current,
    // and with no X-Data-As-Of.
    const fallback = await until(
      'lists to fall back to the primary',
      async () => {
        const page = await listIds();
        return page.asOf === undefined ? page : undefined;
      },
      (MAX_LAG_SECONDS + 10) * 1000,
    );
    expect(Date.now() - pausedAt).toBeGreaterThan(MAX_LAG_SECONDS * 1000);
    expect(fallback.ids).toEqual(expect.arrayContaining([first, mine]));

    // Replay resumed: the replica catches up and serves the lists again.
    await replica.query('SELECT pg_wal_replay_resume()');
    await until('the saved case on the replica', () => replicaHas(mine));
    const again = await until('lists from the replica again', async () => {
      const page = await listIds();
      return page.asOf !== undefined ? page : undefined;
    });
    expect(again.ids).toEqual(expect.arrayContaining([first, mine]));
  }, 60_000);

  it('reads statistics from the replica too (X-Data-As-Of)', async () => {
    const res = await t
      .http()
      .get('/api/v1/disproportionality?area=lancashire&from=2024-01&to=2024-12&by=ethnicity')
      .set(as);
    expect(res.status).toBe(200);
    expect(res.headers['x-data-as-of']).toBeDefined();
  });
});
