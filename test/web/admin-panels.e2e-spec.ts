import { Permission, ROLE_PERMISSIONS } from '@scrutiny/auth';
import { USERNAME_FOR } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';
import { agentOf, signInWithCsrf } from './support/web-agent';

const dateOf = (prefix: string, day: string, month: string, year: string) => ({
  [`${prefix}-day`]: day,
  [`${prefix}-month`]: month,
  [`${prefix}-year`]: year,
});

describe('web workspace: admins manage panels, members and sessions (HTTP)', () => {
  let t: TestApp;
  const count = async (sql: string, params: unknown[] = []) =>
    ((await t.dataSource.query(sql, params)) as { n: number }[])[0].n;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  }, 120_000);
  afterAll(() => t?.close());

  it('creates a panel, adds an external member with dates, changes their vetting, schedules a session', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    const panels = () => count(`SELECT count(*)::int AS n FROM panels`);
    const before = await panels();

    // Without the CSRF token nothing is created.
    await agent.post('/admin/panels').type('form').send({ name: 'No token', kind: 'external', remit: 'stop_search' });
    expect(await panels()).toBe(before);

    const form = await agent.get('/admin/panels/new').expect(200);
    expect(form.text.match(/<h1/g)).toHaveLength(1);
    expect(form.text).toContain('name="_csrf"');

    // Bad input: the error summary links to the fields (ours and the service's), and nothing is stored.
    const bad = await agent
      .post('/admin/panels')
      .type('form')
      .send({ _csrf: csrf, name: ' ', kind: 'external', quorum: '0' })
      .expect(400);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toContain('href="#name"');
    expect(bad.text).toContain('href="#remit"');
    expect(bad.text).toContain('href="#quorum"');
    expect(bad.text).toContain('Remit must list kinds from');
    expect(await panels()).toBe(before);

    const created = await agent
      .post('/admin/panels')
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Web scrutiny panel',
        kind: 'external',
        remit: ['stop_search', 'use_of_force'],
        quorum: '2',
        showGrounds: 'true',
        bwvRedacted: 'true',
      })
      .expect(303);
    const id = /^\/admin\/panels\/([0-9a-f-]{36})\?saved=created$/.exec(created.headers.location)![1];
    const [panel] = (await t.dataSource.query(
      `SELECT name, kind, remit, quorum, show_grounds FROM panels WHERE id = $1`,
      [id],
    )) as {
      name: string;
      kind: string;
      remit: string[];
      quorum: number;
      show_grounds: boolean;
    }[];
    expect(panel).toEqual({
      name: 'Web scrutiny panel',
      kind: 'external',
      remit: ['stop_search', 'use_of_force'],
      quorum: 2,
      show_grounds: true,
    });
    const shown = await agent.get(created.headers.location).expect(200);
    expect(shown.text).toContain('The panel has been created.');
    expect(shown.text.match(/<h1/g)).toHaveLength(1);
    expect((await agent.get('/admin/panels').expect(200)).text).toContain(`href="/admin/panels/${id}"`);

    // Change the panel (optimistic version); a stale form is the 409 page.
    const version = /name="version" value="(\d+)"/.exec(shown.text)![1];
    const change = {
      _csrf: csrf,
      name: 'Web scrutiny panel (north)',
      remit: 'stop_search',
      quorum: '3',
      showGrounds: 'false',
      bwvRedacted: 'true',
    };
    await agent
      .post(`/admin/panels/${id}`)
      .type('form')
      .send({ ...change, version })
      .expect(303);
    await agent
      .post(`/admin/panels/${id}`)
      .type('form')
      .send({ ...change, version })
      .expect(409);
    expect((await t.dataSource.query(`SELECT name, version FROM panels WHERE id = $1`, [id]))[0]).toEqual({
      name: 'Web scrutiny panel (north)',
      version: 2,
    });

    // An external member with an email address, created on the users page.
    await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: csrf,
        username: 'web-panel-member',
        roles: 'external_panel',
        email: 'member@example.org',
        notificationPreference: 'immediate',
      })
      .expect(200);
    const [{ id: memberId }] = (await t.dataSource.query(
      `SELECT id FROM users WHERE username = 'web-panel-member'`,
    )) as { id: string }[];
    const [{ id: internalId }] = (await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [
      USERNAME_FOR.internal_panel,
    ])) as {
      id: string;
    }[];
    const addForm = await agent.get(`/admin/panels/${id}/members`).expect(200);
    expect(addForm.text).toContain(`value="${memberId}"`);
    expect(addForm.text).not.toContain(`value="${internalId}"`); // only people who may sit on an external panel

    const members = () => count(`SELECT count(*)::int AS n FROM panel_members WHERE panel_id = $1`, [id]);
    // A date that does not exist, and a missing term start: errors on the fields, nothing stored.
    const badMember = await agent
      .post(`/admin/panels/${id}/members`)
      .type('form')
      .send({ _csrf: csrf, userId: memberId, role: 'member', ...dateOf('vettedOn', '31', '2', '2025') })
      .expect(400);
    expect(badMember.text).toContain('href="#termStart-day"');
    expect(badMember.text).toContain('href="#vettedOn-day"');
    // The service's rule: an internal panel member cannot sit on an external panel.
    const wrongRole = await agent
      .post(`/admin/panels/${id}/members`)
      .type('form')
      .send({ _csrf: csrf, userId: internalId, role: 'member', ...dateOf('termStart', '1', '4', '2025') })
      .expect(400);
    expect(wrongRole.text).toContain('href="#userId"');
    expect(wrongRole.text).toContain('must hold the external_panel role');
    // The service's rule: the term cannot end before it starts.
    const backwards = await agent
      .post(`/admin/panels/${id}/members`)
      .type('form')
      .send({
        _csrf: csrf,
        userId: memberId,
        role: 'member',
        ...dateOf('termStart', '1', '4', '2025'),
        ...dateOf('termEnd', '1', '3', '2025'),
      })
      .expect(400);
    expect(backwards.text).toContain('href="#termEnd-day"');
    expect(await members()).toBe(0);

    const memberForm = {
      _csrf: csrf,
      userId: memberId,
      role: 'member',
      ...dateOf('termStart', '1', '4', '2025'),
      ...dateOf('vettedOn', '2', '4', '2025'),
      ...dateOf('confidentialitySignedOn', '3', '4', '2025'),
    };
    await agent
      .post(`/admin/panels/${id}/members`)
      .type('form')
      .send({ ...memberForm, _csrf: undefined })
      .expect(403);
    expect(await members()).toBe(0);
    expect(
      (await agent.post(`/admin/panels/${id}/members`).type('form').send(memberForm).expect(303)).headers.location,
    ).toBe(`/admin/panels/${id}?saved=member`);
    const withMember = (await agent.get(`/admin/panels/${id}?saved=member`).expect(200)).text;
    expect(withMember).toContain('web-panel-member');
    expect(withMember).toContain('1 April 2025');
    expect(withMember).toContain('2 April 2025');
    expect(withMember).toContain('3 April 2025');

    // Change their vetting date: the form opens with their dates.
    const changeForm = (await agent.get(`/admin/panels/${id}/members?userId=${memberId}`).expect(200)).text;
    expect(changeForm).toMatch(/name="vettedOn-day" type="text" value="2"|name="vettedOn-day"[^>]*value="2"/);
    await agent
      .post(`/admin/panels/${id}/members`)
      .type('form')
      .send({ ...memberForm, ...dateOf('vettedOn', '5', '5', '2026') })
      .expect(303);
    const rows = (await t.dataSource.query(
      `SELECT role, term_start::text AS "termStart", term_end AS "termEnd", vetted_on::text AS "vettedOn", confidentiality_signed_on::text AS "signed" FROM panel_members WHERE panel_id = $1`,
      [id],
    )) as unknown[];
    expect(rows).toEqual([
      { role: 'member', termStart: '2025-04-01', termEnd: null, vettedOn: '2026-05-05', signed: '2025-04-03' },
    ]);
    expect((await agent.get(`/admin/panels/${id}`).expect(200)).text).toContain('5 May 2026');

    // Schedule a session: bad input first (nothing stored), then in London summer time.
    const sessions = () => count(`SELECT count(*)::int AS n FROM panel_sessions WHERE panel_id = $1`, [id]);
    expect((await agent.get(`/admin/panels/${id}/sessions/new`).expect(200)).text.match(/<h1/g)).toHaveLength(1);
    const badSession = await agent
      .post(`/admin/panels/${id}/sessions`)
      .type('form')
      .send({ _csrf: csrf, ...dateOf('date', '30', '2', '2027'), time: '25:00' })
      .expect(400);
    expect(badSession.text).toContain('href="#date-day"');
    expect(badSession.text).toContain('href="#time"');
    expect(badSession.text).toContain('href="#venue"');
    await agent
      .post(`/admin/panels/${id}/sessions`)
      .type('form')
      .send({ ...dateOf('date', '20', '6', '2027'), time: '18:30', venue: 'Room 2' })
      .expect(403);
    expect(await sessions()).toBe(0);
    const scheduled = await agent
      .post(`/admin/panels/${id}/sessions`)
      .type('form')
      .send({ _csrf: csrf, ...dateOf('date', '20', '6', '2027'), time: '18:30', venue: 'Preston police HQ, room 2' })
      .expect(303);
    expect(scheduled.headers.location).toBe(`/admin/panels/${id}?saved=session`);
    const [session] = (await t.dataSource.query(
      `SELECT id, scheduled_at, venue, online FROM panel_sessions WHERE panel_id = $1`,
      [id],
    )) as { id: string; scheduled_at: Date; venue: string; online: boolean }[];
    expect(session.scheduled_at.toISOString()).toBe('2027-06-20T17:30:00.000Z');
    expect([session.venue, session.online]).toEqual(['Preston police HQ, room 2', false]);
    const emails = (await t.dataSource.query(
      `SELECT to_address, template, status, ics IS NOT NULL AS ics FROM email_outbox WHERE user_id = $1`,
      [memberId],
    )) as unknown[];
    expect(emails).toEqual([
      { to_address: 'member@example.org', template: 'session_invitation', status: 'held', ics: true },
    ]);

    // Winter time (GMT), online.
    await agent
      .post(`/admin/panels/${id}/sessions`)
      .type('form')
      .send({ _csrf: csrf, ...dateOf('date', '10', '12', '2027'), time: '9:05', online: 'true' })
      .expect(303);
    const [winter] = (await t.dataSource.query(
      `SELECT scheduled_at, online FROM panel_sessions WHERE panel_id = $1 ORDER BY scheduled_at DESC LIMIT 1`,
      [id],
    )) as { scheduled_at: Date; online: boolean }[];
    expect([winter.scheduled_at.toISOString(), winter.online]).toEqual(['2027-12-10T09:05:00.000Z', true]);
  });

  it('refuses the panel pages and their posts to roles without panels:manage', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    const created = await agent
      .post('/admin/panels')
      .type('form')
      .send({ _csrf: csrf, name: 'Internal web panel', kind: 'internal', remit: 'stop_search' })
      .expect(303);
    const id = /\/admin\/panels\/([0-9a-f-]{36})/.exec(created.headers.location)![1];
    const pages = [
      '/admin/panels/new',
      `/admin/panels/${id}`,
      `/admin/panels/${id}/members`,
      `/admin/panels/${id}/sessions/new`,
    ];
    for (const role of [
      'supervisor',
      'external_panel',
      'internal_panel',
      'analyst',
      'professional_standards',
    ] as const) {
      const other = await signInWithCsrf(t, USERNAME_FOR[role]);
      const expected = ROLE_PERMISSIONS[role].includes(Permission.PANELS_MANAGE) ? 200 : 403;
      for (const page of pages)
        expect([role, page, (await other.agent.get(page)).status]).toEqual([role, page, expected]);
      const posted = await other.agent
        .post('/admin/panels')
        .type('form')
        .send({ _csrf: other.csrf, name: `By ${role}`, kind: 'external', remit: 'stop_search' });
      expect([role, posted.status]).toEqual([role, expected === 200 ? 303 : 403]);
      await other.agent
        .post(`/admin/panels/${id}/sessions`)
        .type('form')
        .send({ _csrf: other.csrf, ...dateOf('date', '1', '7', '2027'), time: '10:00', online: 'true' })
        .expect(expected === 200 ? 303 : 403);
    }
    // Professional standards hold panels:manage (the permission table) and may sit on an internal panel.
    expect(ROLE_PERMISSIONS.professional_standards).toContain(Permission.PANELS_MANAGE);
    const members = (await agent.get(`/admin/panels/${id}/members`).expect(200)).text;
    const [{ id: psd }] = (await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [
      USERNAME_FOR.professional_standards,
    ])) as {
      id: string;
    }[];
    expect(members).toContain(`value="${psd}"`);
    expect(await count(`SELECT count(*)::int AS n FROM panels WHERE name LIKE 'By %'`)).toBe(1);
    expect((await agentOf(t).get(`/admin/panels/${id}`).expect(303)).headers.location).toContain('/sign-in?next=');
  });
});
