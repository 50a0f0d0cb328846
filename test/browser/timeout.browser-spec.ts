import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';
import { NotificationsPage } from './pages/notifications.page';
import { SignInPage } from './pages/sign-in.page';

describeInBrowser('web workspace in a browser: the time-out warning', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    // One minute of idleness: inside the warning's last two minutes from the start.
    h = await startBrowserHarness({ WEB_SESSION_IDLE_MINUTES: '1' });
  }, 60_000);
  afterAll(() => h?.close());

  it('warns before the idle time-out and keeps the session on "Stay signed in" (accessible dialog)', async () => {
    const { page } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'supervisor');
    await page.goto('/notifications');
    await page.waitForSelector('#timeout-dialog[open]', { timeout: 10_000 });
    expect(await page.locator('#timeout-dialog-body').innerText()).toBe(
      'For your security, we will sign you out in 1 minute.',
    );
    await new NotificationsPage(page).expectAccessible('time-out warning');
    await h.t.dataSource.query(`UPDATE web_sessions SET last_seen_at = now() - interval '50 seconds'`);
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await page.waitForSelector('#timeout-dialog:not([open])', { state: 'attached' });
    const [row] = await h.t.dataSource.query(
      `SELECT extract(epoch FROM now() - last_seen_at)::float AS age FROM web_sessions`,
    );
    expect(row.age).toBeLessThan(10);
  });

  it('without JavaScript, the server sends an expired session to sign-in with a message', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await SignInPage.signInAs(page, h.t, 'supervisor');
    await h.t.dataSource.query(`UPDATE web_sessions SET last_seen_at = now() - interval '2 minutes'`);
    await page.goto('/notifications');
    const signIn = new SignInPage(page);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await signIn.banner()).toContain('You were signed out because you were inactive');
    await signIn.expectAccessible('sign-in after time-out');
  });
});
