import * as path from 'node:path';
import { USERNAME_FOR } from '../factories/users';
import { AdminPage } from './pages/admin.page';
import { SignInPage } from './pages/sign-in.page';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'police-uk', '2017-12-city-of-london-stop-and-search.csv');

describeInBrowser('admin journey in a browser: upload a police.uk file and watch it complete', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 90_000);
  afterAll(() => h?.close());

  it('uploads the City of London file, follows the progress bar to completed, axe clean on every admin page', async () => {
    const { page } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'admin');
    const admin = await AdminPage.open(page);
    expect(await admin.heading()).toBe('Administration');
    await admin.expectAccessible('admin index');

    await page.getByRole('link', { name: 'Imports', exact: true }).first().click();
    await page.waitForURL(/\/admin\/imports$/);
    await admin.expectAccessible('imports');
    // Sent empty: the error summary links to each field.
    await page.getByLabel('Force', { exact: true }).fill('');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload and import' }).click()]);
    expect(await admin.errorSummary()).toEqual([
      { text: 'Enter the force', href: '#force' },
      { text: 'Select a CSV file', href: '#file' },
    ]);
    await admin.expectAccessible('imports with errors');

    await admin.upload(FIXTURE, 'police-uk', 'city-of-london');
    // The bar follows the job (polling) without reloading the page, to completed.
    await page.locator('#import-progress-status[data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await admin.progressStatus()).toMatch(
      /^Completed: 101 rows read, \d+ imported, \d+ duplicates, \d+ rejected$/,
    );
    expect(await admin.progress()).toEqual({ value: 101, max: 101 });
    expect(await page.locator('[role="status"]').getAttribute('aria-live')).toBe('polite');
    await admin.expectAccessible('import completed');

    for (const [pathname, label] of [
      ['/admin/imports', 'imports list'],
      ['/admin/users', 'users'],
      ['/admin/users/new', 'new user'],
      ['/admin/audit', 'audit trail'],
      ['/admin/audit/verify', 'audit verification'],
      ['/admin/jobs', 'failed jobs'],
      ['/admin/outbox', 'outbox'],
      ['/admin/panels', 'panels'],
      ['/admin/plans', 'sampling plans'],
    ]) {
      await page.goto(pathname);
      await admin.expectAccessible(label);
    }
    await page.goto('/admin/users');
    await page.getByRole('link', { name: USERNAME_FOR.supervisor }).click();
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    await admin.expectAccessible('edit user');
  });

  it('creates a panel, adds a member with dates and schedules a session, axe clean on each panel page', async () => {
    const { page } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'admin');
    const admin = await AdminPage.open(page, '/admin/panels');
    await page.getByRole('link', { name: 'Create a panel' }).click();
    await page.waitForURL(/\/admin\/panels\/new$/);
    await admin.expectAccessible('new panel');
    // Sent without a name or remit: the summary links to both fields.
    await page.getByLabel('Stop search').uncheck();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create panel' }).click()]);
    expect((await admin.errorSummary()).map((e) => e.href)).toEqual(['#name', '#remit']);
    await admin.expectAccessible('new panel with errors');
    await page.getByLabel('Name', { exact: true }).fill('Browser scrutiny panel');
    await page.getByLabel('Stop search').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create panel' }).click()]);
    expect(await admin.heading()).toBe('Browser scrutiny panel');
    await admin.expectAccessible('panel');

    await page.getByRole('button', { name: 'Add a member' }).click();
    await page.waitForURL(/\/members$/);
    await admin.expectAccessible('add a member');
    const person = page.locator('#userId option', { hasText: USERNAME_FOR.external_panel });
    await page.getByLabel('Person').selectOption((await person.getAttribute('value'))!);
    const term = page.getByRole('group', { name: 'Term starts' });
    await term.getByLabel('Day').fill('1');
    await term.getByLabel('Month').fill('4');
    await term.getByLabel('Year').fill('2025');
    const vetted = page.getByRole('group', { name: 'Vetted on' });
    await vetted.getByLabel('Day').fill('2');
    await vetted.getByLabel('Month').fill('4');
    await vetted.getByLabel('Year').fill('2025');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save member' }).click()]);
    expect(await page.locator('table').innerText()).toContain('2 April 2025');
    await admin.expectAccessible('panel with a member');

    await page.getByRole('button', { name: 'Schedule a session' }).click();
    await page.waitForURL(/\/sessions\/new$/);
    await admin.expectAccessible('schedule a session');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Schedule session' }).click()]);
    expect((await admin.errorSummary()).map((e) => e.href)).toEqual(['#date-day', '#venue']);
    await admin.expectAccessible('schedule a session with errors');
  });

  it('shows the progress with a Refresh progress button when JavaScript is off', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await SignInPage.signInAs(page, h.t, 'admin');
    const admin = await AdminPage.open(page, '/admin/imports');
    await admin.upload(FIXTURE, 'police-uk', 'city-of-london');
    for (let i = 0; i < 120; i++) {
      if ((await page.locator('#import-progress-status').getAttribute('data-status')) === 'completed') break;
      await admin.expectAccessible('import progress without JS');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Refresh progress' }).click()]);
    }
    expect(await admin.progressStatus()).toMatch(/^Completed: 101 rows read/);
    await admin.expectAccessible('import completed without JS');
  });
});
