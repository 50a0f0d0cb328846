import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Permission, ROLE_PERMISSIONS } from '@scrutiny/auth';
import { JobFailure } from '@scrutiny/jobs';
import { EmailOutbox } from '@scrutiny/notifications';
import { SamplingPlansService } from '@scrutiny/sampling';
import { USERNAME_FOR } from '../factories/users';
import { waitFor } from '../setup/job-fixtures';
import { createTestApp, type TestApp } from '../setup/test-app';
import { agentOf, signInWithCsrf } from './support/web-agent';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'police-uk', '2017-12-city-of-london-stop-and-search.csv');

/** Each admin page and the permission its API route asks for (professional standards read the audit trail too). */
const ADMIN_PAGES: [string, Permission][] = [
  ['/admin', Permission.USERS_MANAGE],
  ['/admin/users', Permission.USERS_MANAGE],
  ['/admin/users/new', Permission.USERS_MANAGE],
  ['/admin/imports', Permission.RECORDS_IMPORT],
  ['/admin/audit', Permission.AUDIT_READ],
  ['/admin/audit/verify', Permission.AUDIT_READ],
  ['/admin/jobs', Permission.JOBS_MANAGE],
  ['/admin/outbox', Permission.USERS_MANAGE],
  ['/admin/panels', Permission.PANELS_MANAGE],
  ['/admin/plans', Permission.SAMPLING_PLANS_MANAGE],
];

describe('web workspace: admin pages (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  }, 120_000);
  afterAll(() => t?.close());

  it('opens every admin page to an admin only: other roles get 403, no session goes to sign-in', async () => {
    const admin = await signInWithCsrf(t, USERNAME_FOR.admin);
    for (const [page] of ADMIN_PAGES) {
      const res = await admin.agent.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.text.match(/<h1/g)).toHaveLength(1);
    }
    expect((await admin.agent.get('/notifications').expect(200)).text).toContain('href="/admin"');
    for (const role of ['supervisor', 'external_panel', 'analyst', 'professional_standards'] as const) {
      const other = await signInWithCsrf(t, USERNAME_FOR[role]);
      for (const [page, permission] of ADMIN_PAGES) {
        const expected = ROLE_PERMISSIONS[role].includes(permission) ? 200 : 403;
        expect([role, page, (await other.agent.get(page)).status]).toEqual([role, page, expected]);
      }
      expect((await other.agent.get('/notifications').expect(200)).text).not.toContain('href="/admin"');
      // Posts are refused too.
      await other.agent
        .post('/admin/users')
        .type('form')
        .send({ _csrf: other.csrf, username: 'x-user', roles: 'admin' })
        .expect(403);
    }
    expect((await agentOf(t).get('/admin/users').expect(303)).headers.location).toBe('/sign-in?next=%2Fadmin%2Fusers');
  });

  it('creates a user with roles, email and preference, changes them, resets the password and disables them', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    // Without the CSRF token nothing is created.
    await agent.post('/admin/users').type('form').send({ username: 'web-admin-a', roles: 'supervisor' }).expect(403);
    const missing = await agent.post('/admin/users').type('form').send({ _csrf: csrf, username: '' }).expect(400);
    expect(missing.text).toContain('href="#username"');
    expect(missing.text).toContain('href="#roles"');
    const bad = await agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, username: 'web-admin-a', roles: 'supervisor', email: 'not-an-address' })
      .expect(400);
    expect(bad.text).toContain('Email address must be an email address such as name@example.org');
    const created = await agent
      .post('/admin/users')
      .type('form')
      .send({
        _csrf: csrf,
        username: 'web-admin-a',
        displayName: 'Web Admin A',
        roles: ['supervisor', 'analyst'],
        email: 'a@example.org',
        notificationPreference: 'daily_digest',
      })
      .expect(200);
    const password = /data-testid="password">([^<]+)</.exec(created.text)![1];
    await t.http().post('/api/v1/auth/login').send({ username: 'web-admin-a', password }).expect(200);
    const [row] = (await t.dataSource.query(
      `SELECT id, roles, email, notification_preference FROM users WHERE username = 'web-admin-a'`,
    )) as { id: string; roles: string[]; email: string; notification_preference: string }[];
    expect(row).toMatchObject({
      roles: ['supervisor', 'analyst'],
      email: 'a@example.org',
      notification_preference: 'daily_digest',
    });
    expect((await agent.get('/admin/users').expect(200)).text).toContain(`/admin/users/${row.id}`);

    const edit = await agent.get(`/admin/users/${row.id}`).expect(200);
    const version = /name="version" value="(\d+)"/.exec(edit.text)![1];
    const saved = await agent
      .post(`/admin/users/${row.id}`)
      .type('form')
      .send({
        _csrf: csrf,
        version,
        displayName: 'Web Admin A',
        roles: 'external_panel',
        email: '',
        notificationPreference: 'immediate',
      })
      .expect(303);
    expect(saved.headers.location).toBe(`/admin/users/${row.id}?saved=updated`);
    const [after] = (await t.dataSource.query(`SELECT roles, email, notification_preference FROM users WHERE id = $1`, [
      row.id,
    ])) as {
      roles: string[];
      email: string | null;
      notification_preference: string;
    }[];
    expect(after).toEqual({ roles: ['external_panel'], email: null, notification_preference: 'immediate' });
    // A stale version is a conflict page, not a silent overwrite.
    await agent
      .post(`/admin/users/${row.id}`)
      .type('form')
      .send({ _csrf: csrf, version, roles: 'analyst' })
      .expect(409);

    const reset = await agent.post(`/admin/users/${row.id}/password`).type('form').send({ _csrf: csrf }).expect(200);
    const newPassword = /data-testid="password">([^<]+)</.exec(reset.text)![1];
    expect(newPassword).not.toBe(password);
    await t.http().post('/api/v1/auth/login').send({ username: 'web-admin-a', password }).expect(401);
    await t.http().post('/api/v1/auth/login').send({ username: 'web-admin-a', password: newPassword }).expect(200);

    await agent
      .post(`/admin/users/${row.id}/disabled`)
      .type('form')
      .send({ _csrf: csrf, disabled: 'true' })
      .expect(303);
    expect((await agent.get('/admin/users').expect(200)).text).toContain('Disabled');
    await t.http().post('/api/v1/auth/login').send({ username: 'web-admin-a', password: newPassword }).expect(401);
    await agent
      .post(`/admin/users/${row.id}/disabled`)
      .type('form')
      .send({ _csrf: csrf, disabled: 'false' })
      .expect(303);
    await t.http().post('/api/v1/auth/login').send({ username: 'web-admin-a', password: newPassword }).expect(200);
  });

  it('uploads a police.uk file, follows its progress to completion and lists its rejected rows', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    const file = readFileSync(FIXTURE);
    // The multipart form carries the CSRF token in its action's query: without it, refused.
    await agent
      .post('/admin/imports')
      .field('format', 'police-uk')
      .field('force', 'city-of-london')
      .attach('file', file, '2017-12-city-of-london-stop-and-search.csv')
      .expect(403);
    const noFile = await agent
      .post(`/admin/imports?_csrf=${csrf}`)
      .field('format', 'police-uk')
      .field('force', '')
      .expect(400);
    expect(noFile.text).toContain('href="#force"');
    expect(noFile.text).toContain('href="#file"');
    const uploaded = await agent
      .post(`/admin/imports?_csrf=${encodeURIComponent(csrf)}`)
      .field('format', 'police-uk')
      .field('force', 'city-of-london')
      .attach('file', file, '2017-12-city-of-london-stop-and-search.csv')
      .expect(303);
    const location = uploaded.headers.location as string;
    expect(location).toMatch(/^\/admin\/imports\/[0-9a-f-]{36}\?rows=101$/);
    const id = /imports\/([0-9a-f-]{36})/.exec(location)![1];
    const first = await agent.get(location).expect(200);
    expect(first.text).toMatch(/<progress id="import-progress"/);
    expect(first.text).toContain('aria-live="polite"');
    const done = await waitFor(async () => {
      const res = await agent
        .get(`/admin/imports/${id}/progress?rows=101`)
        .set('accept', 'application/json')
        .expect(200);
      return res.body.done
        ? (res.body as { status: string; percent: number; rowsRead: number; message: string })
        : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: 'completed', percent: 100, rowsRead: 101 });
    expect(done.message).toMatch(/^Completed: 101 rows read, \d+ imported/);
    // The page view is audited once; the polls read only the counters and are not audited.
    const viewed = (await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'import.viewed' AND target_id = $1`,
      [id],
    )) as { n: number }[];
    expect(viewed[0].n).toBe(1);
    const page = await agent.get(`/admin/imports/${id}`).expect(200);
    expect(page.text).toContain('value="101"');
    expect(page.text).not.toContain('Refresh progress');
    expect((await agent.get('/admin/imports').expect(200)).text).toContain(`/admin/imports/${id}`);
    const csv = await agent.get(`/admin/imports/${id}/rejected.csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('line,field,reason');
    const rejected = Number(/"rowsRejected":(\d+)/.exec(JSON.stringify(done))?.[1] ?? 0);
    expect(csv.text.trim().split('\r\n').length - 1).toBeGreaterThanOrEqual(Math.min(rejected, 1) ? 1 : 0);
  });

  it('filters the audit trail, verifies it and shows its first break', async () => {
    const { agent } = await signInWithCsrf(t, USERNAME_FOR.admin);
    const filtered = await agent.get('/admin/audit?action=auth.login').expect(200);
    expect(filtered.text).toContain('<code>auth.login.succeeded</code>');
    expect(filtered.text).not.toContain('<code>user.created</code>');
    expect((await agent.get('/admin/audit?actorId=nope').expect(400)).text).toContain('href="#actorId"');
    // Wait for the sealer, then verify: intact.
    await waitFor(async () => {
      const [{ n }] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE hash IS NULL`)) as {
        n: number;
      }[];
      return n === 0;
    }, 30_000);
    const intact = await agent.get('/admin/audit/verify').expect(200);
    expect(intact.text).toContain('data-verified="true"');
    // Alter a sealed event past the guard trigger (as an attacker with the database would): the first break shows.
    const [{ seq }] = (await t.dataSource.query(
      `SELECT min(seq)::int AS seq FROM audit_events WHERE hash IS NOT NULL`,
    )) as { seq: number }[];
    await t.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE audit_events SET action = 'tampered' WHERE seq = $1`, [seq]);
    });
    const broken = await agent.get('/admin/audit/verify').expect(200);
    expect(broken.text).not.toContain('data-verified="true"');
    expect(broken.text).toContain('First break');
    expect(broken.text).toMatch(new RegExp(`<dd class="govuk-summary-list__value">\\s*${seq}\\s*</dd>`));
  });

  it('lists failed jobs and retries one; lists the held emails of the outbox', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    const [failure] = (await t.dataSource.getRepository(JobFailure).save([
      {
        queue: 'notifications',
        name: 'send-email',
        jobId: 'web-admin-test-1',
        envelope: { v: 1, data: {} },
        attempts: 5,
        error: 'mail server away',
        status: 'failed',
      },
    ])) as JobFailure[];
    const list = await agent.get('/admin/jobs').expect(200);
    expect(list.text).toContain('mail server away');
    await agent.post(`/admin/jobs/${failure.id}/retry`).type('form').send({}).expect(403);
    const retried = await agent.post(`/admin/jobs/${failure.id}/retry`).type('form').send({ _csrf: csrf }).expect(303);
    expect(retried.headers.location).toBe(`/admin/jobs?retried=${failure.id}`);
    const [row] = (await t.dataSource.query(`SELECT status FROM job_failures WHERE id = $1`, [failure.id])) as {
      status: string;
    }[];
    expect(row.status).toBe('retried');
    expect((await agent.get('/admin/jobs').expect(200)).text).not.toContain('mail server away');

    const [user] = (await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [USERNAME_FOR.analyst])) as {
      id: string;
    }[];
    await t.dataSource.query(`UPDATE users SET email = 'analyst@example.org' WHERE id = $1`, [user.id]);
    await t.app.get(EmailOutbox).queue(t.dataSource, [user.id], {
      template: 'report_pack_ready',
      path: '/report-packs/00000000-0000-4000-8000-000000000001',
      eventKey: 'web-admin-test',
    });
    const outbox = await agent.get('/admin/outbox?status=held').expect(200);
    expect(outbox.text).toContain('analyst@example.org');
    expect(outbox.text).toContain('Scrutiny: your report pack is ready');
    expect(outbox.text).toContain('Held');
  });

  it('lets each person choose immediate emails or a daily digest on their account page', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.external_panel);
    const page = await agent.get('/account/notifications').expect(200);
    expect(page.text).toMatch(/value="immediate" checked/);
    const version = /name="version" value="(\d+)"/.exec(page.text)![1];
    await agent
      .post('/account/notifications')
      .type('form')
      .send({ version, notificationPreference: 'daily_digest' })
      .expect(403);
    const none = await agent.post('/account/notifications').type('form').send({ _csrf: csrf, version }).expect(400);
    expect(none.text).toContain('href="#notificationPreference"');
    const saved = await agent
      .post('/account/notifications')
      .type('form')
      .send({ _csrf: csrf, version, notificationPreference: 'daily_digest' })
      .expect(303);
    expect(saved.headers.location).toBe('/account/notifications?saved=1');
    const [row] = (await t.dataSource.query(`SELECT notification_preference FROM users WHERE username = $1`, [
      USERNAME_FOR.external_panel,
    ])) as { notification_preference: string }[];
    expect(row.notification_preference).toBe('daily_digest');
    expect((await agent.get('/account/notifications?saved=1').expect(200)).text).toMatch(
      /value="daily_digest" checked/,
    );
  });

  it('lists panels with their members’ dates and switches a sampling plan’s schedule on and off', async () => {
    const { agent, csrf } = await signInWithCsrf(t, USERNAME_FOR.admin);
    await agent.get('/admin/panels').expect(200);
    await t.app.get(SamplingPlansService).ensureDefault();
    const plans = await agent.get('/admin/plans').expect(200);
    const id = /action="\/admin\/plans\/([0-9a-f-]{36})\/schedule"/.exec(plans.text)![1];
    await agent.post(`/admin/plans/${id}/schedule`).type('form').send({ enabled: 'true' }).expect(403);
    await agent.post(`/admin/plans/${id}/schedule`).type('form').send({ _csrf: csrf, enabled: 'true' }).expect(303);
    expect((await agent.get('/admin/plans?saved=on').expect(200)).text).toContain('On, drawing each month from');
    await agent.post(`/admin/plans/${id}/schedule`).type('form').send({ _csrf: csrf, enabled: 'false' }).expect(303);
    expect((await agent.get('/admin/plans?saved=off').expect(200)).text).toContain('The schedule is off.');
  });
});
