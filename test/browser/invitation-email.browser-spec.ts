import { createServer, type AddressInfo } from 'node:net';
import { EmailSender, icsValue, parseIcs, parseIcsDateTime } from '@scrutiny/notifications';
import { createPanelWithMembers, scheduleSession, SIGNED } from '../factories/panels';
import { tokenFor } from '../factories/users';
import { mimeParts, startSmtpCapture, type Received, type SmtpCapture } from '../setup/smtp-capture';
import { PANEL_PASSWORD } from '../web/panel-fixture';
import { PanelPage } from './pages/panel.page';
import { SignInPage } from './pages/sign-in.page';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';

/** A port nobody listens on now: the app is started on it so PUBLIC_BASE_URL (read at start-up) can name it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Issue 19's journey end to end: a session is scheduled for an external member's panel, the send job delivers the
 * invitation to a real SMTP server, and the member follows the email's link in Chromium, signs in and lands on the
 * session. axe on the sign-in and session pages.
 */
describeInBrowser('invitation email to the session page', () => {
  let h: BrowserHarness;
  let smtp: SmtpCapture;
  const received: Received[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture({ onMessage: (m) => received.push(m) });
    const port = await freePort();
    h = await startBrowserHarness({
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Scrutiny <scrutiny@scrutiny.example>',
      // The test sends when it wants to (EmailSender.sendDue, the send job's body), not on a timer.
      EMAIL_SEND_INTERVAL_MS: '0',
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('a panel member receives an invitation email with a valid .ics and signs in from its link', async () => {
    const t = h.t;
    const admin = await tokenFor(t, 'admin');
    const psd = await tokenFor(t, 'professional_standards');
    const member = (
      await t
        .http()
        .post('/api/v1/users')
        .set({ authorization: `Bearer ${admin}` })
        .send({
          username: 'ie-member',
          roles: ['external_panel'],
          password: PANEL_PASSWORD,
          email: 'ie.member@example.org',
        })
        .expect(201)
    ).body.user.id as string;
    const panel = await createPanelWithMembers(
      t,
      psd,
      { name: 'Invitation journey panel', kind: 'external', remit: ['stop_search'], quorum: 1 },
      [[member, { role: 'member', ...SIGNED }]],
    );
    const session = await scheduleSession(t, psd, panel, {
      scheduledAt: '2030-03-14T18:30:00+00:00',
      venue: 'Room 9, Headquarters',
    });

    expect(await t.app.get(EmailSender).sendDue()).toMatchObject({ sent: 1, failed: 0 });
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail.to).toEqual(['ie.member@example.org']);
    const { leaves } = mimeParts(mail.raw);
    const text = leaves.find((p) => /^text\/plain/i.test(p.headers['content-type']))!.body;
    const link = `${h.baseUrl}/sessions/${session}`;
    // The link is the only detail: no panel name, venue or case.
    expect(text.match(/https?:\/\/\S+/g)).toEqual([link]);
    expect(text).not.toMatch(/Invitation journey panel|Room 9|stop.search/i);

    const calendar = leaves.find((p) => /^text\/calendar/i.test(p.headers['content-type']))!;
    const ics = parseIcs(calendar.body);
    expect(icsValue(ics, 'METHOD')).toBe('REQUEST');
    expect(icsValue(ics, 'UID')).toBe(`panel-session-${session}@scrutiny`);
    expect(icsValue(ics, 'DTSTART')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(parseIcsDateTime(icsValue(ics, 'DTSTART')!).toISOString()).toBe('2030-03-14T18:30:00.000Z');
    expect(icsValue(ics, 'SUMMARY')).toBe('Scrutiny panel session');

    // Chromium follows the email's link: sign-in first, then back to the session.
    const { page } = await h.newPage();
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const signIn = new SignInPage(page);
    expect(await signIn.heading()).toBe('Sign in');
    await signIn.expectAccessible('sign-in from the invitation link');
    await signIn.signIn('ie-member', PANEL_PASSWORD);
    expect(page.url()).toBe(link);
    const sessionPage = new PanelPage(page);
    expect(await sessionPage.heading()).toMatch(/^Session on /);
    await sessionPage.expectAccessible('session page from the invitation');
  }, 120_000);
});
