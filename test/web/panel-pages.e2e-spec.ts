import { FINDING, FORM } from '../factories/panels';
import { createTestApp, type TestApp } from '../setup/test-app';
import { PANEL_PASSWORD, panelWorld, type PanelWorld } from './panel-fixture';
import { agentOf, csrfOf, signIn } from './support/web-agent';

describe('web workspace: panel member pages (HTTP)', () => {
  let t: TestApp;
  let w: PanelWorld;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    w = await panelWorld(t);
  }, 60_000);
  afterAll(() => t.close());

  it('sends the invitation link to sign-in and back to the session after it', async () => {
    const agent = agentOf(t);
    const res = await agent.get(`/sessions/${w.sessionId}`).expect(303);
    expect(res.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/sessions/${w.sessionId}`)}`);
    const page = await agent.get(res.headers.location).expect(200);
    const signedIn = await agent
      .post('/sign-in')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        username: 'pw-member',
        password: PANEL_PASSWORD,
        next: `/sessions/${w.sessionId}`,
      })
      .expect(303);
    expect(signedIn.headers.location).toBe(`/sessions/${w.sessionId}`);
    const session = await agent.get(`/sessions/${w.sessionId}`).expect(200);
    expect(session.text).toContain('Case 1');
    // A sign-in link that points elsewhere comes back home instead.
    const evil = await agentOf(t).get('/sign-in?next=//evil.example/x').expect(200);
    expect(evil.text).not.toMatch(/name="next" value="[^"]*evil/);
  });

  it('shows an external member the case pseudonymised, as the API does, in the case page and the pack', async () => {
    const agent = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const casePage = await agent.get(`/sessions/${w.sessionId}/cases/${w.items[0].id}`).expect(200);
    const pack = await agent.get(`/sessions/${w.sessionId}/pack`).expect(200);
    const api = (
      await t
        .http()
        .get(`/api/v1/stop-searches/${w.items[0].caseId}`)
        .set({ authorization: `Bearer ${w.token['pw-member']}` })
        .expect(200)
    ).body;
    expect(api.pseudonymised).toBe(true);
    for (const html of [casePage.text, pack.text]) {
      for (const ref of w.officerReferences) expect(html).not.toContain(ref);
      expect(html).toContain(api.officer);
      // No real case id reaches an external member's page.
      for (const id of w.caseIds) expect(html).not.toContain(id);
    }
    expect(pack.text).toContain('/assets/web/print.css');
  });

  it('answers 404 for every page of another panel’s session', async () => {
    const agent = await signIn(t, 'pw-outsider', PANEL_PASSWORD);
    for (const path of [
      `/sessions/${w.sessionId}`,
      `/sessions/${w.sessionId}/cases/${w.items[0].id}`,
      `/sessions/${w.sessionId}/cases/${w.items[0].id}/conflict`,
      `/sessions/${w.sessionId}/pack`,
    ])
      expect((await agent.get(path)).status).toBe(404);
    const page = await agent.get(`/sessions/${w.otherSessionId}`).expect(200);
    // A post with a good token to another panel's case is refused the same way.
    await agent
      .post(`/sessions/${w.sessionId}/cases/${w.items[0].id}/conflict`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), reason: 'x' })
      .expect(404);
    const member = await signIn(t, 'pw-member', PANEL_PASSWORD);
    expect((await member.get(`/sessions/${w.otherSessionId}/cases/${w.otherItemId}`)).status).toBe(404);
  });

  it('refuses a post without the CSRF token (403), changing nothing', async () => {
    const agent = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const res = await agent
      .post(`/sessions/${w.sessionId}/cases/${w.items[2].id}/conflict`)
      .type('form')
      .send({ reason: 'I know the officer' })
      .expect(403);
    expect(res.text).toContain('govuk-heading-l');
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM conflict_declarations`);
    expect(count).toBe(0);
  });

  it('keeps ratings blind until you submit, then shows the others’', async () => {
    const agent = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const before = await agent.get(`/sessions/${w.sessionId}/cases/${w.items[1].id}`).expect(200);
    expect(before.text).not.toContain('Member 1');
    expect(before.text).toContain('Submit rating');
    // A submit with questions left out: the GOV.UK error summary, the answers kept.
    const missing = await agent
      .post(`/sessions/${w.sessionId}/cases/${w.items[1].id}/rating`)
      .type('form')
      .send({ _csrf: csrfOf(before.text), _action: 'submit', 'lawfulness.powerApplicable': 'yes' })
      .expect(400);
    expect(missing.text).toContain('govuk-error-summary');
    expect(missing.text).toMatch(/<a href="#lawfulness-grounds">Answer “[^”]+”<\/a>/);
    expect(missing.text).toMatch(/value="yes" checked/);
    const answers = flatten(FORM as Record<string, unknown>);
    await agent
      .post(`/sessions/${w.sessionId}/cases/${w.items[1].id}/rating`)
      .type('form')
      .send({ _csrf: csrfOf(before.text), _action: 'submit', ...answers, 'useOfForce.used': 'no' })
      .expect(303);
    const after = await agent.get(`/sessions/${w.sessionId}/cases/${w.items[1].id}?done=submitted`).expect(200);
    expect(after.text).toContain('Member 1');
    expect(after.text).not.toContain('Submit rating');
  });

  it('saves a draft rating that only its author sees, and carries its version', async () => {
    const agent = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const path = `/sessions/${w.sessionId}/cases/${w.items[2].id}`;
    const page = await agent.get(path).expect(200);
    await agent
      .post(`${path}/rating`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), _action: 'save', 'lawfulness.powerApplicable': 'no' })
      .expect(303);
    const saved = await agent.get(`${path}?done=saved`).expect(200);
    expect(saved.text).toContain('Your draft rating has been saved.');
    expect(saved.text).toMatch(/name="lawfulness.powerApplicable" type="radio" value="no" checked/);
    expect(saved.text).toMatch(/name="_version" value="1"/);
    const other = await signIn(t, 'pw-chair', PANEL_PASSWORD);
    const seen = await other.get(path).expect(200);
    expect(seen.text).not.toMatch(/Member 1/);
    expect(seen.text).not.toMatch(/value="no" checked/);
  });

  it('lets the chair record attendance, the finding, close the session and raise an action; members see them', async () => {
    const chair = await signIn(t, 'pw-chair', PANEL_PASSWORD);
    const page = await chair.get(`/sessions/${w.sessionId}`).expect(200);
    const csrf = csrfOf(page.text);
    const version = /name="version" value="(\d+)"/.exec(page.text)![1];
    // Not quorate yet: closing says why on the page.
    const refused = await chair
      .post(`/sessions/${w.sessionId}/status`)
      .type('form')
      .send({ _csrf: csrf, status: 'closed', version })
      .expect(409);
    expect(refused.text).toContain('govuk-error-summary');
    await chair
      .post(`/sessions/${w.sessionId}/attendance`)
      .type('form')
      .send({ _csrf: csrf, present: [w.user['pw-chair'], w.user['pw-member']] })
      .expect(303);
    await chair
      .post(`/sessions/${w.sessionId}/cases/${w.items[1].id}/finding`)
      .type('form')
      .send({ _csrf: csrf, ...flatten(FINDING as Record<string, unknown>), 'useOfForce.used': 'no' })
      .expect(303);
    const open = await chair.get(`/sessions/${w.sessionId}`).expect(200);
    expect(open.text).toContain('Quorate');
    await chair
      .post(`/sessions/${w.sessionId}/status`)
      .type('form')
      .send({ _csrf: csrf, status: 'closed', version: /name="version" value="(\d+)"/.exec(open.text)![1] })
      .expect(303);
    await chair
      .post(`/sessions/${w.sessionId}/cases/${w.items[1].id}/actions`)
      .type('form')
      .send({
        _csrf: csrf,
        kind: 'organisational_learning',
        description: 'Brief the team on grounds',
        owner: 'Inspector, TEAM-A',
        'dueOn-day': '31',
        'dueOn-month': '2',
        'dueOn-year': '2027',
      })
      .expect(400); // no 31 February
    await chair
      .post(`/sessions/${w.sessionId}/cases/${w.items[1].id}/actions`)
      .type('form')
      .send({
        _csrf: csrf,
        kind: 'organisational_learning',
        description: 'Brief the team on grounds',
        owner: 'Inspector, TEAM-A',
        'dueOn-day': '28',
        'dueOn-month': '2',
        'dueOn-year': '2027',
      })
      .expect(303);
    const member = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const closed = await member.get(`/sessions/${w.sessionId}`).expect(200);
    expect(closed.text).toContain('Brief the team on grounds');
    expect(closed.text).toContain('How far the panel agrees');
    const actions = await member.get('/actions').expect(200);
    expect(actions.text).toContain('Brief the team on grounds');
  });

  it('renders every page in under 200 ms of server time', async () => {
    const member = await signIn(t, 'pw-member', PANEL_PASSWORD);
    const chair = await signIn(t, 'pw-chair', PANEL_PASSWORD);
    const pages: [ReturnType<typeof agentOf>, string][] = [
      [member, '/sessions'],
      [member, '/sessions?show=closed'],
      [member, `/sessions/${w.sessionId}`],
      [chair, `/sessions/${w.sessionId}`],
      [member, `/sessions/${w.sessionId}/cases/${w.items[1].id}`],
      [chair, `/sessions/${w.sessionId}/cases/${w.items[1].id}`],
      [member, `/sessions/${w.sessionId}/pack`],
      [member, '/actions'],
    ];
    const timings: Record<string, { fastest: number; median: number }> = {};
    for (const [agent, path] of pages) {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = process.hrtime.bigint();
        await agent.get(path).expect(200);
        runs.push(Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10);
      }
      runs.sort((a, b) => a - b);
      timings[`${agent === chair ? 'chair' : 'member'} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`] = {
        fastest: runs[0],
        median: runs[2],
      };
    }
    process.stdout.write(`panel pages, ms: ${JSON.stringify(timings)}\n`);
    // The target is PostgreSQL's (services mode), by the fastest of five: the page's own cost, not the load other tests
    // put on a shared machine. Embedded PGlite runs one statement at a time, single-threaded: reported only.
    if (process.env.DATABASE_URL) for (const { fastest } of Object.values(timings)) expect(fastest).toBeLessThan(200);
  });
});

/** A form as posted fields: dotted names, arrays as repeated values, nulls left out. */
function flatten(form: Record<string, unknown>, prefix = ''): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(form)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out[name] = v.map(String);
    else if (typeof v === 'object') Object.assign(out, flatten(v as Record<string, unknown>, name));
    else out[name] = String(v);
  }
  return out;
}
