import { insertStopSearch } from '../factories/records';
import { describeInBrowser, expectNoAxeViolations, startBrowserHarness, type BrowserHarness } from './support/browser';
import { PackPage, ThemesReviewPage } from './pages/themes-review.page';
import { OfficerTimelinePage } from './pages/officer-timeline.page';
import { SignInPage } from './pages/sign-in.page';

describeInBrowser('professional standards journey in a browser: the quarterly themes review', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
  }, 120_000);
  afterAll(() => h?.close());

  const signIn = async (role: 'professional_standards' | 'supervisor', javaScriptEnabled = true) => {
    const { page } = await h.newPage({ javaScriptEnabled });
    await SignInPage.signInAs(page, h.t, role);
    return page;
  };

  it('opens 2024-Q2, records a meeting decision and an action, and downloads the pack (JS off)', async () => {
    const page = await signIn('professional_standards', false);
    const review = await ThemesReviewPage.open(page, '2024-Q2');
    expect(await review.heading()).toBe('Themes review 2024-Q2');
    expect(await review.chartNames()).toContain('Themes over time');
    await review.expectAccessible('themes review');

    await review.recordMeeting([], '');
    expect((await review.errorSummary()).map((e) => e.href)).toEqual(['#attendees', '#decisions']);
    await review.expectAccessible('themes review, meeting errors');
    await review.recordMeeting(['Det Supt (chair)', 'Panel chair'], 'Brief TEAM-B on GOWISELY');
    expect(await review.banner()).toContain('Meeting record saved');
    await review.raiseAction({
      kind: 'Policy or training',
      description: 'GOWISELY briefing',
      owner: 'Insp B',
      dueOn: '2024-09-30',
    });
    expect(await review.banner()).toContain('Action raised');
    expect(await page.locator('#meeting ~ table').first().innerText()).toContain('GOWISELY briefing');
    await review.expectAccessible('themes review with the meeting');

    await review.generatePack();
    const pack = new PackPage(page);
    await pack.expectAccessible('pack progress');
    await pack.checkUntilReady();
    await pack.expectAccessible('pack ready');
    expect((await pack.download('Report (PDF)')).filename).toMatch(/\.pdf$/);
    expect((await pack.download('Report (HTML)')).filename).toMatch(/\.html$/);
    const csv = await pack.download('themes.csv');
    expect(csv.filename).toMatch(/\.csv$/);
    expect(csv.bytes).toBeGreaterThan(10);
  });

  it('announces the pack when ready with JavaScript, without reloading the page', async () => {
    const page = await signIn('professional_standards');
    const review = await ThemesReviewPage.open(page, '2024-Q2');
    await review.generatePack();
    const pack = new PackPage(page);
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { dataset: { done: string } } } }
        ).document.querySelector('#pack-status').dataset.done === 'yes',
      undefined,
      { timeout: 30_000 },
    );
    expect(await pack.status()).toMatch(/ready|could not be made/i);
    await pack.expectAccessible('pack announced');
  });

  it('opens the officer register and flags an officer', async () => {
    await insertStopSearch(h.t.dataSource, { officerReference: 'PC-BR-1' });
    const page = await signIn('professional_standards');
    await page.goto('/officer-register');
    expect(await page.locator('h1').innerText()).toBe('Officer register');
    await expectNoAxeViolations(page, 'officer register');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Flag PC-BR-1' }).click()]);
    await page.getByLabel('Reason for the flag').fill('Targeted sample');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Flag officer' }).click()]);
    expect(await page.locator('.govuk-notification-banner__content').innerText()).toContain('Officer flagged');
    expect(await page.locator('tr', { hasText: 'PC-BR-1' }).innerText()).toContain('Targeted sample');
    await expectNoAxeViolations(page, 'officer register, flagged');

    const officer = await OfficerTimelinePage.openFromRegister(page, 'PC-BR-1');
    expect(await officer.heading()).toBe('Officer PC-BR-1');
    expect(await officer.summary('Flag')).toContain('Targeted sample');
    const events = await officer.events();
    expect(events.map((e) => e.title)).toEqual(['Record']);
    expect(events[0].description).toContain('Stop search');
    await officer.expectAccessible('officer timeline');
  });

  it('shows a supervisor no themes review pages', async () => {
    const page = await signIn('supervisor');
    const res = await page.goto('/quarterly-review/2024-Q2');
    expect(res?.status()).toBe(403);
    expect(await page.locator('nav a[href="/quarterly-review"]').count()).toBe(0);
  });
});
