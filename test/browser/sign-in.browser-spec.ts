import { USERNAME_FOR } from '../factories/users';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';
import { NotificationsPage } from './pages/notifications.page';
import { SignInPage } from './pages/sign-in.page';

describeInBrowser('web workspace in a browser: sign-in, sign-out, CSRF, errors', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 60_000);
  afterAll(() => h?.close());

  it('signs in from the page asked for, shows it, and signs out (axe on each page)', async () => {
    const { page } = await h.newPage();
    await page.goto('/notifications');
    const signIn = new SignInPage(page);
    expect(await signIn.heading()).toBe('Sign in');
    await signIn.expectAccessible('sign-in');
    await signIn.signIn(USERNAME_FOR.supervisor, 'wrong password!');
    expect(await signIn.errorSummary()).toEqual([{ text: 'Enter a correct username and password', href: '#username' }]);
    expect(await page.title()).toMatch(/^Error: Sign in/);
    await signIn.expectAccessible('sign-in with errors');
    await signIn.signIn(USERNAME_FOR.supervisor, h.t.config.demo.password);
    expect(new URL(page.url()).pathname).toBe('/notifications');
    const notifications = new NotificationsPage(page);
    expect(await notifications.heading()).toBe('Notifications');
    await notifications.expectAccessible('notifications');
    await notifications.signOut();
    expect(await signIn.banner()).toContain('You have signed out');
    await page.goto('/notifications');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('refuses a form post without the CSRF token, with a 403 page', async () => {
    const { page, context } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'supervisor');
    // The browser's own cookie, a post from elsewhere: no token in the form.
    const refused = await context.request.post('/sign-out', { form: { nothing: '' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('Your form could not be sent');
    await page.goto('/notifications');
    expect(new URL(page.url()).pathname).toBe('/notifications');
  });

  it('shows the GOV.UK 404 page (accessible)', async () => {
    const { page } = await h.newPage();
    const res = await page.goto('/nothing-here');
    expect(res?.status()).toBe(404);
    const signIn = new SignInPage(page);
    expect(await signIn.heading()).toBe('Page not found');
    await signIn.expectAccessible('404');
  });
});
