import { createTestApp, type TestApp } from '../setup/test-app';
import { csrfOf, signInAs } from './support/web-agent';

describe('web workspace: quarterly themes review, meeting and report pack (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  }, 120_000);
  afterAll(() => t.close());

  it('shows professional standards the review with the pack’s charts and tables, complaints sections included', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get('/quarterly-review/2024-Q2').expect(200);
    expect(page.text).toContain('Themes review 2024-Q2');
    expect(page.text).toContain(
      'role="img" aria-labelledby="chart-themes-over-time-title chart-themes-over-time-desc"',
    );
    expect(page.text).toMatch(/id="table-complaints_/);
    expect((await agent.get('/quarterly-review').expect(303)).headers.location).toMatch(
      /^\/quarterly-review\/\d{4}-Q[1-4]$/,
    );
  });

  it('records the meeting, raises an action from it (errors first), with CSRF and PRG', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get('/quarterly-review/2024-Q2').expect(200);
    const empty = await agent
      .post('/quarterly-review/2024-Q2/meeting')
      .type('form')
      .send({ _csrf: csrfOf(page.text), attendees: '', decisions: '' })
      .expect(400);
    expect(empty.text).toContain('href="#attendees"');
    expect(empty.text).toContain('href="#decisions"');
    const saved = await agent
      .post('/quarterly-review/2024-Q2/meeting')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        attendees: 'Det Supt (chair)\nPanel chair',
        decisions: 'Brief TEAM-B on GOWISELY',
      })
      .expect(303);
    expect(saved.headers.location).toBe('/quarterly-review/2024-Q2?saved=meeting#meeting');
    const after = await agent.get('/quarterly-review/2024-Q2?saved=meeting').expect(200);
    expect(after.text).toContain('Meeting record saved');
    expect(after.text).toContain('Det Supt (chair), Panel chair');
    await agent
      .post('/quarterly-review/2024-Q2/meeting/actions')
      .type('form')
      .send({
        _csrf: csrfOf(after.text),
        kind: 'policy_or_training',
        description: 'GOWISELY briefing',
        owner: 'Insp B',
        dueOn: '2024-09-30',
      })
      .expect(303);
    expect((await agent.get('/quarterly-review/2024-Q2').expect(200)).text).toContain('GOWISELY briefing');
    const meeting = (
      await t.dataSource.query(
        `SELECT attendees, decisions, version FROM quarterly_meetings WHERE quarter = '2024-04-01'`,
      )
    )[0];
    expect(meeting).toMatchObject({ attendees: ['Det Supt (chair)', 'Panel chair'], version: 1 });
    await agent
      .post('/quarterly-review/2024-Q2/meeting')
      .type('form')
      .send({ attendees: 'x', decisions: 'y' })
      .expect(403);
  });

  it('generates the pack as a job, shows its progress without JavaScript and downloads PDF, HTML and CSVs', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get('/quarterly-review/2024-Q2').expect(200);
    const queued = await agent
      .post('/quarterly-review/2024-Q2/packs')
      .type('form')
      .send({ _csrf: csrfOf(page.text) })
      .expect(303);
    const packUrl = queued.headers.location as string;
    expect(packUrl).toMatch(/^\/quarterly-review\/packs\/[0-9a-f-]{36}$/);
    let progress = await agent.get(packUrl).expect(200);
    expect(progress.text).not.toMatch(/http-equiv="refresh"/i);
    expect(progress.text).toContain('aria-live="polite"');
    for (let i = 0; i < 200 && !progress.text.includes('/report.pdf'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await agent.get(packUrl).expect(200);
    }
    expect((await agent.get(`${packUrl}/status`).expect(200)).body).toEqual({ status: 'ready' });
    const pdf = await agent.get(`${packUrl}/report.pdf`).buffer(true).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const html = await agent.get(`${packUrl}/report.html`).expect(200);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    const csvLinks = [
      ...progress.text.matchAll(/href="(\/quarterly-review\/packs\/[^"]+\/tables\/[a-z_]+\.csv)"/g),
    ].map((m) => m[1]);
    expect(csvLinks.length).toBeGreaterThan(5);
    const csv = await agent.get(csvLinks[0]).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const audited = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'report_pack%'`,
    );
    expect(audited[0].n).toBeGreaterThan(0);
  });

  it('keeps the review, meeting and packs to professional standards', async () => {
    for (const role of ['supervisor', 'analyst', 'external_panel'] as const) {
      const agent = await signInAs(t, role);
      await agent.get('/quarterly-review/2024-Q2').expect(403);
      expect((await agent.get('/').expect((r) => r.status < 400)).text).not.toContain('href="/quarterly-review"');
    }
  });
});
