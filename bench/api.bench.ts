/**
 * npm run bench:api [-- --scale 1m,10m --seconds 20 --warmup 5 --connections 20 --pool 10 --keep]
 *
 * The API under load at a force's and a nation's size, in one run. Into a fresh PostgreSQL database (DATABASE_URL
 * names the server; REDIS_URL, if set, is used as in production) it loads, per scale, that many stop searches and as
 * many vehicle stops and use-of-force reports (the national figure: ~10M stop searches "plus as many"),
 * generated in SQL from the real distributions (the rows of every police.uk CSV in ../shared/data/police-uk, or the
 * repo's fixture) over the 43 forces and ten years, with one audit event per record and enough samples, panel
 * sessions, actions and imports to page. Secondary indexes are dropped while loading and rebuilt after.
 *
 * Then it starts the real API (dist/apps/api/main.js, a child process), signs in, and drives every list and read
 * route a screen uses with `--connections` clients for `--seconds` each (autocannon), /health first as the floor,
 * printing req/s, p50, p99 and 5xx per route beside the targets, and the plan of each route's queries (index or
 * scan) as PostgreSQL ran them (auto_explain, read back from the server log when it is readable here).
 *
 * Targets at 10M: every list's first and filtered page p99 < 300 ms and ≥ 100 req/s; one case p99 < 100 ms; no 5xx;
 * latency at 10M within 1.5× of 1M. Default scale 1m; `--scale 1m,10m` adds the national one (about an hour here).
 * Also prints the tables' and indexes' sizes per row and what a month costs to delete (for the partition question).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runBench, withBenchDatabase } from './bench-database';
import { openBackground, seedColumns, seedDistributions as loadSeed } from './bench-seed';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1m' },
    seconds: { type: 'string', default: '20' },
    /** Unmeasured load per route first: the first route after a start otherwise pays for a cold cache (p99 874 ms at 10M). */
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    pool: { type: 'string', default: '10' },
    /** Keep the loaded database (scrutiny_bench_api_kept) and reuse it next time: load once, measure many times. */
    keep: { type: 'boolean', default: false },
  },
});
const SCALES = values.scale!.split(',').map((s) => {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(s.trim());
  if (!m) throw new Error(`--scale: "${s}" is not a size such as 250k, 1m or 10m`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1e6 : m[2].toLowerCase() === 'k' ? 1e3 : 1));
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const CHUNK = 250_000;
/** Ten years of records, 2016 to 2025, as a national service would hold. */
const SPAN_SECONDS = 10 * 365 * 86_400;
const RECORD_TABLES = ['stop_searches', 'vehicle_stops', 'use_of_force_reports'];
const BIG_TABLES = [...RECORD_TABLES, 'audit_events', 'disproportionality_rollup', 'officers'];

const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const fmt = (n: number) => n.toLocaleString('en-GB');
const seconds = (started: number) => ((performance.now() - started) / 1000).toFixed(0);

interface Route {
  name: string;
  path: string | (() => string);
  /** The target this route's figures are held to. */
  target: 'list' | 'case' | 'floor' | 'report';
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Seeds the distributions: the real police.uk rows, imported through the importer, kept as bench_seed. */
async function seedDistributions(url: string): Promise<void> {
  const app = await openBackground(url);
  try {
    const ds = app.get(DataSource);
    const { dir, files, seeds } = await loadSeed(app);
    await ds.query(`CREATE INDEX ON bench_seed (k)`);
    // The importer's own rows go (with what the rollup counted of them): every record the routes read is generated,
    // at the scale asked for. TRUNCATE, not DELETE, so no dead rows inflate the sizes reported.
    await ds.query(`TRUNCATE stop_searches, disproportionality_rollup, imports CASCADE`);
    console.log(`seed distributions: ${fmt(seeds)} real stop searches from ${files} police.uk file(s) in ${dir}`);
  } finally {
    await app.close();
  }
}

/** Fixed rows: forces, officers, a plan, samples, panels, sessions, actions, imports (scale-independent workflow data). */
async function loadWorkflow(db: Client): Promise<void> {
  await db.query(
    `CREATE TABLE bench_forces AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code FROM areas WHERE level = 'force'`,
  );
  await db.query(`INSERT INTO officers (reference, force_code, team_code)
    SELECT 'PC-' || lpad(j::text, 4, '0'), f.code, 'TEAM-' || (j % 12) FROM bench_forces f, generate_series(0, 199) j`);
  await db.query(`CREATE TABLE bench_officers AS SELECT f.i AS force_i, (substring(o.reference FROM 4))::int AS j, o.id
    FROM officers o JOIN bench_forces f ON f.code = o.force_code`);
  await db.query(`CREATE UNIQUE INDEX ON bench_officers (force_i, j)`);
  const months = `generate_series(date '2016-01-01', date '2025-12-01', interval '1 month') m`;
  const [{ id: planId }] = (
    await db.query(
      `INSERT INTO sampling_plans (name, current_version, version) VALUES ('Bench plan', 1, 1) RETURNING id`,
    )
  ).rows as { id: string }[];
  await db.query(
    `INSERT INTO dip_samples (plan_id, plan_version, period, seed, algorithm_version, eligible_count, population_fingerprint,
       drawn_at, status, allocation, version, areas)
     SELECT $1, 1, m::date, 'bench-' || f.code || to_char(m, 'YYYYMM'), 'v2', 400, md5(f.code || m::text), m + interval '35 days',
       'issued', '{}'::jsonb, 1, ARRAY[f.code] FROM bench_forces f, ${months}`,
    [planId],
  );
  await db.query(
    `INSERT INTO panels (name, kind, remit, version) SELECT 'Panel ' || f.code, CASE WHEN f.i % 2 = 0 THEN 'external' ELSE 'internal' END, '{}', 1 FROM bench_forces f`,
  );
  await db.query(`INSERT INTO panel_sessions (panel_id, scheduled_at, status, version)
    SELECT p.id, m + interval '40 days', CASE WHEN m < date '2025-10-01' THEN 'closed' ELSE 'planned' END, 1
    FROM panels p, generate_series(date '2016-01-01', date '2025-12-01', interval '3 months') m`);
  await db.query(`INSERT INTO finding_actions (kind, description, owner, due_on, status, version, meeting_quarter)
    SELECT (ARRAY['feedback_to_officer','organisational_learning','referral_to_professional_standards','policy_or_training','other'])[1 + g % 5],
      'Action ' || g, 'Inspector ' || (g % 300), date '2016-03-01' + (g % 3650), (ARRAY['open','in_progress','done','cancelled'])[1 + g % 4], 1,
      date_trunc('quarter', date '2016-01-01' + (g % 3650))::date
    FROM generate_series(1, 20000) g`);
  await db.query(`INSERT INTO imports (format, force_code, filename, source_month, status, rows_read, rows_imported, created_at, started_at, finished_at)
    SELECT k.format, f.code, to_char(m, 'YYYY-MM') || '-' || f.code || '.csv', to_char(m, 'YYYY-MM'), 'completed', 900, 880,
      m + interval '40 days', m + interval '40 days', m + interval '40 days 1 minute'
    FROM bench_forces f, ${months}, (VALUES ('police-uk'), ('template'), ('template')) k(format)`);
}

/**
 * Secondary indexes of the record tables and the audit trail (not the constraints' own): dropped to load, rebuilt
 * after. Their definitions are kept in bench_dropped_indexes until rebuilt, so a kept database whose load was cut off
 * still gets them back.
 */
async function dropIndexes(db: Client): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS bench_dropped_indexes (def text PRIMARY KEY)`);
  const { rows } = (await db.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [[...RECORD_TABLES, 'audit_events']],
  )) as { rows: { indexname: string; indexdef: string }[] };
  for (const r of rows) {
    await db.query('BEGIN');
    await db.query(`INSERT INTO bench_dropped_indexes VALUES ($1) ON CONFLICT DO NOTHING`, [r.indexdef]);
    await db.query(`DROP INDEX ${r.indexname}`);
    await db.query('COMMIT');
  }
}

async function rebuildIndexes(db: Client): Promise<number> {
  // Each index sorts the whole table: in memory where it fits, rather than in many passes over temporary files.
  await db.query(`SET maintenance_work_mem = '1GB'`);
  const { rows } = (await db.query(`SELECT def FROM bench_dropped_indexes`)) as { rows: { def: string }[] };
  for (const { def } of rows) {
    await db.query('BEGIN');
    await db.query(def);
    await db.query(`DELETE FROM bench_dropped_indexes WHERE def = $1`, [def]);
    await db.query('COMMIT');
  }
  return rows.length;
}

/** Adds records up to `to` of each kind (from `from`), and one audit event per record. */
async function loadRecords(db: Client, from: number, to: number): Promise<void> {
  const [{ seeds }] = (await db.query(`SELECT count(*)::int AS seeds FROM bench_seed`)).rows as { seeds: number }[];
  const [{ forces }] = (await db.query(`SELECT count(*)::int AS forces FROM bench_forces`)).rows as {
    forces: number;
  }[];
  // Each record: a force (g mod 43), a moment scattered over ten years, a real row's characteristics, an officer.
  const common = `FROM generate_series($1::bigint, $2::bigint) g
    CROSS JOIN LATERAL (SELECT timestamptz '2016-01-01T00:00:00Z' + ((g * 104729) % ${SPAN_SECONDS}) * interval '1 second' AS at) t
    JOIN bench_seed s ON s.k = 1 + (g * 7919) % ${seeds}
    JOIN bench_forces f ON f.i = g % ${forces}
    LEFT JOIN bench_officers o ON o.force_i = f.i AND o.j = (g / ${forces}) % 200`;
  const period = `date_trunc('month', t.at AT TIME ZONE 'Europe/London')::date`;
  for (let lo = from + 1; lo <= to; lo += CHUNK) {
    const hi = Math.min(to, lo + CHUNK - 1);
    // One transaction per chunk, with the count loaded: a kept database cut off mid-load resumes after its last chunk.
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO stop_searches (force_code, occurred_at, period, ${seedColumns()}, officer_id, team_code, grounds, source, version)
       SELECT f.code, t.at, ${period}, ${seedColumns('s')}, o.id,
         'TEAM-' || (o.j % 12), 'Grounds recorded for search ' || g, 'manual', 1 ${common}`,
      [lo, hi],
    );
    await db.query(
      `INSERT INTO vehicle_stops (force_code, occurred_at, period, reason, outcome, gender, age_range, self_defined_ethnicity,
         officer_defined_ethnicity, officer_id, team_code, source, version)
       SELECT f.code, t.at, ${period},
         (ARRAY['moving_traffic_offence','moving_traffic_offence','vehicle_defect','suspected_drink_or_drug_driving','no_insurance_or_licence_anpr',
           'intelligence','road_check_pace_s4','suspected_crime','routine_check','other'])[1 + (g * 13) % 10],
         (ARRAY['no_further_action','words_of_advice','words_of_advice','vehicle_defect_rectification','traffic_offence_report',
           'fixed_penalty_notice','vehicle_seized','search_conducted','arrest','other'])[1 + (g * 17) % 10],
         s.gender, s.age_range, s.self_defined_ethnicity, s.officer_defined_ethnicity, o.id, 'TEAM-' || (o.j % 12), 'manual', 1 ${common}`,
      [lo, hi],
    );
    await db.query(
      `INSERT INTO use_of_force_reports (force_code, occurred_at, period, location_type, tactics, impact_factors, reasons, outcomes,
         subject_injury, officer_injury, gender, age_range, perceived_ethnicity, perceived_disability, officer_id, team_code, source, version)
       SELECT f.code, t.at, ${period}, (ARRAY['street_highway','dwelling','custody_block','licensed_premises','other'])[1 + (g * 7) % 5],
         jsonb_build_array(jsonb_build_object('tactic', (ARRAY['tactical_communications','compliant_handcuffing','non_compliant_handcuffing',
           'unarmed_skills','ground_restraint','limb_body_restraints'])[1 + (g * 11) % 6], 'effective', g % 5 <> 0)),
         '{}', '{}', '{}', (ARRAY['none','none','minor','severe'])[1 + g % 4], 'none',
         CASE s.gender WHEN 'Male' THEN 'male' WHEN 'Female' THEN 'female' END,
         (ARRAY['under_11','11_17','18_34','18_34','35_49','50_64','65_and_over'])[1 + (g * 3) % 7],
         s.officer_defined_ethnicity, 'none', o.id, 'TEAM-' || (o.j % 12), 'manual', 1 ${common}`,
      [lo, hi],
    );
    // Already sealed (hash set), as an old trail is, so the sealer has nothing to catch up on: that takes bypassing
    // the trigger that makes every new event unsealed (replica role), drawing its seq from the same sequence.
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query(
      `INSERT INTO audit_events (seq, id, occurred_at, actor_id, actor_username, actor_roles, action, target_type, target_id, details, prev_hash, hash)
       SELECT nextval('audit_events_seq'), gen_random_uuid(), t.at, NULL, 'analyst-' || (g % 500), ARRAY['analyst'],
         (ARRAY['stop_search.listed','stop_search.viewed','vehicle_stop.listed','use_of_force.viewed'])[1 + g % 4],
         'stop_search', md5(g::text), jsonb_build_object('filter', jsonb_build_object('from', '2024-01')),
         encode(sha256((g - 1)::text::bytea), 'hex'), encode(sha256(g::text::bytea), 'hex')
       FROM generate_series($1::bigint, $2::bigint) g
       CROSS JOIN LATERAL (SELECT timestamptz '2016-01-01T00:00:00Z' + (g::float8 / $3) * ${SPAN_SECONDS} * interval '1 second' AS at) t`,
      [lo, hi, to],
    );
    await db.query('SET LOCAL session_replication_role = origin');
    await db.query(`UPDATE bench_loaded SET records = $1`, [hi]);
    await db.query('COMMIT');
    process.stdout.write(`  ${fmt(hi)} of each kind loaded\r`);
  }
  process.stdout.write('\n');
}

/**
 * Up to 1,000 stop search ids for "one case" to cycle through, from scattered blocks. TABLESAMPLE SYSTEM (1) picks each
 * block with a chance of 1 in 100, so a small table (a few dozen blocks at `--scale 1k`) often yields none: then the
 * first rows do.
 */
async function someIds(db: Client): Promise<{ id: string }[]> {
  for (const sql of [
    `SELECT id FROM stop_searches TABLESAMPLE SYSTEM (1) LIMIT 1000`,
    `SELECT id FROM stop_searches LIMIT 1000`,
  ]) {
    const { rows } = (await db.query(sql)) as { rows: { id: string }[] };
    if (rows.length > 0) return rows;
  }
  throw new Error('no stop searches were loaded: "one case" has nothing to read');
}

/** The server log, if this process can read it (auto_explain writes plans there). */
async function serverLog(db: Client): Promise<string | null> {
  const candidates = [process.env.BENCH_PG_LOG];
  try {
    const [{ file }] = (await db.query(`SELECT pg_current_logfile() AS file`)).rows as { file: string | null }[];
    const [{ dir }] = (await db.query(`SELECT current_setting('data_directory') AS dir`)).rows as { dir: string }[];
    if (file) candidates.push(path.resolve(dir, file));
  } catch {
    // not allowed: fall back to the Debian default below
  }
  const [{ v }] = (await db.query(`SELECT current_setting('server_version_num')::int / 10000 AS v`)).rows as {
    v: number;
  }[];
  candidates.push(`/var/log/postgresql/postgresql-${v}-main.log`);
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.R_OK);
      return c;
    } catch {
      // next
    }
  }
  return null;
}

/** Scans on the big tables in the plans auto_explain logged for one database between two offsets of the log. */
function scansIn(logFile: string, from: number, dbName: string): string[] {
  const size = fs.statSync(logFile).size;
  if (size <= from) return [];
  const buf = Buffer.alloc(size - from);
  const fd = fs.openSync(logFile, 'r');
  fs.readSync(fd, buf, 0, buf.length, from);
  fs.closeSync(fd);
  const entries = buf.toString('utf8').split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  const found = new Set<string>();
  for (const e of entries) {
    if (!e.includes(`@${dbName} LOG:  duration:`)) continue;
    for (const m of e.matchAll(
      /(Seq Scan|Parallel Seq Scan|Index Scan Backward|Index Scan|Index Only Scan Backward|Index Only Scan|Bitmap Heap Scan)(?: using (\S+))? on (\w+)/g,
    )) {
      const [, kind, index, table] = m;
      if (!BIG_TABLES.includes(table)) continue;
      // A scan names its statement's opening words, so it can be found in the code.
      const statement = /Query Text: (.*)/.exec(e)?.[1].replace(/\s+/g, ' ').trim().slice(0, 60) ?? '';
      found.add(
        kind.includes('Seq')
          ? `SEQ SCAN ${table} («${statement}…»)`
          : `${kind.replace(' Backward', '')} ${index ?? table}`,
      );
    }
  }
  return [...found].sort();
}

async function startApi(
  url: string,
  extraEnv: Record<string, string> = {},
): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: values.pool!,
    QUEUE_PREFIX: `bench-api-${process.pid}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-api-secret-of-at-least-32-characters',
    PSEUDONYM_KEY: 'bench-api-pseudonym-key-of-32-characters',
    DEMO_DATA: 'true',
    DEMO_RECORDS: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    HEARTBEAT_INTERVAL_MS: '0',
    SAMPLING_SCHEDULE_INTERVAL_MS: '0',
    RETENTION_CHECK_INTERVAL_MS: '0',
    IMPORT_SWEEP_INTERVAL_MS: '0',
    ...extraEnv,
  };
  delete env.DATABASE_READ_URL;
  const child: ChildProcess = spawn(process.execPath, ['dist/apps/api/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Services mode is deployed with its worker, which seals the audit trail every second (AUDIT_SEAL_INTERVAL_MS):
  // without it the reads that append events would leave every seal to the audit route.
  const worker: ChildProcess | null = process.env.REDIS_URL
    ? spawn(process.execPath, ['dist/apps/worker/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] })
    : null;
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}) before answering /health`);
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error('the API did not answer /health within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: async () => {
      for (const p of [child, worker]) {
        if (!p || p.exitCode !== null) continue;
        const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
        p.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'scrutiny-demo-2026' }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Measured {
  route: Route;
  rps: number;
  p50: number;
  p99: number;
  fiveXx: number;
  otherNon2xx: number;
  errors: number;
  plan: string[];
}

async function measure(url: string, dbName: string, admin: Client, routes: Route[]): Promise<Measured[]> {
  // The plans, as run: a short pass with auto_explain on for this database's new sessions, one request per route.
  const plans = new Map<string, string[]>();
  const logFile = await serverLog(admin);
  if (logFile) {
    await admin.query(`ALTER DATABASE ${dbName} SET session_preload_libraries = 'auto_explain'`);
    await admin.query(`ALTER DATABASE ${dbName} SET auto_explain.log_min_duration = 0`);
    const api = await startApi(url);
    try {
      const token = await signIn(api.base);
      for (const r of routes) {
        const p = typeof r.path === 'string' ? r.path : r.path();
        await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${token}` } }); // warm the pool's sessions
        const offset = fs.statSync(logFile).size;
        const res = await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 200));
        plans.set(r.name, scansIn(logFile, offset, dbName));
      }
    } finally {
      await api.stop();
      await admin.query(`ALTER DATABASE ${dbName} RESET session_preload_libraries`);
      await admin.query(`ALTER DATABASE ${dbName} RESET auto_explain.log_min_duration`);
    }
  }
  const api = await startApi(url);
  const out: Measured[] = [];
  try {
    const token = await signIn(api.base);
    for (const r of routes) {
      const started = performance.now();
      const run = (duration: number) =>
        autocannon({
          url: api.base,
          connections: CONNECTIONS,
          duration,
          timeout: 30,
          headers: { authorization: `Bearer ${token}` },
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({ ...req, path: typeof r.path === 'string' ? r.path : r.path() }),
            },
          ],
        });
      if (WARMUP > 0) await run(WARMUP);
      const result = await run(SECONDS);
      const codes = result.statusCodeStats ?? {};
      const fiveXx = Object.entries(codes)
        .filter(([c]) => c.startsWith('5'))
        .reduce((n, [, s]) => n + s.count, 0);
      out.push({
        route: r,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        fiveXx,
        otherNon2xx: result.non2xx - fiveXx,
        errors: result.errors + result.timeouts,
        plan: plans.get(r.name) ?? (logFile ? [] : ['(server log not readable here)']),
      });
      console.log(
        `  ${r.name}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${seconds(started)} s)`,
      );
    }
  } finally {
    await api.stop();
  }
  return out;
}

function verdict(m: Measured): string {
  const problems: string[] = [];
  if (m.fiveXx || m.errors) problems.push(`${m.fiveXx} 5xx, ${m.errors} errors`);
  if (m.otherNon2xx) problems.push(`${m.otherNon2xx} other non-2xx`);
  if (m.route.target === 'list' && (m.p99 >= 300 || m.rps < 100)) problems.push('p99 < 300 ms and ≥ 100 req/s: missed');
  if (m.route.target === 'case' && m.p99 >= 100) problems.push('p99 < 100 ms: missed');
  return problems.length ? problems.join('; ') : 'met';
}

async function sizes(db: Client, records: number): Promise<string[]> {
  const { rows } = (await db.query(
    `SELECT c.relname AS t, c.reltuples::bigint AS rows, pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS idx,
       pg_total_relation_size(c.oid) AS total
     FROM pg_class c WHERE c.relname = ANY($1) ORDER BY c.relname`,
    [[...RECORD_TABLES, 'audit_events', 'disproportionality_rollup']],
  )) as { rows: { t: string; rows: string; heap: string; idx: string; total: string }[] };
  const [{ db: dbBytes }] = (await db.query(`SELECT pg_database_size(current_database()) AS db`)).rows as {
    db: string;
  }[];
  const mb = (b: string | number) => (Number(b) / 2 ** 20).toFixed(0);
  return [
    `| table | rows | heap MB | indexes MB | total MB | bytes per row (heap + indexes) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.t} | ${fmt(Number(r.rows))} | ${mb(r.heap)} | ${mb(r.idx)} | ${mb(r.total)} | ${Number(r.rows) ? (Number(r.total) / Number(r.rows)).toFixed(0) : '–'} |`,
    ),
    `database: ${mb(dbBytes)} MB for ${fmt(records)} records of each kind`,
  ];
}

/**
 * What a month costs without partitions: deleting one (as a re-import or a retention purge would), and deleting one
 * record, each rolled back and cut off at 60 s; and a VACUUM (ANALYZE) of the table.
 */
async function monthCosts(db: Client): Promise<string[]> {
  const timed = async (sql: string): Promise<string> => {
    await db.query('BEGIN');
    await db.query(`SET LOCAL statement_timeout = 60000`);
    const started = performance.now();
    try {
      await db.query(sql);
      return `${((performance.now() - started) / 1000).toFixed(2)} s`;
    } catch (error) {
      return `not done in ${((performance.now() - started) / 1000).toFixed(0)} s (${(error as Error).message})`;
    } finally {
      await db.query('ROLLBACK');
    }
  };
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM stop_searches WHERE period = '2020-06-01'`)).rows as {
    n: number;
  }[];
  const one = await timed(`DELETE FROM stop_searches WHERE id = (SELECT id FROM stop_searches LIMIT 1)`);
  const month = await timed(`DELETE FROM stop_searches WHERE period = '2020-06-01'`);
  const started = performance.now();
  await db.query('VACUUM (ANALYZE) stop_searches');
  return [
    `deleting stop searches (rolled back; the rollup triggers and the foreign keys' actions included): one record ${one}; ` +
      `one month (${fmt(n)} rows) ${month}; VACUUM (ANALYZE) of the whole table ${seconds(started)} s`,
  ];
}

function printScale(
  r: { scale: number; measured: Measured[]; sizes: string[]; month: string[] },
  first: { scale: number; measured: Measured[] },
): void {
  console.log(
    `\n${label(r.scale)} records of each kind (stop searches, vehicle stops, use of force; as many audit events)`,
  );
  console.log('| route | req/s | p50 ms | p99 ms | 5xx | plan (big tables) | target |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- | --- |');
  for (const m of r.measured) {
    let v = verdict(m);
    const base = first.measured.find((b) => b.route.name === m.route.name);
    if (r.scale !== first.scale && base && m.route.target !== 'floor' && m.p99 > 1.5 * Math.max(base.p99, 1))
      v += `; p99 ${(m.p99 / Math.max(base.p99, 1)).toFixed(1)}× ${label(first.scale)}'s`;
    console.log(
      `| ${m.route.name} | ${m.rps.toFixed(0)} | ${m.p50} | ${m.p99} | ${m.fiveXx} | ${m.plan.join(', ') || '–'} | ${m.route.target === 'floor' ? 'floor' : v} |`,
    );
  }
  console.log('');
  for (const l of [...r.sizes, ...r.month]) console.log(l);
}

async function main(url: string): Promise<void> {
  const dbName = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const db = new Client({ connectionString: url });
  try {
    let started = performance.now();
    // What a kept database already holds (--keep): the records of each kind loaded by an earlier run, else nothing.
    let have = await keptRecords(url);
    if (have === null) {
      await seedDistributions(url);
      await db.connect();
      await loadWorkflow(db);
      await db.query(`CREATE TABLE bench_loaded AS SELECT 0::bigint AS records`);
      console.log(
        `workflow rows (samples, panels, sessions, actions, imports, officers) loaded in ${seconds(started)} s`,
      );
      have = 0;
    } else {
      await db.connect();
      console.log(`reusing scrutiny_bench_api_kept: ${fmt(have)} records of each kind already loaded`);
      // A load cut off after dropping the indexes: they come back before anything is measured.
      if ((await rebuildIndexes(db)) > 0) await db.query('VACUUM (ANALYZE)');
    }
    const [force] = (await db.query(`SELECT code FROM bench_forces WHERE i = 3`)).rows as { code: string }[];
    const results: { scale: number; measured: Measured[]; sizes: string[]; month: string[] }[] = [];
    for (const scale of SCALES) {
      if (scale < have)
        throw new Error(
          `--scale ${label(scale)}: the kept database already holds ${label(have)}; drop it for a smaller one`,
        );
      if (scale > have) {
        started = performance.now();
        await dropIndexes(db);
        await loadRecords(db, have, scale);
        const loaded = seconds(started);
        started = performance.now();
        const rebuilt = await rebuildIndexes(db);
        await db.query('VACUUM (ANALYZE)');
        console.log(
          `${label(scale)}: loaded ${fmt(scale - have)} records of each kind in ${loaded} s; ${rebuilt} indexes rebuilt and vacuumed in ${seconds(started)} s`,
        );
        have = scale;
      }
      const ids = await someIds(db);
      let next = 0;
      const routes: Route[] = [
        { name: '/health', path: '/health', target: 'floor' },
        { name: 'stop searches, first page', path: '/api/v1/stop-searches?limit=50', target: 'list' },
        {
          name: 'stop searches, filtered (force + 6 months + ethnicity)',
          path: `/api/v1/stop-searches?limit=50&area=${force.code}&from=2024-01&to=2024-06&ethnicity=black`,
          target: 'list',
        },
        { name: 'vehicle stops, first page', path: '/api/v1/vehicle-stops?limit=50', target: 'list' },
        { name: 'use of force, first page', path: '/api/v1/use-of-force?limit=50', target: 'list' },
        { name: 'one stop search', path: () => `/api/v1/stop-searches/${ids[next++ % ids.length].id}`, target: 'case' },
        { name: 'dip samples', path: '/api/v1/dip-samples?limit=50', target: 'list' },
        { name: 'panel sessions', path: '/api/v1/panel-sessions', target: 'list' },
        { name: 'finding actions', path: '/api/v1/finding-actions', target: 'list' },
        { name: 'audit trail', path: '/api/v1/audit?limit=50', target: 'list' },
        { name: 'imports', path: '/api/v1/imports?limit=50', target: 'list' },
        {
          name: 'disproportionality (force, one year)',
          path: `/api/v1/disproportionality?area=${force.code}&from=2024-01&to=2024-12`,
          target: 'report',
        },
      ];
      console.log(`${label(scale)}: ${CONNECTIONS} connections × ${SECONDS} s per route`);
      const measured = await measure(url, dbName, admin, routes);
      const result = { scale, measured, sizes: await sizes(db, scale), month: await monthCosts(db) };
      results.push(result);
      printScale(result, results[0]); // as soon as measured: a later scale may not finish
    }

    console.log(
      `\nGET routes, ${CONNECTIONS} connections × ${SECONDS} s each after ${WARMUP} s unmeasured, API pool ${values.pool}, ${process.env.REDIS_URL ? 'Redis rate limiter' : 'in-memory rate limiter'}; ` +
        `targets at 10M: lists p99 < 300 ms and ≥ 100 req/s, one case p99 < 100 ms, no 5xx, within 1.5× of 1M`,
    );
    for (const r of results) printScale(r, results[0]);
    const missed = results.some((r) => r.measured.some((m) => m.route.target !== 'floor' && verdict(m) !== 'met'));
    if (missed) process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    await admin.end();
  }
}

/** Records of each kind a kept database holds (null: a new database, or one whose load never finished). */
async function keptRecords(url: string): Promise<number | null> {
  if (!values.keep) return null;
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const [{ loaded }] = (await db.query(`SELECT to_regclass('bench_loaded') IS NOT NULL AS loaded`)).rows as {
      loaded: boolean;
    }[];
    if (loaded) return ((await db.query(`SELECT records::int AS n FROM bench_loaded`)).rows as { n: number }[])[0].n;
    const [{ tables }] = (await db.query(`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`))
      .rows as { tables: number }[];
    if (tables > 0) throw new Error('scrutiny_bench_api_kept holds an unfinished load: drop it and run again');
    return null;
  } finally {
    await db.end();
  }
}

runBench(() => withBenchDatabase('api', main, { keep: values.keep }));
