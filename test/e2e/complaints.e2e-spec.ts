import { Readable } from 'node:stream';
import { ROLES, type Role } from '@scrutiny/auth';
import { csvRecords, groupOfSelfDefined } from '@scrutiny/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

async function parseCsv(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of csvRecords(Readable.from([text]))) rows.push(record.cells);
  return rows;
}

const NEW_COMPLAINT = {
  force: 'lancashire',
  reference: 'CO/E2E/0001',
  receivedOn: '2024-04-10',
  loggedOn: '2024-04-11',
  handling: 'schedule_3_reasonable_and_proportionate',
  complainant: { reference: 'CP-E2E-1', ethnicity: 'B1', sex: 'female', ageBand: '25_34' },
  themes: ['communication_and_respect'],
  allegations: [
    { category: 'discriminatory_behaviour', subCategory: 'religion_or_belief', officerReferences: ['PC-5120'] },
    { category: 'individual_behaviours', subCategory: 'impolite_language_or_tone', officerReferences: ['PC-5120'] },
  ],
};

describe('complaints register (demo data)', () => {
  let t: TestApp;
  const auth = {} as Record<Role, { authorization: string }>;
  const get = (url: string, role: Role) => t.http().get(url).set(auth[role]);
  let created: { id: string; version: number };

  beforeAll(async () => {
    t = await createTestApp({
      DEMO_RECORDS: 'true',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    for (const role of ROLES) auth[role] = { authorization: `Bearer ${await tokenFor(t, role)}` };
    // Start-up seeds every demo set, the complaints register last: allow for a busy machine.
  }, 120_000);
  afterAll(() => t.close());

  describe('the register', () => {
    it('records a complaint with its allegations (IOPC categories, officers from the register) and reads it back', async () => {
      const res = await t.http().post('/api/v1/complaints').set(auth.professional_standards).send(NEW_COMPLAINT);
      expect(res.status).toBe(201);
      created = res.body;
      expect(res.body).toMatchObject({
        reference: 'CO/E2E/0001',
        status: 'open',
        daysToFinalise: null,
        complainant: { reference: 'CP-E2E-1', ethnicity: 'B1', sex: 'female', ageBand: '25_34' },
        version: 1,
      });
      expect(res.body.allegations).toEqual([
        expect.objectContaining({
          position: 1,
          category: 'discriminatory_behaviour',
          subCategory: 'religion_or_belief',
          characteristic: 'religion_or_belief',
          officers: [expect.objectContaining({ reference: 'PC-5120', teamCode: 'TEAM-A' })],
          encounter: null,
        }),
        expect.objectContaining({ position: 2, characteristic: null }),
      ]);
      expect((await get(`/api/v1/complaints/${created.id}`, 'professional_standards').expect(200)).body.id).toBe(
        created.id,
      );
    });

    it('refuses what breaks the rules, in plain words, field by field', async () => {
      const bad = await t
        .http()
        .post('/api/v1/complaints')
        .set(auth.professional_standards)
        .send({
          ...NEW_COMPLAINT,
          reference: 'CO/E2E/0002',
          finalisedOn: '2024-04-01',
          allegations: [
            { category: 'individual_behaviours', subCategory: 'race' },
            { category: 'other', subCategory: 'other', characteristic: 'race' },
            { category: 'other', subCategory: 'other', officerReferences: ['PC-NOBODY'] },
          ],
        })
        .expect(400);
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'finalisedOn', message: 'must not be before receivedOn' },
          expect.objectContaining({
            field: 'allegations.0.subCategory',
            message: expect.stringMatching(/^is not a sub-category of individual_behaviours/),
          }),
          {
            field: 'allegations.1.characteristic',
            message: 'is given only for discriminatory behaviour (the protected characteristic)',
          },
        ]),
      );
      const unknown = await t
        .http()
        .post('/api/v1/complaints')
        .set(auth.professional_standards)
        .send({
          ...NEW_COMPLAINT,
          reference: 'CO/E2E/0003',
          allegations: [{ category: 'other', subCategory: 'other', officerReferences: ['PC-NOBODY'] }],
        })
        .expect(400);
      expect(unknown.body.errors).toEqual([
        { field: 'allegations.0.officerReferences', message: "no officer PC-NOBODY in this force's register" },
      ]);
      const twice = await t.http().post('/api/v1/complaints').set(auth.professional_standards).send(NEW_COMPLAINT);
      expect(twice.status).toBe(400);
      expect(twice.body.errors).toEqual([
        { field: 'reference', message: 'complaint CO/E2E/0001 is already recorded for this force' },
      ]);
    });

    it('corrects with optimistic locking: the version read, or 409', async () => {
      const ok = await t
        .http()
        .patch(`/api/v1/complaints/${created.id}`)
        .set(auth.professional_standards)
        .send({
          version: 1,
          finalisedOn: '2024-05-20',
          allegations: [{ ...NEW_COMPLAINT.allegations[0], outcome: 'service_not_acceptable' }],
        })
        .expect(200);
      expect(ok.body).toMatchObject({ version: 2, status: 'finalised', daysToFinalise: 40 });
      expect(ok.body.allegations).toHaveLength(1);
      const stale = await t
        .http()
        .patch(`/api/v1/complaints/${created.id}`)
        .set(auth.professional_standards)
        .send({ version: 1, handling: 'local_investigation' })
        .expect(409);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
    });

    it('lists newest received first with filters and a keyset cursor, each filter agreeing with the rows', async () => {
      const all: { id: string; receivedOn: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: {
          body: { items: { id: string; receivedOn: string }[]; nextCursor: string | null; total: number };
        } = await get(
          `/api/v1/complaints?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
          'professional_standards',
        ).expect(200);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM complaints`);
      expect(all).toHaveLength(n);
      expect(new Set(all.map((c) => c.id)).size).toBe(n);
      expect(all.map((c) => c.receivedOn)).toEqual([...all.map((c) => c.receivedOn)].sort().reverse());

      const count = async (sql: string, params: unknown[] = []) =>
        (await t.dataSource.query(sql, params))[0].n as number;
      const total = async (query: string) =>
        (await get(`/api/v1/complaints?${query}`, 'professional_standards').expect(200)).body.total as number;
      expect(await total('from=2024-04-01&to=2024-06-30')).toBe(
        await count(
          `SELECT count(*)::int AS n FROM complaints WHERE received_on BETWEEN '2024-04-01' AND '2024-06-30'`,
        ),
      );
      expect(await total('characteristic=race')).toBe(
        await count(
          `SELECT count(DISTINCT complaint_id)::int AS n FROM complaint_allegations WHERE characteristic = 'race'`,
        ),
      );
      expect(await total('category=individual_behaviours&status=open')).toBe(
        await count(
          `SELECT count(DISTINCT c.id)::int AS n FROM complaints c JOIN complaint_allegations a ON a.complaint_id = c.id
           WHERE a.category = 'individual_behaviours' AND c.finalised_on IS NULL`,
        ),
      );
      expect(await total('officer=PC-4471')).toBe(
        await count(
          `SELECT count(DISTINCT a.complaint_id)::int AS n FROM complaint_allegations a JOIN complaint_allegation_officers ao ON ao.allegation_id = a.id
           JOIN officers o ON o.id = ao.officer_id WHERE o.reference = 'PC-4471'`,
        ),
      );
      expect(await total('team=TEAM-B')).toBeGreaterThan(0);
      const [search] = await t.dataSource.query(
        `SELECT encounter_id FROM complaint_allegations WHERE encounter_kind = 'stop_search' ORDER BY encounter_id LIMIT 1`,
      );
      const linked = await get(
        `/api/v1/complaints?encounterKind=stop_search&encounterId=${search.encounter_id}`,
        'professional_standards',
      ).expect(200);
      expect(linked.body.total).toBeGreaterThan(0);
      for (const c of linked.body.items)
        expect(
          c.allegations.some((a: { encounter: { id: string } | null }) => a.encounter?.id === search.encounter_id),
        ).toBe(true);
      const wrong = await get('/api/v1/complaints?cursor=nonsense', 'professional_standards').expect(400);
      expect(wrong.body.errors).toEqual([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
    });

    it('raises an action from an outcome into the "you said, we did" tracker', async () => {
      const action = await t
        .http()
        .post(`/api/v1/complaints/${created.id}/actions`)
        .set(auth.professional_standards)
        .send({ kind: 'feedback_to_officer', description: 'Debrief PC-5120', owner: 'Inspector', dueOn: '2024-08-31' })
        .expect(201);
      expect(action.body).toMatchObject({ complaintId: created.id, status: 'open', findingId: null });
      const tracked = (await get('/api/v1/finding-actions', 'professional_standards').expect(200)).body.items;
      expect(tracked.map((a: { id: string }) => a.id)).toContain(action.body.id);
      expect(
        (await get(`/api/v1/complaints/${created.id}`, 'professional_standards').expect(200)).body.actions,
      ).toEqual([expect.objectContaining({ id: action.body.id, kind: 'feedback_to_officer' })]);
    });
  });

  describe('access for each role', () => {
    it('supervisors: only complaints arising from encounters in their scope, without the complainant; writes refused', async () => {
      const mine = (await get('/api/v1/complaints?limit=200', 'supervisor').expect(200)).body;
      const expected = await t.dataSource.query(
        `SELECT DISTINCT a.complaint_id FROM complaint_allegations a
         JOIN (SELECT id, team_code FROM stop_searches UNION ALL SELECT id, team_code FROM vehicle_stops UNION ALL SELECT id, team_code FROM use_of_force_reports) e
           ON e.id = a.encounter_id WHERE e.team_code = 'TEAM-A'`,
      );
      expect(mine.total).toBe(expected.length);
      expect(mine.total).toBeGreaterThanOrEqual(3);
      for (const c of mine.items) {
        expect(c.complainant).toBeNull();
        expect(c.actions).toBeNull();
      }
      // A complaint with no encounter (about their officer PC-5120) is not theirs to read: 404 as if missing.
      await get(`/api/v1/complaints/${created.id}`, 'supervisor').expect(404);
      await t.http().post('/api/v1/complaints').set(auth.supervisor).send(NEW_COMPLAINT).expect(403);
      await get('/api/v1/complaints/export.csv', 'supervisor').expect(403);
      const counts = (await get('/api/v1/complaints/summary?from=2024-04-01&to=2024-06-30', 'supervisor').expect(200))
        .body;
      expect(counts.scope).toBe('teams');
      const [{ n }] = await t.dataSource.query(
        `SELECT count(DISTINCT c.id)::int AS n FROM complaints c JOIN complaint_allegations a ON a.complaint_id = c.id
         LEFT JOIN complaint_allegation_officers ao ON ao.allegation_id = a.id LEFT JOIN officers o ON o.id = ao.officer_id
         WHERE c.received_on BETWEEN '2024-04-01' AND '2024-06-30' AND (o.team_code = 'TEAM-A' OR a.encounter_id IN (
           SELECT id FROM stop_searches WHERE team_code = 'TEAM-A' UNION ALL SELECT id FROM vehicle_stops WHERE team_code = 'TEAM-A'
           UNION ALL SELECT id FROM use_of_force_reports WHERE team_code = 'TEAM-A'))`,
      );
      expect(counts.complaints).toBe(n);
    });

    it('panel members see none; analysts only aggregates under the disclosure rule; admins none', async () => {
      for (const role of ['internal_panel', 'external_panel', 'admin', 'analyst'] as Role[]) {
        await get('/api/v1/complaints', role).expect(403);
        await get(`/api/v1/complaints/${created.id}`, role).expect(403);
      }
      for (const role of ['internal_panel', 'external_panel', 'admin'] as Role[])
        await get('/api/v1/complaints/summary?from=2024-04-01&to=2024-06-30', role).expect(403);
      const analyst = (await get('/api/v1/complaints/summary?from=2023-04-01&to=2024-06-30', 'analyst').expect(200))
        .body;
      expect(analyst).toMatchObject({ scope: 'all', disclosure: { applied: true } });
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM complaints WHERE received_on BETWEEN '2023-04-01' AND '2024-06-30'`,
      );
      expect(analyst.complaints).toBe(n < 10 ? null : 5 * Math.floor(n / 5));
      for (const row of analyst.discrimination)
        expect(row.allegations === null || row.allegations % 5 === 0).toBe(true);
      const rates = (
        await get('/api/v1/complaints/disproportionality?from=2024-04&to=2024-06&area=lancashire', 'analyst').expect(
          200,
        )
      ).body;
      expect(rates.disclosure.applied).toBe(true);
      expect(
        rates.groups.every((g: { complaints: number | null }) => g.complaints === null || g.complaints >= 10),
      ).toBe(true);
    });

    it('audits every read and change', async () => {
      const actions = (
        await t.dataSource.query(`SELECT DISTINCT action FROM audit_events WHERE action LIKE 'complaint%'`)
      ).map((r: { action: string }) => r.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'complaint.created',
          'complaint.updated',
          'complaint.viewed',
          'complaints.listed',
          'complaints.summary_viewed',
          'complaints.disproportionality_viewed',
        ]),
      );
      const [viewed] = await t.dataSource.query(
        `SELECT actor_username, details FROM audit_events WHERE action = 'complaints.listed' AND actor_username = 'supervisor' ORDER BY seq DESC LIMIT 1`,
      );
      expect(viewed.details.ids.length).toBeGreaterThan(0);
    });
  });

  describe('the quarterly review (2024-Q2)', () => {
    let review: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeAll(async () => {
      review = (await get('/api/v1/themes/quarters/2024-Q2', 'professional_standards').expect(200)).body;
    });

    it("counts the quarter's complaints as plain SQL over the stored rows does", async () => {
      const count = async (sql: string, from: string, to: string) =>
        (await t.dataSource.query(sql, [from, to]))[0].n as number;
      const complaintsIn = `SELECT count(*)::int AS n FROM complaints WHERE received_on >= $1::date AND received_on < $2::date`;
      expect(review.complaints.received.complaints).toMatchObject({
        count: await count(complaintsIn, '2024-04-01', '2024-07-01'),
        previousQuarter: await count(complaintsIn, '2024-01-01', '2024-04-01'),
        sameQuarterLastYear: await count(complaintsIn, '2023-04-01', '2023-07-01'),
      });
      expect(review.complaints.received.complaints.count).toBeGreaterThan(0);
      const byCharacteristic = await t.dataSource.query(
        `SELECT a.characteristic, count(*)::int AS n FROM complaint_allegations a JOIN complaints c ON c.id = a.complaint_id
         WHERE a.category = 'discriminatory_behaviour' AND c.received_on >= '2024-04-01' AND c.received_on < '2024-07-01' GROUP BY 1`,
      );
      expect(byCharacteristic.length).toBeGreaterThan(0);
      for (const row of byCharacteristic)
        expect(review.complaints.discrimination).toContainEqual(
          expect.objectContaining({ characteristic: row.characteristic, count: row.n }),
        );
      const byCategory = await t.dataSource.query(
        `SELECT a.category, count(*)::int AS n FROM complaint_allegations a JOIN complaints c ON c.id = a.complaint_id
         WHERE c.received_on >= '2024-01-01' AND c.received_on < '2024-04-01' GROUP BY 1`,
      );
      for (const row of byCategory)
        expect(review.complaints.byCategory).toContainEqual(
          expect.objectContaining({ category: row.category, previousQuarter: row.n }),
        );
      const finalised = await t.dataSource.query(
        `SELECT count(*)::int AS n, avg(finalised_on - received_on)::float8 AS mean FROM complaints
         WHERE finalised_on >= '2024-04-01' AND finalised_on < '2024-07-01'`,
      );
      expect(review.complaints.timeliness.finalised).toBe(finalised[0].n);
      expect(review.complaints.timeliness.meanDays).toBeCloseTo(finalised[0].mean, 1);
      const powers = await t.dataSource.query(
        `SELECT a.encounter_kind, count(DISTINCT a.complaint_id)::int AS n FROM complaint_allegations a JOIN complaints c ON c.id = a.complaint_id
         WHERE a.encounter_id IS NOT NULL AND c.received_on >= '2024-04-01' AND c.received_on < '2024-07-01' GROUP BY 1 ORDER BY 1`,
      );
      const byKind = new Map<string, number>();
      for (const p of review.complaints.powers as { kind: string; complaints: number }[])
        byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + p.complaints);
      expect(
        powers.map((p: { encounter_kind: string; n: number }) => [p.encounter_kind, byKind.get(p.encounter_kind)]),
      ).toEqual(powers.map((p: { encounter_kind: string; n: number }) => [p.encounter_kind, p.n]));
      expect(review.complaints.powers).toContainEqual(
        expect.objectContaining({ kind: 'stop_search', power: 'misuse_of_drugs_act_s23', discrimination: 1 }),
      );
    });

    it('names repeat concerns from complaints and amber/red ratings together, saying where each case came from', async () => {
      const pc7003 = review.repeatConcerns.officers.find((c: { subject: string }) => c.subject === 'PC-7003');
      // One amber-rated search (June) and one complaint with no encounter (May): two cases from two sources.
      expect(pc7003).toMatchObject({ cases: 2, complaints: 1, red: 0 });
      expect(pc7003.caseList.map((c: { sources: string[] }) => c.sources)).toEqual([['complaint'], ['review']]);
      // PC-4471's race complaint about a search: one case, however many allegations name it.
      const pc4471 = review.repeatConcerns.officers.find((c: { subject: string }) => c.subject === 'PC-4471');
      const search = pc4471.caseList.filter((c: { complaintReferences: string[] }) =>
        c.complaintReferences.includes('CO/DEMO/0101'),
      );
      expect(search).toHaveLength(1);
      expect(review.repeatConcerns.rule).toMatch(/complained about/);
    });

    it('brings complaint actions into the tracker of the quarter, and the supervisor summary has no complaints', async () => {
      expect(review.actions.items).toContainEqual(
        expect.objectContaining({ complaintId: expect.any(String), kind: 'feedback_to_officer' }),
      );
      const summary = (await get('/api/v1/themes/quarters/2024-Q2', 'supervisor').expect(200)).body;
      expect(summary.complaints).toBeNull();
    });

    it('prints the complaints sections in the report pack', async () => {
      const psd = auth.professional_standards;
      let pack = (await t.http().post('/api/v1/themes/quarters/2024-Q2/packs').set(psd).send({}).expect(202)).body;
      for (let i = 0; i < 200 && !['ready', 'failed'].includes(pack.status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        pack = (await t.http().get(`/api/v1/report-packs/${pack.id}`).set(psd).expect(200)).body;
      }
      expect(pack).toMatchObject({ status: 'ready' });
      expect(Object.keys(pack.downloads.csv)).toEqual(
        expect.arrayContaining([
          'complaints_received',
          'complaints_discrimination',
          'complaints_by_category',
          'complaints_powers',
          'complaints_timeliness',
          'complaints_themes',
          'complaints_outcomes',
          'complaints_handling',
        ]),
      );
      const [header, ...rows] = await parseCsv(
        (await t.http().get(pack.downloads.csv.complaints_discrimination).set(psd).expect(200)).text,
      );
      expect(header.slice(0, 3)).toEqual(['characteristic_code', 'protected_characteristic', 'count']);
      expect(rows.map((r) => [r[0], Number(r[2])])).toEqual(
        review.complaints.discrimination.map((d: { characteristic: string; count: number }) => [
          d.characteristic,
          d.count,
        ]),
      );
      expect(rows.map((r) => r[1])).toContain('Race');
      const html = (await t.http().get(pack.downloads.html).set(psd).expect(200)).text;
      expect(html).toContain('Allegations of discriminatory behaviour by protected characteristic');
      expect(html).toContain('Complaints arising from the use of police powers');
    });
  });

  describe('disproportionality of complaints', () => {
    it('gives race-discrimination complaints from stop and search per 1,000 searches of each group, with intervals', async () => {
      const rates = (
        await get(
          '/api/v1/complaints/disproportionality?from=2024-04&to=2024-06&area=lancashire',
          'professional_standards',
        ).expect(200)
      ).body;
      // Independent of the service's SQL: raw codes counted, grouped here by the records' own table.
      const raw = (await t.dataSource.query(
        `SELECT s.self_defined_ethnicity AS code, count(DISTINCT s.id)::int AS searches, count(DISTINCT a.complaint_id)::int AS complaints
         FROM stop_searches s LEFT JOIN complaint_allegations a ON a.encounter_kind = 'stop_search' AND a.encounter_id = s.id
           AND a.category = 'discriminatory_behaviour' AND a.characteristic = 'race'
         WHERE s.force_code = 'E23000003' AND s.period BETWEEN '2024-04-01' AND '2024-06-01' GROUP BY 1`,
      )) as { code: string | null; searches: number; complaints: number }[];
      const oracle = new Map<string, { searches: number; complaints: number }>();
      for (const r of raw) {
        const group = groupOfSelfDefined(r.code);
        if (!group) continue;
        const o = oracle.get(group) ?? { searches: 0, complaints: 0 };
        oracle.set(group, { searches: o.searches + r.searches, complaints: o.complaints + r.complaints });
      }
      expect(oracle.size).toBeGreaterThan(0);
      for (const g of rates.groups as { group: string; searches: number; complaints: number }[])
        expect([g.group, g.searches, g.complaints]).toEqual([
          g.group,
          oracle.get(g.group)?.searches ?? 0,
          oracle.get(g.group)?.complaints ?? 0,
        ]);
      const black = rates.groups.find((g: { group: string }) => g.group === 'black');
      expect(black.complaints).toBeGreaterThan(0);
      expect(black.ratePer1000).toBeCloseTo((1000 * black.complaints) / black.searches, 6);
      expect(black.ci95.lower).toBeLessThan(black.ratePer1000);
      expect(black.ci95.upper).toBeGreaterThanOrEqual(black.ratePer1000);
      expect(rates.disclosure.applied).toBe(false);
    });
  });

  describe('CSV export and import through the same pipeline', () => {
    it('exports the register as the template, which imports back as duplicates; a bad file is refused by line', async () => {
      const psd = auth.professional_standards;
      const csv = (
        await get('/api/v1/complaints/export.csv?from=2024-04-01&to=2024-06-30', 'professional_standards').expect(200)
      ).text;
      const lines = csv.trim().split('\n');
      expect(lines[0]).toBe(
        'reference,received_on,logged_on,finalised_on,handling,complainant_reference,complainant_ethnicity,complainant_sex,complainant_age_band,themes,category,sub_category,characteristic,officer_references,encounter_kind,encounter_reference,outcome',
      );
      const upload = (name: string, text: string) =>
        t
          .http()
          .post('/api/v1/complaints/imports')
          .set(psd)
          .field('force', 'lancashire')
          .attach('file', Buffer.from(text), name);
      const queued = await upload('complaints-2024-q2.csv', csv).expect(202);
      let view = queued.body;
      for (let i = 0; i < 200 && !['completed', 'failed'].includes(view.status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        view = (await t.http().get(`/api/v1/complaints/imports/${view.id}`).set(psd).expect(200)).body;
      }
      expect(view).toMatchObject({
        format: 'complaints',
        status: 'completed',
        rowsRead: lines.length - 1,
        rowsImported: 0,
        rowsDuplicate: lines.length - 1,
        rowsRejected: 0,
      });

      const bad = await upload('bad.csv', `${lines[0]}\nCO/NEW/1,2024-06-01,,,,,,,,,other,other,race,,,,\n`).expect(
        202,
      );
      let badView = bad.body;
      for (let i = 0; i < 200 && !['completed', 'failed'].includes(badView.status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        badView = (await t.http().get(`/api/v1/complaints/imports/${badView.id}`).set(psd).expect(200)).body;
      }
      expect(badView.rejected).toEqual([
        {
          line: 2,
          field: 'characteristic',
          reason: 'is given only for discriminatory behaviour (the protected characteristic)',
        },
      ]);
      await upload('x.csv', 'reference,when\n').expect(400);
      // Not a route to others' imports.
      const [other] = await t.dataSource.query(`SELECT id FROM imports WHERE format <> 'complaints' LIMIT 1`);
      await t.http().get(`/api/v1/complaints/imports/${other.id}`).set(psd).expect(404);
    });
  });
});
