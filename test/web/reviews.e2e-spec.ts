import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { createTestApp, type TestApp } from '../setup/test-app';
import { sampleWithReviews } from '../browser/support/fixtures';
import { csrfOf, signInAs } from './support/web-agent';

describe('web workspace: the supervisor’s reviews (HTTP)', () => {
  let t: TestApp;
  let itemIds: string[];
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    ({ itemIds } = await sampleWithReviews(t));
  }, 60_000);
  afterAll(() => t.close());

  it('lists the supervisor’s reviews due, in words', async () => {
    const agent = await signInAs(t, 'supervisor');
    const page = await agent.get('/reviews').expect(200);
    expect(page.text).toContain('Due (2)');
    expect(page.text).toContain('Stop search');
    expect(page.text).toContain('May 2024');
    expect(page.text).toContain(`href="/reviews/${itemIds[0]}"`);
  });

  it('filters by month and team in a GET form (the supervisor’s teams), the tabs keeping both', async () => {
    const agent = await signInAs(t, 'supervisor');
    const page = await agent.get('/reviews').expect(200);
    expect(page.text).toMatch(/<form method="get" action="\/reviews"/);
    expect(page.text).toMatch(/<select[^>]+name="team"/);
    expect(page.text).toContain('<option value="TEAM-A">TEAM-A</option>');
    const team = await agent.get('/reviews?month=2024-05&team=TEAM-A').expect(200);
    expect(team.text).toContain('Due (2)');
    expect(team.text).toContain('href="/reviews?status=overdue&amp;month=2024-05&amp;team=TEAM-A"');
    const otherMonth = await agent.get('/reviews?month=2023-01&team=TEAM-A').expect(200);
    expect(otherMonth.text).toContain('Due (0)');
    expect(otherMonth.text).not.toContain(`href="/reviews/${itemIds[0]}"`);
  });

  it('shows a review beside its record, and saves a draft, then refuses an incomplete submission naming each question', async () => {
    const agent = await signInAs(t, 'supervisor');
    const page = await agent.get(`/reviews/${itemIds[0]}`).expect(200);
    expect(page.text).toContain('Body-worn video available');
    expect(page.text).toContain('Misuse of Drugs Act 1971 (section 23)');
    const version = /name="_version" value="(\d+)"/.exec(page.text)![1];
    const draft = await agent
      .post(`/reviews/${itemIds[0]}`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), _version: version, _action: 'save', 'bwv.availability': 'full' })
      .expect(303);
    expect(draft.headers.location).toBe(`/reviews/${itemIds[0]}?saved=1`);
    const saved = await agent.get(draft.headers.location).expect(200);
    expect(saved.text).toContain('Your draft has been saved');
    expect(saved.text).toMatch(/value="full" checked/);
    const version2 = /name="_version" value="(\d+)"/.exec(saved.text)![1];
    const refused = await agent
      .post(`/reviews/${itemIds[0]}`)
      .type('form')
      .send({ _csrf: csrfOf(saved.text), _version: version2, _action: 'submit', 'bwv.availability': 'full' })
      .expect(400);
    expect(refused.text).toContain('govuk-error-summary');
    expect(refused.text).toContain('href="#bwv-activatedBeforeContact"');
    expect(refused.text).toContain('Answer “Body-worn video activated before contact”');
  });

  it('submits a complete review', async () => {
    const agent = await signInAs(t, 'supervisor');
    const page = await agent.get(`/reviews/${itemIds[1]}`).expect(200);
    const version = /name="_version" value="(\d+)"/.exec(page.text)![1];
    const form: Record<string, string> = { _csrf: csrfOf(page.text), _version: version, _action: 'submit' };
    const flatten = (o: object, prefix = '') => {
      for (const [k, v] of Object.entries(o)) {
        const name = prefix + k;
        if (v === null && k === 'useOfForce') form[`${name}.used`] = 'no';
        else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, `${name}.`);
        else if (typeof v === 'string') form[name] = v;
      }
    };
    flatten(EXAMPLE_REVIEW_FORM);
    const done = await agent.post(`/reviews/${itemIds[1]}`).type('form').send(form);
    expect([done.status, done.text.slice(0, 0)]).toEqual([303, '']);
    const [row] = await t.dataSource.query(`SELECT status FROM sample_reviews WHERE item_id = $1`, [itemIds[1]]);
    expect(row.status).toBe('completed');
    const list = await agent.get('/reviews?status=done').expect(200);
    expect(list.text).toContain('Done (1)');
    const view = await agent.get(`/reviews/${itemIds[1]}`).expect(200);
    expect(view.text).toContain('The completed review');
  });

  it('is not for an analyst (403 page), and a missing review is a 404 page', async () => {
    const analyst = await signInAs(t, 'analyst');
    const res = await analyst.get('/reviews').expect(403);
    expect(res.text).toContain('You do not have access to this page');
    const supervisor = await signInAs(t, 'supervisor');
    await supervisor.get('/reviews/00000000-0000-4000-8000-000000000000').expect(404);
  });
});
