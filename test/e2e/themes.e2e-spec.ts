import { Readable } from 'node:stream';
import { ROLES, type Role } from '@scrutiny/auth';
import { JobQueue } from '@scrutiny/jobs';
import { QuarterlyReviewService, ReportPackRecovery, ReportPacksService } from '@scrutiny/themes';
import { tokenFor } from '../factories/users';
import { itOnPostgres, raceUpToAudit } from '../setup/concurrency';
import { createTestApp, type TestApp } from '../setup/test-app';
import { csvRecords } from '../../libs/records/imports/csv-records';

async function parseCsv(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of csvRecords(Readable.from([text]))) rows.push(record.cells);
  return rows;
}

/** Tags of one theme in a quarter, counted straight from the stored forms (the oracle the API must agree with). */
async function tagsInQuarter(t: TestApp, theme: string, from: string, to: string): Promise<number> {
  const [{ n }] = await t.dataSource.query(
    `SELECT (
       (SELECT count(*) FROM sample_reviews r JOIN dip_sample_items i ON i.id = r.item_id JOIN dip_samples s ON s.id = i.sample_id
        WHERE r.status = 'completed' AND s.period >= $2::date AND s.period < $3::date AND r.form->'assessment'->'themes' ? $1)
     + (SELECT count(*) FROM panel_findings f JOIN session_agenda_items ai ON ai.id = f.agenda_item_id JOIN panel_sessions ps ON ps.id = ai.session_id
        WHERE f.status = 'final' AND (ps.scheduled_at AT TIME ZONE 'Europe/London')::date >= $2::date AND (ps.scheduled_at AT TIME ZONE 'Europe/London')::date < $3::date
          AND f.form->'assessment'->'themes' ? $1
          AND f.finding_version = (SELECT max(g.finding_version) FROM panel_findings g WHERE g.agenda_item_id = f.agenda_item_id AND g.status = 'final'))
     )::int AS n`,
    [theme, from, to],
  );
  return n;
}

describe('quarterly themes review and report pack (demo data)', () => {
  let t: TestApp;
  const auth = {} as Record<Role, { authorization: string }>;

  beforeAll(async () => {
    t = await createTestApp({
      DEMO_RECORDS: 'true',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    for (const role of ROLES) auth[role] = { authorization: `Bearer ${await tokenFor(t, role)}` };
  });
  afterAll(() => t.close());

  describe('theme vocabulary', () => {
    it('lists the seeded hierarchy to every signed-in user, parents before children', async () => {
      const themes = (await t.http().get('/api/v1/themes').set(auth.external_panel).expect(200)).body as {
        code: string;
        parentCode: string | null;
        uses: number | null;
      }[];
      const codes = themes.map((th) => th.code);
      for (const code of [
        'gowisely_station',
        'bwv_not_activated_or_late',
        'handcuffing_routine',
        'strip_search_dignity',
        'children_and_safeguarding',
        'de_escalation',
        'record_quality',
      ])
        expect(codes).toContain(code);
      expect(codes.indexOf('gowisely')).toBeLessThan(codes.indexOf('gowisely_station'));
      expect(themes.find((th) => th.code === 'gowisely_station')?.parentCode).toBe('gowisely');
      await t.http().get('/api/v1/themes').expect(401);
      // How often each theme is tagged is for those who manage or read the themes review, not for every user.
      expect(themes.every((th) => th.uses === null)).toBe(true);
      const counted = (await t.http().get('/api/v1/themes').set(auth.supervisor).expect(200)).body as {
        uses: number | null;
      }[];
      expect(counted.every((th) => typeof th.uses === 'number')).toBe(true);
    });

    itOnPostgres('applies concurrent moves one at a time, so together they cannot make a cycle', async () => {
      await t.http().post('/api/v1/themes').set(auth.admin).send({ code: 'race_a', label: 'A' }).expect(201);
      await t.http().post('/api/v1/themes').set(auth.admin).send({ code: 'race_b', label: 'B' }).expect(201);
      const statuses = await raceUpToAudit(t.dataSource, 2, () =>
        Promise.all([
          t.http().patch('/api/v1/themes/race_a').set(auth.admin).send({ parentCode: 'race_b' }),
          t.http().patch('/api/v1/themes/race_b').set(auth.admin).send({ parentCode: 'race_a' }),
        ]),
      ).then((rs) => rs.map((r) => r.status).sort());
      expect(statuses).toEqual([200, 400]);
      const codes = (await t.http().get('/api/v1/themes').set(auth.admin).expect(200)).body.map(
        (th: { code: string }) => th.code,
      );
      expect(codes).toEqual(expect.arrayContaining(['race_a', 'race_b']));
    });

    it('lets admins add, relabel, move and retire themes, never delete, and refuses cycles and bad codes by field', async () => {
      const created = await t
        .http()
        .post('/api/v1/themes')
        .set(auth.admin)
        .send({ code: 'stop_duration', label: 'Length of the stop', parentCode: 'conduct' })
        .expect(201);
      expect(created.body).toMatchObject({ code: 'stop_duration', parentCode: 'conduct', retired: false, uses: 0 });
      await t.http().post('/api/v1/themes').set(auth.admin).send({ code: 'stop_duration', label: 'Again' }).expect(409);
      const bad = await t
        .http()
        .post('/api/v1/themes')
        .set(auth.admin)
        .send({ code: 'Stop Duration', label: '' })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'label']);
      await t
        .http()
        .patch('/api/v1/themes/stop_duration')
        .set(auth.admin)
        .send({ label: 'Length of the detention' })
        .expect(200);
      const cycle = await t
        .http()
        .patch('/api/v1/themes/conduct')
        .set(auth.admin)
        .send({ parentCode: 'stop_duration' })
        .expect(400);
      expect(cycle.body.errors[0].field).toBe('parentCode');
      const retired = await t
        .http()
        .patch('/api/v1/themes/stop_duration')
        .set(auth.admin)
        .send({ retired: true })
        .expect(200);
      expect(retired.body).toMatchObject({ label: 'Length of the detention', retired: true });
      expect(
        (await t.http().get('/api/v1/themes').set(auth.admin).expect(200)).body.map((th: { code: string }) => th.code),
      ).not.toContain('stop_duration');
      expect(
        (await t.http().get('/api/v1/themes?includeRetired=true').set(auth.admin).expect(200)).body.map(
          (th: { code: string }) => th.code,
        ),
      ).toContain('stop_duration');
      await t.http().delete('/api/v1/themes/stop_duration').set(auth.admin).expect(404);
      // A used theme keeps its count; a parent with live sub-themes cannot be retired.
      const used = (await t.http().get('/api/v1/themes').set(auth.admin).expect(200)).body.find(
        (th: { code: string }) => th.code === 'record_quality',
      );
      expect(used.uses).toBeGreaterThan(0);
      expect(
        (await t.http().patch('/api/v1/themes/gowisely').set(auth.admin).send({ retired: true }).expect(400)).body
          .errors[0].field,
      ).toBe('retired');
      await t
        .http()
        .post('/api/v1/themes')
        .set(auth.professional_standards)
        .send({ code: 'x_theme', label: 'X' })
        .expect(403);
      const [entry] = await t.dataSource.query(
        `SELECT action FROM audit_events WHERE target_type = 'theme' AND target_id = 'stop_duration' ORDER BY seq DESC LIMIT 1`,
      );
      expect(entry.action).toBe('theme.retired');
    });
  });

  describe('GET /themes/quarters/:quarter', () => {
    it('counts themes from reviews and panel findings, with the change against the previous quarter and a year before', async () => {
      const review = (
        await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.professional_standards).expect(200)
      ).body;
      expect(review).toMatchObject({
        quarter: '2024-Q2',
        from: '2024-04-01',
        to: '2024-07-01',
        view: 'full',
        comparedWith: { previousQuarter: '2024-Q1', sameQuarterLastYear: '2023-Q2' },
      });
      for (const code of ['record_quality', 'grounds_insufficient', 'good_practice', 'gowisely_incomplete']) {
        const row = review.themes.find((th: { theme: string }) => th.theme === code);
        const now = await tagsInQuarter(t, code, '2024-04-01', '2024-07-01');
        const before = await tagsInQuarter(t, code, '2024-01-01', '2024-04-01');
        const lastYear = await tagsInQuarter(t, code, '2023-04-01', '2023-07-01');
        expect([code, row?.count ?? 0, row?.previousQuarter ?? 0, row?.sameQuarterLastYear ?? 0]).toEqual([
          code,
          now,
          before,
          lastYear,
        ]);
        if (row) expect(row.vsPreviousQuarter.change).toBe(now - before);
      }
      const recordQuality = review.themes.find((th: { theme: string }) => th.theme === 'record_quality');
      expect(recordQuality.fromReviews + recordQuality.fromPanels).toBe(recordQuality.count);
      expect(recordQuality.fromPanels).toBeGreaterThan(0); // the demo panel session of June 2024
      const teamB = review.byTeam.find((r: { key: string }) => r.key === 'TEAM-B');
      expect(teamB.ratings).toBe(review.ratings.find((r: { source: string }) => r.source === 'review').ratings);
      expect(review.byArea.map((a: { key: string }) => a.key)).toEqual(
        expect.arrayContaining(['E07000117', 'E07000123']),
      );
      expect(review.themesOverTime.quarters).toHaveLength(8);
      expect(review.themesOverTime.series.at(-1).counts.record_quality).toBe(recordQuality.count);
      expect(review.disproportionality.area).toMatchObject({ code: 'E23000003' });
      expect(review.disproportionality.keyRatios.map((k: { kind: string }) => k.kind)).toEqual([
        'stop-search',
        'strip-search',
        'use-of-force',
      ]);
      expect(review.disproportionality.findings.map((f: { title: string }) => f.title)).toEqual([
        expect.stringMatching(/April to June 2024/),
      ]);
    });

    it('names repeat concerns: officers and teams with two or more amber/red cases in the rolling 12 months', async () => {
      const review = (
        await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.professional_standards).expect(200)
      ).body;
      expect(review.repeatConcerns.window).toEqual({ from: '2023-07-01', to: '2024-07-01' });
      // TEAM-B's scripted history; PC-7003's second case is a complaint (the demo complaints register, which also
      // makes TEAM-A's officers concerns: test/e2e/complaints.e2e-spec.ts).
      expect(
        review.repeatConcerns.officers
          .filter((c: { team: string }) => c.team === 'TEAM-B')
          .map((c: { subject: string; cases: number; complaints: number }) => [c.subject, c.cases, c.complaints]),
      ).toEqual([
        ['PC-7001', 2, 0],
        ['PC-7002', 2, 0],
        ['PC-7003', 2, 1],
      ]);
      expect(review.repeatConcerns.teams.map((c: { subject: string }) => c.subject)).toContain('TEAM-B');
      // A year earlier PC-7001 had a single amber case: no concern.
      const earlier = (
        await t.http().get('/api/v1/themes/quarters/2023-Q2').set(auth.professional_standards).expect(200)
      ).body;
      expect(earlier.repeatConcerns.officers.filter((c: { team: string }) => c.team === 'TEAM-B')).toEqual([]);
      expect(review.referrals.items).toEqual([
        expect.objectContaining({ officer: 'PC-7001', team: 'TEAM-B', source: 'review' }),
      ]);
    });

    it('shows only professional standards the officer-level concerns; supervisors get the aggregate view; others nothing', async () => {
      const full = (await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.professional_standards).expect(200))
        .body;
      const summary = (await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.supervisor).expect(200)).body;
      expect(summary).toMatchObject({
        view: 'summary',
        repeatConcerns: null,
        meeting: null,
        referrals: { count: full.referrals.count, items: null },
        actions: { total: full.actions.total, items: null },
      });
      expect(summary.disproportionality.findings).toBeNull();
      expect(summary.themes).toEqual(full.themes);
      expect(JSON.stringify(summary)).not.toMatch(/PC-700\d/);
      for (const role of ['admin', 'analyst', 'internal_panel', 'external_panel'] as const) {
        const res = await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth[role]).expect(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      const [viewed] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'themes_review.viewed' AND target_id = '2024-Q2'`,
      );
      expect(viewed.n).toBeGreaterThanOrEqual(2);
    });

    it('refuses a malformed or future quarter and an unknown force, naming the field', async () => {
      expect(
        (await t.http().get('/api/v1/themes/quarters/2024-Q5').set(auth.professional_standards).expect(400)).body
          .errors[0].field,
      ).toBe('quarter');
      expect(
        (await t.http().get('/api/v1/themes/quarters/2999-Q1').set(auth.professional_standards).expect(400)).body
          .errors[0].field,
      ).toBe('quarter');
      expect(
        (
          await t
            .http()
            .get('/api/v1/themes/quarters/2024-Q2?force=atlantis')
            .set(auth.professional_standards)
            .expect(400)
        ).body.errors[0].field,
      ).toBe('force');
      const other = (
        await t
          .http()
          .get('/api/v1/themes/quarters/2024-Q2?force=city-of-london')
          .set(auth.professional_standards)
          .expect(200)
      ).body;
      expect(other.themes).toEqual([]);
    });

    it('limits everything to the force asked for: ratings, panel actions and disproportionality findings (the meeting’s actions stay)', async () => {
      const psd = auth.professional_standards;
      const all = (await t.http().get('/api/v1/themes/quarters/2024-Q2').set(psd).expect(200)).body;
      const lancashire = (await t.http().get('/api/v1/themes/quarters/2024-Q2?force=lancashire').set(psd).expect(200))
        .body;
      const other = (await t.http().get('/api/v1/themes/quarters/2024-Q2?force=city-of-london').set(psd).expect(200))
        .body;
      const panelActions = (review: { actions: { items: { findingId: string | null }[] } }) =>
        review.actions.items.filter((a) => a.findingId !== null).length;
      expect(panelActions(all)).toBeGreaterThan(0); // the demo session's action (a Lancashire case)
      expect(panelActions(lancashire)).toBe(panelActions(all));
      expect(panelActions(other)).toBe(0);
      expect(other.actions.items.every((a: { meetingQuarter: string | null }) => a.meetingQuarter === '2024-Q2')).toBe(
        true,
      );
      expect(other.actions.total).toBe(other.actions.items.length);
      expect(lancashire.disproportionality.findings).toHaveLength(1);
      expect(other.disproportionality.findings).toEqual([]);
    });
  });

  describe('the review meeting', () => {
    it('records attendees, decisions and actions, which join the panel actions tracker', async () => {
      const psd = auth.professional_standards;
      const meeting = (await t.http().get('/api/v1/themes/quarters/2024-Q2/meeting').set(psd).expect(200)).body;
      expect(meeting.attendees.length).toBeGreaterThan(0);
      expect(meeting.actions).toHaveLength(1);
      await t.http().get('/api/v1/themes/quarters/2023-Q1/meeting').set(psd).expect(404);
      const stale = await t
        .http()
        .put('/api/v1/themes/quarters/2024-Q2/meeting')
        .set(psd)
        .send({ attendees: ['A'], decisions: 'B' })
        .expect(409);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
      const empty = await t
        .http()
        .put('/api/v1/themes/quarters/2024-Q1/meeting')
        .set(psd)
        .send({ attendees: [], decisions: '' })
        .expect(400);
      expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['attendees', 'decisions']),
      );
      const updated = (
        await t
          .http()
          .put('/api/v1/themes/quarters/2024-Q2/meeting')
          .set(psd)
          .send({ attendees: meeting.attendees, decisions: 'Revised decisions', version: meeting.version })
          .expect(200)
      ).body;
      expect(updated).toMatchObject({ decisions: 'Revised decisions', version: meeting.version + 1 });

      await t
        .http()
        .post('/api/v1/themes/quarters/2024-Q1/meeting/actions')
        .set(psd)
        .send({ kind: 'other', description: 'x', owner: 'y', dueOn: '2024-05-01' })
        .expect(409);
      const action = (
        await t
          .http()
          .post('/api/v1/themes/quarters/2024-Q2/meeting/actions')
          .set(psd)
          .send({
            kind: 'organisational_learning',
            description: 'Share the BWV learning force-wide',
            owner: 'Head of Learning',
            dueOn: '2024-10-31',
          })
          .expect(201)
      ).body;
      // Raised today (Europe/London), at the review of 2024-Q2: not dated back to the quarter's first day.
      const [{ today }] = await t.dataSource.query(
        `SELECT to_char((now() AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') AS today`,
      );
      expect(action).toMatchObject({
        meetingQuarter: '2024-Q2',
        findingId: null,
        status: 'open',
        raisedOn: today,
      });
      const tracker = (await t.http().get('/api/v1/finding-actions').set(psd).expect(200)).body.items;
      expect(tracker.map((a: { id: string }) => a.id)).toContain(action.id);
      await t
        .http()
        .patch(`/api/v1/finding-actions/${action.id}`)
        .set(psd)
        .send({ version: action.version, status: 'done', response: 'Briefing issued' })
        .expect(200);
      // Panel members never see the meeting's actions.
      const memberView = (await t.http().get('/api/v1/finding-actions').set(auth.external_panel).expect(200)).body
        .items;
      expect(memberView.map((a: { id: string }) => a.id)).not.toContain(action.id);
      await t
        .http()
        .put('/api/v1/themes/quarters/2024-Q2/meeting')
        .set(auth.supervisor)
        .send({ attendees: ['A'], decisions: 'B' })
        .expect(403);
      // Admins see every panel's actions but not the themes review's, which is professional standards' own.
      const adminView = (await t.http().get('/api/v1/finding-actions').set(auth.admin).expect(200)).body.items;
      expect(adminView.length).toBeGreaterThan(0);
      expect(adminView.map((a: { id: string }) => a.id)).not.toContain(action.id);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'quarterly_meeting.viewed' AND target_id = '2024-Q2'`,
      );
      expect(n).toBe(1);
    });

    itOnPostgres(
      'records a quarter’s meeting once when two people record it at the same time; the other is told to reload',
      async () => {
        const send = (decisions: string) =>
          t
            .http()
            .put('/api/v1/themes/quarters/2023-Q4/meeting')
            .set(auth.professional_standards)
            .send({ attendees: ['A'], decisions });
        const [first, second] = await raceUpToAudit(t.dataSource, 2, () =>
          Promise.all([send('First'), send('Second')]),
        );
        expect([first.status, second.status].sort()).toEqual([200, 409]);
        expect([first, second].find((r) => r.status === 409)!.body.code).toBe('VERSION_CONFLICT');
        const saved = (
          await t.http().get('/api/v1/themes/quarters/2023-Q4/meeting').set(auth.professional_standards).expect(200)
        ).body;
        expect(saved).toMatchObject({
          version: 1,
          decisions: [first, second].find((r) => r.status === 200)!.body.decisions,
        });
      },
    );
  });

  describe('report pack', () => {
    it('generates as a job whose CSVs match the API, an HTML with inline SVG charts and a PDF that draws them; downloads are audited', async () => {
      const psd = auth.professional_standards;
      const queued = await t.http().post('/api/v1/themes/quarters/2024-Q2/packs').set(psd).send({}).expect(202);
      expect(queued.body).toMatchObject({ quarter: '2024-Q2', downloads: null });
      let pack = queued.body;
      for (let i = 0; i < 200 && !['ready', 'failed'].includes(pack.status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        pack = (await t.http().get(`/api/v1/report-packs/${pack.id}`).set(psd).expect(200)).body;
      }
      expect(pack).toMatchObject({ status: 'ready', error: null });
      expect(Object.keys(pack.downloads.csv)).toEqual(
        expect.arrayContaining([
          'themes',
          'by_area',
          'by_team',
          'repeat_concerns_officers',
          'referrals',
          'actions',
          'key_ratios',
          'meeting',
        ]),
      );

      const api = (await t.http().get('/api/v1/themes/quarters/2024-Q2').set(psd).expect(200)).body;
      const themesCsv = (await t.http().get(pack.downloads.csv.themes).set(psd).expect(200)).text;
      const [header, ...rows] = await parseCsv(themesCsv);
      expect(header.join(',')).toBe(
        'theme_code,theme,count,from_reviews,from_panels,previous_quarter,change_vs_previous,change_vs_previous_pct,same_quarter_last_year,change_vs_last_year,change_vs_last_year_pct',
      );
      expect(rows.map((c) => [c[0], Number(c[2]), Number(c[5]), Number(c[8])])).toEqual(
        api.themes.map((th: { theme: string; count: number; previousQuarter: number; sameQuarterLastYear: number }) => [
          th.theme,
          th.count,
          th.previousQuarter,
          th.sameQuarterLastYear,
        ]),
      );
      const concerns = (await t.http().get(pack.downloads.csv.repeat_concerns_officers).set(psd).expect(200)).text;
      expect((await parseCsv(concerns)).slice(1).map((c) => c[0])).toEqual(
        api.repeatConcerns.officers.map((c: { subject: string }) => c.subject),
      );

      const html = await t.http().get(pack.downloads.html).set(psd).expect(200);
      expect(html.headers['content-type']).toMatch(/text\/html/);
      expect(html.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect((html.text.match(/<svg /g) ?? []).length).toBe(1 + api.disproportionality.keyRatios.length);
      expect(html.text).toContain('<polyline');

      const pdf = await t
        .http()
        .get(pack.downloads.pdf)
        .set(psd)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const bytes = pdf.body as Buffer;
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(bytes.subarray(0, 8).toString()).toBe('%PDF-1.7');
      expect(bytes.subarray(-6).toString()).toMatch(/%%EOF/);
      // Tagged (the catalogue is never compressed): marked, with a structure tree and a language.
      const catalog = /<<\n\/Type \/Catalog\n([\s\S]*?)>>\nendobj/.exec(bytes.toString('latin1'))?.[1] ?? '';
      expect(catalog).toMatch(/\/Lang \(en-GB\)/);
      expect(catalog).toMatch(/\/StructTreeRoot \d+ 0 R/);
      const markInfo = /\/MarkInfo (\d+) 0 R/.exec(catalog)?.[1];
      expect(bytes.toString('latin1')).toContain(`\n${markInfo} 0 obj\n<<\n/Marked true\n>>`);

      // Words, not codes or ids: the referred case by its reference, themes and outcomes by their labels.
      const referral = api.referrals.items[0] as { caseId: string; caseReference: string };
      expect(referral.caseReference).toMatch(/^SS-[0-9A-F]{8}$/);
      const referralsCsv = await parseCsv((await t.http().get(pack.downloads.csv.referrals).set(psd).expect(200)).text);
      expect(referralsCsv[0]).toEqual(expect.arrayContaining(['case_reference', 'case_kind', 'themes']));
      expect(referralsCsv[1][referralsCsv[0].indexOf('case_reference')]).toBe(referral.caseReference);
      for (const url of Object.values(pack.downloads.csv) as string[])
        expect((await t.http().get(url).set(psd).expect(200)).text).not.toContain(referral.caseId);
      expect(html.text).not.toContain(referral.caseId);
      expect(html.text).toContain(`<td>${referral.caseReference}</td>`);
      const [{ label }] = await t.dataSource.query(`SELECT label FROM themes WHERE code = 'smell_of_cannabis_only'`);
      expect(html.text).toContain(`${label} (`); // by area and team: labels with their counts
      expect(html.text).not.toMatch(/<td>[^<]*smell_of_cannabis_only/);

      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'report_pack.downloaded' AND target_id = $1`,
        [pack.id],
      );
      expect(n).toBe(4 + 1 + Object.keys(pack.downloads.csv).length);
      await t.http().get(pack.downloads.pdf).set(auth.supervisor).expect(403);
      await t.http().get(`/api/v1/report-packs/${pack.id}/tables/nope.csv`).set(psd).expect(404);
    });

    it('draws the charts into the PDF (uncompressed content streams show the vector paths and labels)', async () => {
      const psd = await t.app.get(ReportPacksService);
      expect(psd).toBeDefined();
      const { renderPack } = await import('@scrutiny/themes');
      const { QuarterlyReviewService } = await import('@scrutiny/themes');
      const { loadActor } = await import('@scrutiny/auth');
      const actor = (await loadActor(t.dataSource, { username: 'psd' }))!;
      const review = await t.app.get(QuarterlyReviewService).review(actor, '2024-Q2', { audit: false });
      const { pdf } = await renderPack(review, new Date('2026-01-01T00:00:00Z'), { compress: false });
      const text = pdf.toString('latin1');
      // pdfkit writes each run of text as hex glyph codes in a TJ array (split where it kerns).
      const shown = [...text.matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
        [...m[1].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''),
      );
      expect(shown).toContain('Themes over time (tags per quarter)');
      expect(shown).toContain('Stop and search: rate ratio to White');
      expect(shown).toEqual(expect.arrayContaining(review.themesOverTime.quarters));
      // Line segments (l) and filled rectangles (re) from the charts.
      expect((text.match(/ l\n/g) ?? []).length).toBeGreaterThan(20);
      expect((text.match(/ re\n/g) ?? []).length).toBeGreaterThan(10);
    });

    it('splits a table cell taller than a page across pages, losing and repeating nothing', async () => {
      const { renderPack } = await import('@scrutiny/themes');
      const { loadActor } = await import('@scrutiny/auth');
      const actor = (await loadActor(t.dataSource, { username: 'psd' }))!;
      const review = await t.app.get(QuarterlyReviewService).review(actor, '2024-Q2', { audit: false });
      const words = Array.from({ length: 2500 }, (_, i) => `d${String(i).padStart(4, '0')}`);
      const decisions = words.map((w, i) => (i % 40 === 39 ? `${w}\n` : w)).join(' ');
      const base = await renderPack(review, new Date('2026-01-01T00:00:00Z'), { compress: false });
      const long = await renderPack(
        { ...review, meeting: { ...review.meeting!, decisions } },
        new Date('2026-01-01T00:00:00Z'),
        { compress: false },
      );
      const pages = (pdf: Buffer) => Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
      expect(pages(long.pdf)).toBeGreaterThan(pages(base.pdf) + 1);
      const shown = [...long.pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
        [...m[1].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''),
      );
      const drawn = shown
        .join(' ')
        .split(/\s+/)
        .filter((w) => /^d\d{4}$/.test(w));
      expect(drawn).toEqual(words);
    });

    it('marks a pack failed with the reason when the requester may no longer see the review', async () => {
      const psd = auth.professional_standards;
      const [{ id: supervisorId }] = await t.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`);
      const [{ id }] = await t.dataSource.query(
        `INSERT INTO report_packs (quarter, status, requested_by) VALUES ('2024-04-01', 'queued', $1) RETURNING id`,
        [supervisorId],
      );
      await expect(
        t.app.get(ReportPacksService).generate(id, { jobId: 'test', attempt: 1, maxAttempts: 3 }),
      ).rejects.toThrow(/no longer/);
      expect((await t.http().get(`/api/v1/report-packs/${id}`).set(psd).expect(200)).body).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/no longer/),
      });
      await t.http().get(`/api/v1/report-packs/${id}/report.pdf`).set(psd).expect(409);
    });

    async function queuedPack(username = 'psd'): Promise<string> {
      const [{ id }] = await t.dataSource.query(
        `INSERT INTO report_packs (quarter, status, requested_by) SELECT '2024-04-01', 'queued', id FROM users WHERE username = $1 RETURNING id`,
        [username],
      );
      return id;
    }
    const generatedEvents = async (id: string) =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'report_pack.generated' AND target_id = $1`,
          [id],
        )
      )[0].n as number;

    it('renders a pack once however many runs its job gets (a stalled job handed on, a retry from the dead letters)', async () => {
      const id = await queuedPack();
      const packs = t.app.get(ReportPacksService);
      await Promise.all(
        [1, 2].map((attempt) => packs.generate(id, { jobId: `dup-${attempt}`, attempt, maxAttempts: 3 })),
      );
      const [first] = await t.dataSource.query(`SELECT status, finished_at FROM report_packs WHERE id = $1`, [id]);
      expect(first.status).toBe('ready');
      expect(await generatedEvents(id)).toBe(1);
      await packs.generate(id, { jobId: 'late', attempt: 1, maxAttempts: 3 });
      const [again] = await t.dataSource.query(`SELECT status, finished_at FROM report_packs WHERE id = $1`, [id]);
      expect(again).toEqual(first);
      expect(await generatedEvents(id)).toBe(1);
    });

    it('keeps internal error text out of the pack: queued again while retries remain, failed on the last attempt', async () => {
      const id = await queuedPack();
      const review = jest
        .spyOn(t.app.get(QuarterlyReviewService), 'review')
        .mockRejectedValue(new Error('relation "secret_table" does not exist'));
      try {
        const packs = t.app.get(ReportPacksService);
        await expect(packs.generate(id, { jobId: 'j-1', attempt: 1, maxAttempts: 2 })).rejects.toThrow(/secret_table/);
        const retrying = (await t.http().get(`/api/v1/report-packs/${id}`).set(auth.professional_standards).expect(200))
          .body;
        expect(retrying).toMatchObject({
          status: 'queued',
          error: expect.stringMatching(/attempt 1 of 2 and will be retried.*job j-1/),
        });
        await expect(packs.generate(id, { jobId: 'j-1', attempt: 2, maxAttempts: 2 })).rejects.toThrow();
        const failed = (await t.http().get(`/api/v1/report-packs/${id}`).set(auth.professional_standards).expect(200))
          .body;
        expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/attempt 2 of 2/) });
        expect(JSON.stringify([retrying, failed])).not.toMatch(/secret_table/);
      } finally {
        review.mockRestore();
      }
    });

    it('fails a pack the job system cannot take, and queues stranded packs again at start-up', async () => {
      const enqueue = jest.spyOn(t.app.get(JobQueue), 'enqueue').mockRejectedValueOnce(new Error('Redis is down'));
      try {
        await t
          .http()
          .post('/api/v1/themes/quarters/2024-Q2/packs')
          .set(auth.professional_standards)
          .send({})
          .expect(500);
      } finally {
        enqueue.mockRestore();
      }
      const [lost] = await t.dataSource.query(
        `SELECT status, error FROM report_packs ORDER BY created_at DESC LIMIT 1`,
      );
      expect(lost).toEqual({ status: 'failed', error: expect.stringMatching(/request it again/) });

      const stranded = await queuedPack();
      await t.dataSource.query(`UPDATE report_packs SET status = 'running' WHERE id = $1`, [stranded]);
      expect(await t.app.get(ReportPackRecovery).requeueStranded()).toContain(stranded);
      let status = 'running';
      for (let i = 0; i < 200 && status !== 'ready'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        [{ status }] = await t.dataSource.query(`SELECT status FROM report_packs WHERE id = $1`, [stranded]);
      }
      expect(status).toBe('ready');
    });
  });

  describe('referrals', () => {
    it('keeps a panel referral’s actions after its finding is corrected, and counts a case once', async () => {
      const [demo] = await t.dataSource.query(
        `SELECT a.id AS action_id, f.agenda_item_id, ai.session_id, f.form FROM finding_actions a JOIN panel_findings f ON f.id = a.finding_id
         JOIN session_agenda_items ai ON ai.id = f.agenda_item_id ORDER BY a.created_at LIMIT 1`,
      );
      const before = (
        await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.professional_standards).expect(200)
      ).body;
      const form = { ...demo.form, outcome: 'referral_to_professional_standards' };
      await t
        .http()
        .post(`/api/v1/panel-sessions/${demo.session_id}/agenda/${demo.agenda_item_id}/finding/corrections`)
        .set(auth.internal_panel)
        .send({ form, reason: 'The panel agreed the grounds need professional standards’ review' })
        .expect(201);
      const after = (await t.http().get('/api/v1/themes/quarters/2024-Q2').set(auth.professional_standards).expect(200))
        .body;
      expect(after.referrals.count).toBe(before.referrals.count + 1);
      const panelReferral = after.referrals.items.find((r: { source: string }) => r.source === 'panel');
      expect(panelReferral.actions.map((a: { id: string }) => a.id)).toEqual([demo.action_id]);
    });
  });
});
