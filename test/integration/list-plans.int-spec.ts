import { AuditService } from '@scrutiny/audit';
import { countPopulation, parsePlanSpec, readPopulation, type PlanSpec } from '@scrutiny/sampling';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/** The tables that grow with the force's activity: a page of any of them must never be read by scanning it. */
const RECORD_TABLES = ['stop_searches', 'vehicle_stops', 'use_of_force_reports', 'audit_events', 'imports'];
const ROWS = 100_000;
/** Fewer: each must be sealed into the hash chain first (what the worker's sealer does), which costs seconds. */
const AUDIT_ROWS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** The record tables a statement reads (FROM or JOIN), by name. */
function recordTablesOf(sql: string): string[] {
  return RECORD_TABLES.filter((t) => new RegExp(`\\b(FROM|JOIN)\\s+"?${t}"?\\b`, 'i').test(sql));
}

/**
 * Issue 17: every list a screen offers, on tables of 100,000 rows (the audit log 20,000), is planned as an index
 * read, each filter and the sampling population included. The statements are the ones the real routes send (captured
 * from the app's own DataSource while a request runs), explained with the parameters they were sent with. Embedded
 * mode too: PGlite is PostgreSQL's own planner, so its plans are the same.
 */
describe('list plans use an index (integration)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'supervisor', string>;
  let capturing = false;
  const captured: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    // No background sealer: its statements, run while a request is being captured, would be read as the route's.
    t = await createTestApp({
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_MS: '0',
    });
    token.admin = await tokenFor(t, 'admin');
    token.supervisor = await tokenFor(t, 'supervisor');
    const ds = t.dataSource;
    // Every local authority with its force, so rows are placed as real ones are; times spread over five years.
    const places = `(SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, parent_code AS force,
        count(*) OVER () AS n FROM areas WHERE level = 'local_authority')`;
    const spread = (table: string, columns: string, values: string) =>
      ds.query(
        `INSERT INTO ${table} (force_code, area_code, occurred_at, period, source, version, team_code, ${columns})
         SELECT l.force, CASE WHEN g % 10 = 0 THEN NULL ELSE l.code END, x.at,
           date_trunc('month', x.at AT TIME ZONE 'Europe/London')::date, 'manual', 1, 'TEAM-' || (g % 40), ${values}
         FROM generate_series(1::bigint, ${ROWS}) g
         JOIN ${places} l ON l.k = (g * 7919) % l.n
         CROSS JOIN LATERAL (SELECT timestamptz '2020-01-01' + ((g * 104729) % (5 * 365 * 86400)) * interval '1 second' AS at) x`,
      );
    const officerEthnicity = `(ARRAY['white','white','white','black','asian','mixed','other'])[1 + (g / 7) % 7]`;
    const selfEthnicity = `(ARRAY['W1','W1','W2','B1','B2','A1','M1','O1'])[1 + (g / 7) % 8]`;
    await spread(
      'stop_searches',
      'search_type, legislation, outcome, self_defined_ethnicity, officer_defined_ethnicity, age_range',
      `'person', (ARRAY['misuse_of_drugs_act_s23','pace_s1','cjpoa_s60'])[1 + g % 3],
       (ARRAY['no_further_action','arrest','community_resolution'])[1 + g % 3], ${selfEthnicity}, ${officerEthnicity}, '18_24'`,
    );
    await spread(
      'vehicle_stops',
      'reason, outcome, self_defined_ethnicity, officer_defined_ethnicity',
      `'moving_traffic_offence', 'no_further_action', ${selfEthnicity}, ${officerEthnicity}`,
    );
    await spread(
      'use_of_force_reports',
      'tactics, impact_factors, reasons, outcomes, perceived_ethnicity',
      `'[]'::jsonb, '{}', '{}', ARRAY[(ARRAY['arrested','hospitalised'])[1 + g % 2]], ${officerEthnicity}`,
    );
    await ds.query(
      `INSERT INTO imports (format, force_code, filename, status, rows_read, rows_imported, rows_duplicate, rows_rejected,
         rows_updated, rows_with_notices, created_at)
       SELECT (ARRAY['police-uk','stop-searches'])[1 + g % 2], l.force, 'file-' || g || '.csv',
         (ARRAY['completed','failed','completed','completed'])[1 + g % 4], 0, 0, 0, 0, 0, 0,
         timestamptz '2020-01-01' + g * interval '17 minutes'
       FROM generate_series(1::bigint, ${ROWS}) g JOIN ${places} l ON l.k = g % l.n`,
    );
    const [{ id: adminId }] = (await ds.query(`SELECT id FROM users WHERE username = 'admin'`)) as { id: string }[];
    await ds.query(
      `INSERT INTO audit_events (id, occurred_at, actor_id, actor_username, actor_roles, action, target_type, target_id)
       SELECT gen_random_uuid(), timestamptz '2024-01-01' + g * interval '1 minute',
         CASE WHEN g % 5 = 0 THEN $1::uuid ELSE gen_random_uuid() END, 'someone', '{analyst}',
         (ARRAY['stop_search.viewed','stop_search.listed','auth.login.succeeded'])[1 + g % 3], 'stop_search', g::text
       FROM generate_series(1::bigint, ${AUDIT_ROWS}) g`,
      [adminId],
    );
    // Sealed into the chain, as the worker's sealer would have done (a read seals one batch at most; it is not the read).
    await t.app.get(AuditService).seal();
    for (const table of RECORD_TABLES) await ds.query(`VACUUM ANALYZE ${table}`);

    const logger = ds.logger;
    const log = logger.logQuery.bind(logger);
    logger.logQuery = (sql, params, runner) => {
      if (capturing) captured.push({ sql, params: (params as unknown[] | undefined) ?? [] });
      return log(sql, params, runner);
    };
  }, 600_000);
  afterAll(() => t?.close());

  /** The plan of every statement that read a record table while `work` ran, with each table it read. */
  async function plansOf(
    work: () => Promise<unknown>,
  ): Promise<{ sql: string; tables: string[]; nodes: PlanNode[] }[]> {
    captured.length = 0;
    capturing = true;
    try {
      await work();
    } finally {
      capturing = false;
    }
    const reads = captured.filter((q) => /^\s*(SELECT|WITH)\b/i.test(q.sql) && recordTablesOf(q.sql).length);
    const plans = [];
    for (const q of reads) {
      const [row] = (await t.dataSource.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params)) as {
        'QUERY PLAN': [{ Plan: PlanNode }] | string;
      }[];
      const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
      plans.push({ sql: q.sql, tables: recordTablesOf(q.sql), nodes: nodesOf((plan as [{ Plan: PlanNode }])[0].Plan) });
    }
    return plans;
  }

  /** No sequential scan of a record table, and every record table the statement names read through an index. */
  function expectIndexReads(label: string, plans: { sql: string; tables: string[]; nodes: PlanNode[] }[]): void {
    expect({ label, statements: plans.length > 0 }).toEqual({ label, statements: true });
    for (const { sql, tables, nodes } of plans) {
      const scans = nodes
        .filter((n) => n['Node Type'] === 'Seq Scan' && RECORD_TABLES.includes(n['Relation Name'] ?? ''))
        .map((n) => n['Relation Name']);
      const indexed = new Set(
        nodes.filter((n) => /Index/.test(n['Node Type']) && n['Relation Name']).map((n) => n['Relation Name']),
      );
      // A bitmap index scan names the index only; its heap scan above names the table.
      for (const n of nodes) if (n['Node Type'] === 'Bitmap Heap Scan') indexed.add(n['Relation Name']);
      expect({ label, sql, scans }).toEqual({ label, sql, scans: [] });
      expect({ label, sql, unindexed: tables.filter((table) => !indexed.has(table)) }).toEqual({
        label,
        sql,
        unindexed: [],
      });
    }
  }

  const get = (url: string, who: keyof typeof token = 'admin') =>
    plansOf(() =>
      t
        .http()
        .get(url)
        .set({ authorization: `Bearer ${token[who]}` })
        .expect(200),
    );

  const kinds = [
    { path: 'stop-searches', self: true, power: 'pace_s1', outcome: 'arrest' },
    { path: 'vehicle-stops', self: true, outcome: 'no_further_action' },
    { path: 'use-of-force', self: false, outcome: 'arrested' },
  ];

  it.each(kinds)('$path: the first page, the next page and every filter read an index', async (kind) => {
    const base = `/api/v1/${kind.path}`;
    const first = await t
      .http()
      .get(base)
      .set({ authorization: `Bearer ${token.admin}` })
      .expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const filters = [
      '',
      `?cursor=${first.body.nextCursor}`,
      '?from=2023-03&to=2023-05',
      '?area=E23000001',
      '?area=E23000001&from=2024-01&to=2024-06',
      '?area=E09000007',
      '?area=E09000007&from=2022-01&to=2022-12',
      '?ethnicity=black&basis=officer',
      '?area=E23000001&from=2024-01&to=2024-06&ethnicity=black&basis=officer',
      `?outcome=${kind.outcome}`,
      ...(kind.self ? ['?ethnicity=black', '?ethnicity=asian&basis=self&from=2021-02&to=2021-02'] : []),
      ...(kind.power ? [`?power=${kind.power}&from=2024-01&to=2024-01`] : []),
    ];
    for (const filter of filters) expectIndexReads(`${base}${filter}`, await get(`${base}${filter}`));
    // A supervisor's scope (their teams, areas, officers and review assignments).
    expectIndexReads(`${base} (supervisor)`, await get(base, 'supervisor'));
  });

  // A self-defined group is several codes: the page is one ordered read per code, merged, not every match sorted.
  it.each(kinds.filter((k) => k.self))(
    '$path: one self-defined group in a force over months is read in order',
    async (kind) => {
      const table = kind.path.replace('-', '_');
      const pages = (await get(`/api/v1/${kind.path}?area=E23000001&from=2024-01&to=2024-06&ethnicity=black`)).filter(
        (p) => /officer_reference/.test(p.sql),
      );
      expect(pages).toHaveLength(1);
      const nodes = pages[0].nodes;
      // Every read of the table is bounded by its branch's LIMIT, merged in order (a code with next to no rows, B9 here,
      // may be planned as a sort of its few matches).
      const unbounded = (node: PlanNode, limited: boolean): string[] => [
        ...(node['Relation Name'] === table && !limited ? [node['Node Type']] : []),
        ...(node.Plans ?? []).flatMap((c) => unbounded(c, limited || node['Node Type'] === 'Limit')),
      ];
      expect(unbounded(nodes[0].Plans![0], false)).toEqual([]);
      // Each code's read is an ordered index scan (a bitmap scan returns matches unordered, to be sorted).
      const reads = nodes
        .filter((n) => n['Relation Name'] === table)
        .map((n) => `${n['Node Type']} ${n['Index Name']}`);
      // (by code, then the list's order: with the force too, or the force as a filter on the walk, as the planner sees fit)
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) expect(read).toMatch(new RegExp(`^Index Scan ix_${table}_(force_)?self_ethnicity$`));
    },
  );

  it('the audit log: first page, next page, and by actor, action, target and time', async () => {
    const [{ id: adminId }] = (await t.dataSource.query(`SELECT id FROM users WHERE username = 'admin'`)) as {
      id: string;
    }[];
    for (const filter of [
      '',
      '?cursor=10000',
      `?actorId=${adminId}`,
      '?action=stop_search.viewed',
      '?targetType=stop_search&targetId=4242',
      '?from=2024-02-01T00:00:00Z&to=2024-02-02T00:00:00Z',
    ])
      expectIndexReads(`/api/v1/audit${filter}`, await get(`/api/v1/audit${filter}`));
  });

  it('imports: the first page, by status and by force (the page; its exact count is of a table of files)', async () => {
    for (const filter of ['', '?status=failed', '?force=E23000001', '?from=2021-01-01&to=2021-01-31']) {
      const plans = await get(`/api/v1/imports${filter}`);
      expectIndexReads(
        `/api/v1/imports${filter}`,
        plans.filter((p) => !/^\s*SELECT count\(\*\)/i.test(p.sql)),
      );
    }
  });

  it('the sampling population of a month (draw and verify read the same), whole force and by team', async () => {
    const parsed = parsePlanSpec({
      kinds: ['stop_search', 'vehicle_stop', 'use_of_force'],
      rules: [{ rule: 'repeat_subject', params: { minEncounters: 2, lookbackDays: 30 } }],
      exclusions: { alreadyReviewed: true, alreadySampled: true },
    });
    if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
    const spec: PlanSpec = parsed.spec;
    for (const teams of [[], ['TEAM-3', 'TEAM-7']]) {
      const query = { period: '2023-05', spec, teams, asOf: new Date() };
      const plans = await plansOf(async () => {
        await readPopulation(t.dataSource, query);
        await countPopulation(t.dataSource, query);
      });
      expectIndexReads(`population teams=${teams.join(',')}`, plans);
    }
  });
});
