import { randomBytes, randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { AuditService } from '@scrutiny/audit';
import Redis from 'ioredis';
import { createLogger, loadConfig } from '@scrutiny/core';
import { JobQueue } from '@scrutiny/jobs';
import {
  EmailOutbox,
  EmailSender,
  SendEmailJob,
  icsValue,
  parseIcs,
  parseIcsDateTime,
  type ParsedIcsProperty,
} from '@scrutiny/notifications';
import { NotificationsService } from '@scrutiny/sampling';
import { tokenFor } from '../factories/users';
import { createPanelWithMembers, scheduleSession, SIGNED } from '../factories/panels';
import { BackgroundModule } from '../../apps/worker/background.module';
import { waitFor } from '../setup/job-fixtures';
import { mimeParts, startSmtpCapture, type Received, type SmtpCapture } from '../setup/smtp-capture';
import { createTestApp, testConfig, type TestApp } from '../setup/test-app';

const BASE = 'https://scrutiny.example';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('email notifications (outbox, SMTP, iCalendar, digest)', () => {
  let t: TestApp;
  let smtp: SmtpCapture;
  let received: Received[] = [];
  /** While set, the mail server refuses every message (a mail server that is down, as the sender sees it). */
  let refuse = false;
  let admin: string;
  let psd: string;
  let mailEnv: Record<string, string>;

  beforeAll(async () => {
    smtp = await startSmtpCapture({ onMessage: (m) => received.push(m), refuse: () => refuse });
    const port = smtp.port;
    t = await createTestApp(
      (mailEnv = {
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        MAIL_FROM: 'Scrutiny <scrutiny@scrutiny.example>',
        PUBLIC_BASE_URL: BASE,
        EMAIL_SEND_INTERVAL_MS: '0',
        OVERDUE_CHECK_INTERVAL_MS: '0',
        DIGEST_HOUR: '0',
      }),
    );
    admin = await tokenFor(t, 'admin');
    psd = await tokenFor(t, 'professional_standards');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    received = [];
    refuse = false;
  });

  const sender = () => t.app.get(EmailSender);
  const outbox = (where = 'true', params: unknown[] = []) =>
    t.dataSource.query(
      `SELECT id, user_id, to_address, template, status, attempts, last_error, next_attempt_at, ics, delivery, digest_id FROM email_outbox WHERE ${where} ORDER BY created_at, id`,
      params,
    ) as Promise<Record<string, unknown>[]>;

  async function createUser(username: string, roles: string[], extra: object = {}): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ username, roles, password: 'a long panel member passphrase', ...extra })
      .expect(201);
    return res.body.user.id as string;
  }

  it('the users API takes an email address and a preference, and refuses a bad address', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ username: 'no-at-sign', roles: ['supervisor'], email: 'not an address' })
      .expect(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'email' })]));
    const bad = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ username: 'bad-pref', roles: ['supervisor'], notificationPreference: 'weekly' })
      .expect(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'notificationPreference' })]),
    );
    const id = await createUser('mail-user', ['supervisor'], { email: 'mail.user@example.org' });
    const shown = (await t.http().get(`/api/v1/users/${id}`).set(bearer(admin)).expect(200)).body;
    expect(shown).toMatchObject({ email: 'mail.user@example.org', notificationPreference: 'immediate' });
    const updated = (
      await t
        .http()
        .patch(`/api/v1/users/${id}`)
        .set(bearer(admin))
        .send({ version: shown.version, notificationPreference: 'daily_digest', email: null })
        .expect(200)
    ).body;
    expect(updated).toMatchObject({ email: null, notificationPreference: 'daily_digest' });
  });

  it('a panel member gets an invitation with a valid calendar entry and a link only, and signs in to the session', async () => {
    const member = await createUser('invited-member', ['internal_panel'], { email: 'invited.member@example.org' });
    const noEmail = await createUser('member-without-email', ['internal_panel']);
    const panel = await createPanelWithMembers(
      t,
      psd,
      { name: 'Invitation panel', kind: 'internal', remit: ['stop_search'], quorum: 1 },
      [
        [member, { role: 'member', ...SIGNED }],
        [noEmail, { role: 'member', ...SIGNED }],
      ],
    );
    const session = await scheduleSession(t, psd, panel, {
      scheduledAt: '2030-03-14T18:30:00+00:00',
      venue: 'Room 4, Headquarters',
    });
    const queued = await outbox(`template = 'session_invitation'`);
    expect(queued).toEqual([expect.objectContaining({ user_id: member, status: 'queued', delivery: 'immediate' })]);

    const result = await sender().sendDue();
    expect(result).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail.to).toEqual(['invited.member@example.org']);
    expect(mail.from).toBe('scrutiny@scrutiny.example');
    const { headers, leaves } = mimeParts(mail.raw);
    expect(headers.subject).toBe('Scrutiny: invitation to a panel session');
    expect(headers['message-id']).toBe(`<${queued[0].id as string}@scrutiny.example>`);
    const text = leaves.find((p) => /^text\/plain/i.test(p.headers['content-type']))!.body;
    const link = `${BASE}/sessions/${session}`;
    expect(text).toContain(link);
    // Links only: every URL is the workspace's, and nothing of the panel or place is written out.
    expect(text.match(/https?:\/\/\S+/g)).toEqual([link]);
    expect(text).not.toMatch(/Invitation panel|Room 4/);

    const calendar = leaves.find((p) => /^text\/calendar/i.test(p.headers['content-type']))!;
    expect(calendar.headers['content-type']).toMatch(/method=REQUEST/i);
    const ics: ParsedIcsProperty[] = parseIcs(calendar.body);
    expect(icsValue(ics, 'METHOD')).toBe('REQUEST');
    expect(icsValue(ics, 'UID')).toBe(`panel-session-${session}@scrutiny`);
    expect(icsValue(ics, 'SEQUENCE')).toBe('0');
    expect(parseIcsDateTime(icsValue(ics, 'DTSTART')!).toISOString()).toBe('2030-03-14T18:30:00.000Z');
    expect(icsValue(ics, 'DTEND')).toBe('20300314T203000Z');
    expect(icsValue(ics, 'URL')).toBe(link);
    expect(ics.find((p) => p.name === 'ATTENDEE')!.value).toBe('mailto:invited.member@example.org');
    expect(ics.find((p) => p.name === 'ORGANIZER')!.value).toBe('mailto:scrutiny@scrutiny.example');

    // The link's page asks for sign-in; the member signs in and opens the session.
    const login = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'invited-member', password: 'a long panel member passphrase' })
      .expect(200);
    await t.http().get(`/api/v1/panel-sessions/${session}`).set(bearer(login.body.accessToken)).expect(200);

    // Moving the session sends an update: same UID, a higher SEQUENCE.
    const { version } = (await t.http().get(`/api/v1/panel-sessions/${session}`).set(bearer(psd)).expect(200)).body;
    await t
      .http()
      .patch(`/api/v1/panel-sessions/${session}`)
      .set(bearer(psd))
      .send({ version, scheduledAt: '2030-03-21T18:30:00+00:00' })
      .expect(200);
    received = [];
    await sender().sendDue();
    expect(received).toHaveLength(1);
    const update = mimeParts(received[0].raw);
    expect(update.headers.subject).toBe('Scrutiny: a panel session has changed');
    const updated = parseIcs(update.leaves.find((p) => /^text\/calendar/i.test(p.headers['content-type']))!.body);
    expect(icsValue(updated, 'UID')).toBe(`panel-session-${session}@scrutiny`);
    expect(Number(icsValue(updated, 'SEQUENCE'))).toBeGreaterThan(0);
    expect(icsValue(updated, 'DTSTART')).toBe('20300321T183000Z');

    // Cancelling it sends a cancellation: METHOD:CANCEL, the same UID, a higher SEQUENCE still.
    const current = (await t.http().get(`/api/v1/panel-sessions/${session}`).set(bearer(psd)).expect(200)).body;
    await t
      .http()
      .post(`/api/v1/panel-sessions/${session}/transitions`)
      .set(bearer(psd))
      .send({ status: 'cancelled', version: current.version })
      .expect(200);
    received = [];
    await sender().sendDue();
    expect(received).toHaveLength(1);
    const cancel = mimeParts(received[0].raw);
    expect(cancel.headers.subject).toBe('Scrutiny: a panel session is cancelled');
    const calendarPart = cancel.leaves.find((p) => /^text\/calendar/i.test(p.headers['content-type']))!;
    expect(calendarPart.headers['content-type']).toMatch(/method=CANCEL/i);
    const cancelled = parseIcs(calendarPart.body);
    expect(icsValue(cancelled, 'METHOD')).toBe('CANCEL');
    expect(icsValue(cancelled, 'UID')).toBe(`panel-session-${session}@scrutiny`);
    expect(Number(icsValue(cancelled, 'SEQUENCE'))).toBeGreaterThan(Number(icsValue(updated, 'SEQUENCE')));
    expect(icsValue(cancelled, 'STATUS')).toBe('CANCELLED');
  });

  it('a failed send stays queued with its attempt and next try, and is sent exactly once when the server is back', async () => {
    const user = await createUser('retry-user', ['supervisor'], { email: 'retry.user@example.org' });
    await t.dataSource.transaction((m) =>
      t.app.get(NotificationsService).notify(m, [user], 'review_assigned', 'A record to review', {}),
    );
    refuse = true;
    const before = Date.now();
    expect(await sender().sendDue()).toMatchObject({ sent: 0, retrying: 1 });
    const [failed] = await outbox('user_id = $1', [user]);
    expect(failed).toMatchObject({ status: 'queued', attempts: 1 });
    expect(failed.last_error).toMatch(/mail server unavailable/);
    expect((failed.next_attempt_at as Date).getTime()).toBeGreaterThan(before + 20_000);

    refuse = false;
    // Not due yet: nothing is sent before the back-off ends.
    expect(await sender().sendDue()).toMatchObject({ sent: 0 });
    const later = new Date(Date.now() + 3_600_000);
    expect(await sender().sendDue(later)).toMatchObject({ sent: 1 });
    expect(await sender().sendDue(later)).toMatchObject({ sent: 0 });
    expect(received.filter((r) => r.to.includes('retry.user@example.org'))).toHaveLength(1);
    expect((await outbox('user_id = $1', [user]))[0]).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('gives up after the last attempt: the email is failed, and admins see it in the outbox', async () => {
    const user = await createUser('give-up-user', ['supervisor'], { email: 'give.up@example.org' });
    await t.dataSource.transaction((m) =>
      t.app.get(NotificationsService).notify(m, [user], 'review_assigned', 'A record to review', {}),
    );
    refuse = true;
    await t.dataSource.query(`UPDATE email_outbox SET attempts = $2 - 1 WHERE user_id = $1`, [
      user,
      t.config.mail.maxAttempts,
    ]);
    expect(await sender().sendDue()).toMatchObject({ failed: 1 });
    const listed = (await t.http().get('/api/v1/email-outbox?status=failed').set(bearer(admin)).expect(200)).body;
    expect(listed.total).toBeGreaterThanOrEqual(1);
    expect(listed.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ toAddress: 'give.up@example.org', status: 'failed', lastError: expect.any(String) }),
      ]),
    );
    await t.http().get('/api/v1/email-outbox').set(bearer(psd)).expect(403);

    // Sent again on an admin's word once the mail server is back: queued afresh, audited; only a failed one.
    const failed = listed.items.find((i: { toAddress: string }) => i.toAddress === 'give.up@example.org');
    await t.http().post(`/api/v1/email-outbox/${failed.id}/retry`).set(bearer(psd)).expect(403);
    refuse = false;
    const retried = (await t.http().post(`/api/v1/email-outbox/${failed.id}/retry`).set(bearer(admin)).expect(200))
      .body;
    expect(retried).toMatchObject({ id: failed.id, status: 'queued', attempts: 0 });
    const again = await t.http().post(`/api/v1/email-outbox/${failed.id}/retry`).set(bearer(admin)).expect(409);
    expect(again.body.detail).toBe('Only a failed email can be sent again; this one is queued');
    await t.http().post(`/api/v1/email-outbox/${randomUUID()}/retry`).set(bearer(admin)).expect(404);
    expect(await sender().sendDue()).toMatchObject({ sent: 1 });
    expect(received.filter((r) => r.to.includes('give.up@example.org'))).toHaveLength(1);
    expect(
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'email.retried' AND target_id = $1`,
        [failed.id],
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('a daily-digest person gets one email for two events, listing both links', async () => {
    const user = await createUser('digest-user', ['supervisor'], {
      email: 'digest.user@example.org',
      notificationPreference: 'daily_digest',
    });
    const notifications = t.app.get(NotificationsService);
    const items = ['0b9c1f5e-1a2b-4c3d-8e9f-000000000001', '0b9c1f5e-1a2b-4c3d-8e9f-000000000002'];
    for (const itemId of items)
      await t.dataSource.transaction((m) =>
        notifications.notify(m, [user], 'review_assigned', 'A record to review', { sampleId: itemId, itemId }),
      );
    expect(await outbox('user_id = $1', [user])).toEqual([
      expect.objectContaining({ delivery: 'digest', status: 'queued' }),
      expect.objectContaining({ delivery: 'digest', status: 'queued' }),
    ]);
    const result = await sender().sendDue();
    expect(result).toMatchObject({ digests: 1 });
    const mine = received.filter((r) => r.to.includes('digest.user@example.org'));
    expect(mine).toHaveLength(1);
    const { headers, leaves } = mimeParts(mine[0].raw);
    expect(headers.subject).toBe('Scrutiny: 2 updates since yesterday');
    const text = leaves.find((p) => /^text\/plain/i.test(p.headers['content-type']))!.body;
    expect(text.match(/https?:\/\/\S+/g)).toEqual(items.map((id) => `${BASE}/reviews/${id}`));
    const rows = await outbox('user_id = $1', [user]);
    expect(rows.filter((r) => r.status === 'digested')).toHaveLength(2);
    // A second run the same day sends no second digest.
    await t.dataSource.transaction((m) =>
      notifications.notify(m, [user], 'review_assigned', 'Another', { itemId: '0b9c1f5e-1a2b-4c3d-8e9f-000000000003' }),
    );
    received = [];
    expect(await sender().sendDue()).toMatchObject({ digests: 0, sent: 0 });
    expect(received).toHaveLength(0);
  });

  it('an email is rolled back with the transaction of its event', async () => {
    const user = await createUser('rollback-user', ['supervisor'], { email: 'rollback@example.org' });
    await expect(
      t.dataSource.transaction(async (m) => {
        await t.app.get(NotificationsService).notify(m, [user], 'review_assigned', 'A record to review', {});
        expect(await m.query(`SELECT count(*)::int AS n FROM email_outbox WHERE user_id = $1`, [user])).toEqual([
          { n: 1 },
        ]);
        throw new Error('the event fails');
      }),
    ).rejects.toThrow('the event fails');
    expect(await outbox('user_id = $1', [user])).toEqual([]);
    expect(await t.dataSource.query(`SELECT 1 FROM notifications WHERE user_id = $1`, [user])).toEqual([]);
  });

  it('the same event queues one email per person, however often it is written', async () => {
    const user = await createUser('dedupe-user', ['supervisor'], { email: 'dedupe@example.org' });
    const email = t.app.get(EmailOutbox);
    const event = { template: 'report_pack_ready' as const, path: '/report-packs/x', eventKey: 'report_pack_ready:x' };
    expect(await email.queue(t.dataSource, [user, user], event)).toBe(1);
    expect(await email.queue(t.dataSource, [user], event)).toBe(0);
  });

  it('without a mail server, emails are held for the admin outbox and never sent', async () => {
    const user = await createUser('held-user', ['supervisor'], { email: 'held@example.org' });
    await sender().sendDue(); // what earlier tests left queued
    received = [];
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: BASE });
    expect(config.mail.smtpUrl).toBeNull();
    const embedded = new EmailOutbox(t.dataSource, config, t.app.get(AuditService));
    await embedded.queue(t.dataSource, [user], {
      template: 'report_pack_ready',
      path: '/report-packs/held',
      eventKey: 'report_pack_ready:held',
    });
    expect(await sender().sendDue()).toMatchObject({ sent: 0 });
    const listed = (await t.http().get('/api/v1/email-outbox?status=held').set(bearer(admin)).expect(200)).body;
    expect(listed).toMatchObject({ total: 1 });
    expect(listed.items[0]).toMatchObject({
      toAddress: 'held@example.org',
      status: 'held',
      link: `${BASE}/report-packs/held`,
      textBody: expect.stringContaining(`${BASE}/report-packs/held`),
    });
    expect(received).toHaveLength(0);
  });

  // Last: a worker closing in this process leaves the API's process-wide state (passport, pools) behind it.
  it('the send-email job sends through the job system: BullMQ and the worker in services mode, in-process embedded', async () => {
    const user = await createUser('job-user', ['supervisor'], { email: 'job.user@example.org' });
    await sender().sendDue(); // what earlier tests left queued
    await t.dataSource.transaction((m) =>
      t.app.get(NotificationsService).notify(m, [user], 'review_assigned', 'A record to review', {}),
    );
    const services = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
    if (!services) {
      await t.app.get(JobQueue).enqueue(SendEmailJob, {});
      await waitFor(async () => received.some((r) => r.to.includes('job.user@example.org')));
    } else {
      const prefix = `test-${randomBytes(4).toString('hex')}`;
      const config = {
        // The same JWT secret: passport keeps one strategy per process, and the worker's would replace the API's.
        ...testConfig({
          ...mailEnv,
          REDIS_URL: process.env.REDIS_URL!,
          QUEUE_PREFIX: prefix,
          JWT_SECRET: t.config.jwtSecret,
          PSEUDONYM_KEY: t.config.pseudonymKey,
        }),
        database: t.db.config,
      };
      const worker = await NestFactory.createApplicationContext(
        BackgroundModule.forRoot(config, createLogger('silent'), { processJobs: true }),
        { logger: false },
      );
      try {
        await worker.init();
        await worker.get(JobQueue).enqueue(SendEmailJob, {});
        await waitFor(async () => received.some((r) => r.to.includes('job.user@example.org')));
      } finally {
        await worker.close();
        const redis = new Redis(process.env.REDIS_URL!);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        await redis.quit();
      }
    }
    expect(received.filter((r) => r.to.includes('job.user@example.org'))).toHaveLength(1);
    expect((await outbox('user_id = $1', [user]))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
