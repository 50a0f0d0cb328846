/**
 * npm run bench:panels [-- --members 50 --cases 3]
 *
 * Load test of blind rating: starts the real API on a fresh PostgreSQL database (DATABASE_URL names the server;
 * with REDIS_URL the rate limiter and jobs use Redis as in production), seats N external members on one panel,
 * opens a session, and has every member rate every case at once — a draft, then the submission with the version the
 * draft answered. Prints the status counts, latency and whether every rating was stored: the target is no rating
 * lost and no 5xx.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { createLogger, loadConfig } from '@scrutiny/core';
import { hashPassword } from '@scrutiny/auth';
import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { createApiApp } from '../apps/api/create-api-app';
import { percentile, runBench, withBenchDatabase } from './bench-database';

const { values } = parseArgs({
  options: { members: { type: 'string', default: '50' }, cases: { type: 'string', default: '3' } },
});
const MEMBERS = Number(values.members);
const CASES = Number(values.cases);

const FORM = EXAMPLE_REVIEW_FORM;

async function main(url: string): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL,
    LOG_LEVEL: 'silent',
    HEARTBEAT_INTERVAL_MS: '0',
    DEMO_DATA: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_POOL_SIZE: '20',
    SAMPLING_SCHEDULE_INTERVAL_MS: '0',
    RETENTION_CHECK_INTERVAL_MS: '0',
  });
  const { migrate } = await import('@scrutiny/database');
  const { SCHEMA } = await import('@scrutiny/schema');
  const { postgresOptions } = await import('@scrutiny/database');
  const setup = await new DataSource(postgresOptions(url, 2, SCHEMA)).initialize();
  await migrate(setup, { lock: false, seeds: SCHEMA.seeds });
  await setup.destroy();
  const app = await createApiApp(config, createLogger('silent'));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const ds = app.get(DataSource);
  try {
    const password = 'bench member passphrase';
    const hash = await hashPassword(password);
    const users = (await ds.query(
      `INSERT INTO users (username, display_name, password_hash, roles, version) SELECT 'member-' || g, 'Member ' || g, $1, '{external_panel}', 1 FROM generate_series(1, $2::int) g RETURNING id, username`,
      [hash, MEMBERS],
    )) as { id: string; username: string }[];
    const [panel] = (await ds.query(
      `INSERT INTO panels (name, kind, remit, quorum, version) VALUES ('Bench panel', 'external', '{stop_search}', 3, 1) RETURNING id`,
    )) as { id: string }[];
    await ds.query(
      `INSERT INTO panel_members (panel_id, user_id, role, term_start, vetted_on, confidentiality_signed_on) SELECT $1, id, 'member', current_date - 1, current_date - 1, current_date - 1 FROM unnest($2::uuid[]) id`,
      [panel.id, users.map((u) => u.id)],
    );
    const [session] = (await ds.query(
      `INSERT INTO panel_sessions (panel_id, scheduled_at, status, opened_at, version) VALUES ($1, now(), 'open', now(), 1) RETURNING id`,
      [panel.id],
    )) as { id: string }[];
    const items: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const [c] = (await ds.query(
        `INSERT INTO stop_searches (force_code, occurred_at, period, search_type, source, version) VALUES ('E23000003', now() - interval '1 day', date_trunc('month', now())::date, 'person', 'manual', 1) RETURNING id`,
      )) as { id: string }[];
      const [item] = (await ds.query(
        `INSERT INTO session_agenda_items (session_id, case_kind, case_id, position) VALUES ($1, 'stop_search', $2, $3) RETURNING id`,
        [session.id, c.id, i + 1],
      )) as { id: string }[];
      items.push(item.id);
    }
    const tokens = await Promise.all(
      users.map(async (u) => {
        const res = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: u.username, password }),
        });
        return ((await res.json()) as { accessToken: string }).accessToken;
      }),
    );

    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    const call = async (token: string, item: string, body: unknown) => {
      const started = performance.now();
      const res = await fetch(`${base}/panel-sessions/${session.id}/agenda/${item}/rating`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      latencies.push(performance.now() - started);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      return res;
    };
    const started = performance.now();
    await Promise.all(
      tokens.flatMap((token) =>
        items.map(async (item) => {
          const draft = await call(token, item, { form: FORM });
          const { version } = (await draft.json()) as { version: number };
          await call(token, item, { form: FORM, submit: true, version });
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const [{ stored }] = (await ds.query(
      `SELECT count(*)::int AS stored FROM panel_ratings WHERE agenda_item_id = ANY($1::uuid[]) AND status = 'submitted'`,
      [items],
    )) as { stored: number }[];
    const expected = MEMBERS * CASES;
    const errors5xx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    console.log(
      `\n${MEMBERS} members × ${CASES} cases rating at once (a draft then the submission each): ${latencies.length} requests in ${seconds.toFixed(2)} s (${Math.round(latencies.length / seconds)} req/s)`,
    );
    console.log(
      `statuses: ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}`,
    );
    console.log(
      `latency ms: p50 ${percentile(latencies, 50).toFixed(0)}, p95 ${percentile(latencies, 95).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)}`,
    );
    console.log(`submitted ratings stored: ${stored} of ${expected}; 5xx: ${errors5xx}`);
    console.log(`target (no rating lost, no 5xx): ${stored === expected && errors5xx === 0 ? 'met' : 'NOT met'}`);
    if (stored !== expected || errors5xx) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

runBench(() => withBenchDatabase('panels', main));
