import { insertClip, insertStopSearch } from '../factories/records';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';
import { NotificationsPage } from './pages/notifications.page';
import { SamplesPage } from './pages/samples.page';
import { SignInPage } from './pages/sign-in.page';

describeInBrowser('supervisor journey in a browser: draw, verify and issue a month’s sample', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
    for (let i = 0; i < 8; i++) {
      const id = await insertStopSearch(h.t.dataSource, {
        occurredAt: `2024-06-0${i + 1}T10:15:00Z`,
        officerReference: `PC-SMP-${i}`,
      });
      // Two clips expire within the warning window: footage at risk once a hold is requested.
      await insertClip(h.t.dataSource, id, i < 2 ? 3 : 40, `EVD-SMP-${i}`);
    }
  }, 90_000);
  afterAll(() => h?.close());

  it('draws June 2024 with the default plan, shows why each item was selected, verifies and issues it', async () => {
    const { page } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'supervisor');
    const samples = await SamplesPage.open(page);
    expect(await samples.heading()).toBe('Samples');
    await samples.expectAccessible('samples');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Draw a sample' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/samples/new');
    await samples.expectAccessible('draw a sample');
    await samples.draw('13', '2024');
    expect(await samples.errorSummary()).toEqual([
      { text: 'Enter a real month and year, for example 5 2024', href: '#period' },
    ]);
    await samples.expectAccessible('draw a sample with errors');
    await samples.draw('6', '2024');

    expect(await samples.heading()).toBe('Sample for June 2024');
    const summary = await samples.summary();
    expect(summary.Status).toBe('Draft');
    expect(summary['Records in the month']).toBe('8');
    const items = await samples.table('Items and why each was selected');
    expect(items.length).toBeGreaterThan(0);
    expect(items[0][1]).toBe('Stop search');
    expect(items[0][2]).toMatch(/^(Chosen at random|Targeted: [A-Z])/);
    expect((await samples.table('Allocation')).length).toBeGreaterThan(0);
    await samples.expectAccessible('a draft sample');

    await samples.verify();
    expect(await samples.banner()).toMatch(/The draw is verified/);
    await samples.expectAccessible('a verified sample');

    await SamplesPage.open(page, new URL(page.url()).pathname.replace('/verification', ''));
    await samples.issue();
    expect(await samples.banner()).toMatch(/The sample has been issued/);
    expect((await samples.summary()).Status).toBe('Issued');
    await samples.expectAccessible('an issued sample');
  });

  it('lists footage at risk and the supervisor’s notifications (accessible)', async () => {
    const { page } = await h.newPage();
    await SignInPage.signInAs(page, h.t, 'supervisor');
    const footage = await SamplesPage.open(page, '/footage-at-risk');
    expect(await footage.heading()).toBe('Footage at risk');
    await footage.expectAccessible('footage at risk');
    const notifications = await NotificationsPage.open(page);
    expect((await notifications.messages()).length).toBeGreaterThan(0);
    await notifications.expectAccessible('notifications with entries');
  });
});
