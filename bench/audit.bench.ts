/**
 * npm run bench:audit [-- --clients 50 --seconds 5]
 *
 * Audited reads against the same reads unaudited, in one run: starts the real API on a fresh PostgreSQL database
 * (DATABASE_URL names the server; loopback only), and has N clients read one stop search (GET /stop-searches/:id,
 * audited as stop_search.viewed) as fast as they can for a fixed time, then again with that audit event switched off
 * by a bench-only patch of this process's AuditService (nothing in the application can switch it off). Meanwhile one
 * more client times an unrelated statistics request, also measured with the API idle. Prints both throughputs, their
 * ratio beside the floor (audited at least 50% of unaudited), and the unrelated request's p50/p95 idle and under the
 * audited load. Afterwards every audited event must be sealed into the chain and the chain must verify.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService, AuditVerifier, describeVerification, type AuditActor, type AuditEntry } from '@scrutiny/audit';
import { createLogger, loadConfig } from '@scrutiny/core';
import { hashPassword } from '@scrutiny/auth';
import type { EntityManager } from 'typeorm';
import { createApiApp } from '../apps/api/create-api-app';
import { percentile, runBench, withBenchDatabase } from './bench-database';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '50' }, seconds: { type: 'string', default: '5' } },
});
const CLIENTS = Math.min(Math.max(Number(values.clients), 1), 200);
const SECONDS = Math.min(Math.max(Number(values.seconds), 1), 60);
const FLOOR = 0.5;

async function main(url: string): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    HEARTBEAT_INTERVAL_MS: '0',
    DEMO_DATA: 'false',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_MINUTE: '10000000',
    DATABASE_POOL_SIZE: '20',
    SAMPLING_SCHEDULE_INTERVAL_MS: '0',
    RETENTION_CHECK_INTERVAL_MS: '0',
  });
  const { migrate, postgresOptions } = await import('@scrutiny/database');
  const { SCHEMA } = await import('@scrutiny/schema');
  const setup = await new DataSource(postgresOptions(url, 2, SCHEMA)).initialize();
  await migrate(setup, { lock: false, seeds: SCHEMA.seeds });
  await setup.destroy();
  const app = await createApiApp(config, createLogger('silent'));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  const ds = app.get(DataSource);
  const audit = app.get(AuditService);
  // The bench-only switch: this process's AuditService skips the one event the measured read writes.
  let auditing = true;
  const record = audit.record.bind(audit);
  audit.record = (actor: AuditActor, entry: AuditEntry, manager?: EntityManager) =>
    !auditing && entry.action === 'stop_search.viewed' ? Promise.resolve() : record(actor, entry, manager);
  try {
    const password = 'bench reader passphrase';
    await ds.query(
      `INSERT INTO users (username, display_name, password_hash, roles, version)
       VALUES ('bench-psd', 'Bench PSD', $1, '{professional_standards}', 1), ('bench-analyst', 'Bench analyst', $1, '{analyst}', 1)`,
      [await hashPassword(password)],
    );
    const [c] = (await ds.query(
      `INSERT INTO stop_searches (force_code, occurred_at, period, search_type, source, version)
       VALUES ('E23000003', now() - interval '1 day', date_trunc('month', now())::date, 'person', 'manual', 1) RETURNING id`,
    )) as { id: string }[];
    const login = async (username: string) => {
      const res = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const reader = await login('bench-psd');
    const analyst = await login('bench-analyst');
    const read = `${base}/stop-searches/${c.id}`;
    const unrelated = `${base}/disproportionality?area=E23000003&from=2024-01&to=2024-12`;
    const get = async (url: string, token: string) => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
    };
    await get(read, reader);
    await get(unrelated, analyst);

    /** N clients reading for SECONDS; one more timing the unrelated request meanwhile. */
    const phase = async (clients: number) => {
      const until = performance.now() + SECONDS * 1000;
      let reads = 0;
      const latencies: number[] = [];
      const started = performance.now();
      const readers = Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          await get(read, reader);
          reads++;
        }
      });
      const timer = (async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          await get(unrelated, analyst);
          latencies.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await Promise.all([...readers, timer]);
      return { perSecond: reads / ((performance.now() - started) / 1000), latencies };
    };

    const idle = await phase(0);
    for (let i = 0; i < 200; i++) await get(read, reader); // warm the pool and the plan cache
    const [{ before }] = (await ds.query(
      `SELECT count(*)::int AS before FROM audit_events WHERE action = 'stop_search.viewed'`,
    )) as { before: number }[];
    auditing = true;
    const audited = await phase(CLIENTS);
    auditing = false;
    const unaudited = await phase(CLIENTS);
    auditing = true;
    const [{ after }] = (await ds.query(
      `SELECT count(*)::int AS after FROM audit_events WHERE action = 'stop_search.viewed'`,
    )) as { after: number }[];
    const sealed = await audit.seal({ waitMs: 10_000 });
    const verified = await app.get(AuditVerifier).verify();

    const ratio = audited.perSecond / unaudited.perSecond;
    const ms = (xs: number[], p: number) => `${percentile(xs, p).toFixed(1)} ms`;
    console.log(`\n${CLIENTS} clients, ${SECONDS} s each, GET /stop-searches/:id (pool of 20 connections)`);
    console.log(
      `audited reads:   ${audited.perSecond.toFixed(0)}/s (${after - before} stop_search.viewed events written)`,
    );
    console.log(`unaudited reads: ${unaudited.perSecond.toFixed(0)}/s`);
    console.log(
      `audited / unaudited: ${(ratio * 100).toFixed(0)}% (floor ${FLOOR * 100}%): ${ratio >= FLOOR ? 'met' : 'NOT met'}`,
    );
    console.log(
      `unrelated request (GET /disproportionality): idle p50 ${ms(idle.latencies, 50)}, p95 ${ms(idle.latencies, 95)}; ` +
        `under the audited load p50 ${ms(audited.latencies, 50)}, p95 ${ms(audited.latencies, 95)}; ` +
        `under the unaudited load p50 ${ms(unaudited.latencies, 50)}, p95 ${ms(unaudited.latencies, 95)}`,
    );
    console.log(`after the run: ${sealed.waiting} events waiting to be sealed; ${describeVerification(verified)[0]}`);
    if (ratio < FLOOR || !verified.verified || sealed.waiting) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

runBench(() => withBenchDatabase('audit', main));
