import { insertStopSearch } from '../factories/records';
import { createTestApp, type TestApp } from '../setup/test-app';
import { csrfOf, signInAs } from './support/web-agent';

describe('web workspace: officer register with flags (HTTP)', () => {
  let t: TestApp;
  let officerId: string;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    await insertStopSearch(t.dataSource, { officerReference: 'PC-REG-1' });
    await insertStopSearch(t.dataSource, { officerReference: 'PC-REG-1' });
    [{ id: officerId }] = await t.dataSource.query(`SELECT id FROM officers WHERE reference = 'PC-REG-1'`);
  }, 120_000);
  afterAll(() => t.close());

  it('lists officers with their records, flags one (reason required) and clears the flag, audited', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const list = await agent.get('/officer-register').expect(200);
    expect(list.text).toMatch(
      /<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/officer-register\/[0-9a-f-]{36}">PC-REG-1<span class="govuk-visually-hidden"> timeline<\/span><\/a><\/th>[\s\S]*?>2<\/td>/,
    );
    const form = await agent.get(`/officer-register/${officerId}/flag`).expect(200);
    const missing = await agent
      .post(`/officer-register/${officerId}/flag`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), action: 'flag', reason: '' })
      .expect(400);
    expect(missing.text).toContain('href="#reason"');
    const flagged = await agent
      .post(`/officer-register/${officerId}/flag`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), action: 'flag', reason: 'Three amber reviews' })
      .expect(303);
    expect(flagged.headers.location).toBe('/officer-register?saved=flagged');
    const onlyFlagged = await agent.get('/officer-register?flagged=yes').expect(200);
    expect(onlyFlagged.text).toContain('Three amber reviews');
    expect(onlyFlagged.text).toContain('PC-REG-1');
    await agent
      .post(`/officer-register/${officerId}/flag`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), action: 'clear' })
      .expect(303);
    expect((await agent.get('/officer-register?flagged=yes').expect(200)).text).not.toContain('PC-REG-1');
    const audit = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE action LIKE 'officer%'`);
    expect(audit[0].n).toBeGreaterThanOrEqual(2);
  });

  it('shows an officer’s summary and timeline in words, linked from the register, audited as the API read is', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get(`/officer-register/${officerId}`).expect(200);
    expect(page.text).toContain('<h1 class="govuk-heading-l">Officer PC-REG-1</h1>');
    expect(page.text).toContain('class="moj-timeline"');
    expect(page.text.match(/<h3 class="moj-timeline__title">Record<\/h3>/g)).toHaveLength(2);
    expect(page.text).toContain('Stop search (no reference)');
    expect(page.text).toContain('Happened on 10 May 2024, 13:00');
    const [read] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'officer.timeline.read' AND target_id = $1`,
      [officerId],
    );
    expect(read.n).toBe(1);
    await agent.get('/officer-register/00000000-0000-4000-8000-000000000000').expect(404);
    for (const role of ['supervisor', 'analyst', 'internal_panel'] as const)
      await (await signInAs(t, role)).get(`/officer-register/${officerId}`).expect(403);
  });

  it('keeps the register to those who manage officers, as PATCH /officers is', async () => {
    for (const role of ['supervisor', 'analyst', 'external_panel'] as const)
      await (await signInAs(t, role)).get('/officer-register').expect(403);
    await (
      await signInAs(t, 'professional_standards')
    )
      .get('/officer-register/00000000-0000-0000-0000-000000000000/flag')
      .expect(404);
  });
});
