import { PANEL_PASSWORD, panelWorld, type PanelWorld } from '../web/panel-fixture';
import { activate, answerForm, PanelPage, rateWithKeyboard, tabTo } from './pages/panel.page';
import { SignInPage } from './pages/sign-in.page';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';

/**
 * The panel member's journey in Chromium: from the session invitation's link, an external member signs in, declares
 * a conflict with one case and rates another with the keyboard alone; another rates with JavaScript off; the chair
 * records attendance and the consensus finding, closes the session and raises an action; the member then sees the
 * finding, the agreement and the action. axe on every page.
 */
describeInBrowser('panel member journey', () => {
  let h: BrowserHarness;
  let w: PanelWorld;
  beforeAll(async () => {
    h = await startBrowserHarness();
    w = await panelWorld(h.t);
  }, 120_000);
  afterAll(() => h?.close());

  const session = () => `/sessions/${w.sessionId}`;

  it('an external member, keyboard only, signs in from the invitation link, declares a conflict and rates a case blind', async () => {
    const { page } = await h.newPage();
    // The invitation email's link: sign in, and back to the session.
    await page.goto(session());
    const signIn = new SignInPage(page);
    expect(await signIn.heading()).toBe('Sign in');
    await tabTo(page, (f) => f.id === 'username');
    await page.keyboard.type('pw-member');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PANEL_PASSWORD);
    await Promise.all([page.waitForURL(`**${session()}`), page.keyboard.press('Enter')]);
    const sessionPage = new PanelPage(page);
    expect(await sessionPage.heading()).toMatch(/^Session on /);
    await sessionPage.expectAccessible('session page (member)');

    // A conflict with case 1: it leaves the member's agenda.
    await activate(page, 'Case 1');
    const case1 = new PanelPage(page);
    expect(await case1.heading()).toBe('Case 1');
    await case1.expectAccessible('case page (member, open)');
    await activate(page, 'Declare a conflict of interest with this case');
    const conflict = new PanelPage(page);
    await conflict.expectAccessible('conflict page');
    await activate(page, 'Declare conflict');
    expect(await conflict.errorSummary()).toEqual([{ text: 'Enter what the conflict is', href: '#reason' }]);
    await conflict.expectAccessible('conflict page with an error');
    await tabTo(page, (f) => f.id === 'reason');
    await page.keyboard.type('I know the officer');
    await activate(page, 'Declare conflict');
    expect(await sessionPage.banner()).toMatch(/conflict of interest has been recorded/);
    expect(await page.getByRole('link', { name: 'Case 1' }).count()).toBe(0);

    // Case 2, rated blind: nobody else's rating until the member submits.
    await activate(page, 'Case 2');
    const case2 = new PanelPage(page);
    expect(await case2.text()).not.toMatch(/Member 1/);
    await rateWithKeyboard(page, 'Submit rating');
    expect(await case2.banner()).toMatch(/Your rating has been submitted/);
    expect(await case2.text()).toMatch(/Member 1's rating/);
    await case2.expectAccessible('case page after rating');
  }, 120_000);

  it('a member rates a case with JavaScript off', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await (await SignInPage.open(page, session())).signIn('pw-other', PANEL_PASSWORD);
    const casePage = await PanelPage.open(page, `${session()}/cases/${w.items[2].id}`);
    await casePage.expectAccessible('case page without JavaScript');
    await answerForm(page);
    await casePage.follow('Submit rating', 'button');
    expect(await casePage.banner()).toMatch(/Your rating has been submitted/);
  }, 60_000);

  it('the chair records attendance and the finding, closes the session and raises an action', async () => {
    const { page } = await h.newPage();
    await (await SignInPage.open(page, session())).signIn('pw-chair', PANEL_PASSWORD);
    const chair = new PanelPage(page);
    await chair.expectAccessible('session page (chair)');
    expect(await chair.text()).toMatch(/A member has declared a conflict of interest with one case/);
    await page.getByLabel('pw-chair').check();
    await page.getByLabel('pw-member').check();
    await chair.follow('Save attendance', 'button');
    expect(await chair.text()).toMatch(/Quorate/);
    await chair.follow('Case 2');
    await chair.expectAccessible('case page (chair, open)');
    await chair.follow("Record the panel's consensus finding");
    await chair.expectAccessible('finding page');
    await answerForm(page, 'form[action$="/finding"]');
    await chair.follow('Save finding', 'button');
    expect(await chair.banner()).toMatch(/finding has been saved/);
    await chair.follow('Back to the session');
    await chair.follow('Close the session', 'button');
    expect(await chair.banner()).toMatch(/session is closed/);
    await chair.expectAccessible('session page (chair, closed)');
    await chair.follow('Case 2');
    await page.getByLabel('Organisational learning').check();
    await page.getByLabel('What should the force do?').fill('Brief the team on recording grounds');
    await page.getByLabel('Who owns it?').fill('Inspector, TEAM-A');
    await page.getByLabel('Day').fill('31');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('2027');
    await chair.follow('Raise action', 'button');
    expect((await chair.errorSummary())[0].text).toMatch(/real due date/);
    await chair.expectAccessible('case page with an action error');
    await page.getByLabel('Day').fill('26');
    await chair.follow('Raise action', 'button');
    expect(await chair.banner()).toMatch(/action has been raised/);
    await chair.expectAccessible('case page (chair, closed, action)');
  }, 120_000);

  it('the member sees the consensus, the agreement, the actions and the printable pack', async () => {
    const { page } = await h.newPage();
    await (await SignInPage.open(page, '/sessions?show=closed')).signIn('pw-member', PANEL_PASSWORD);
    const list = new PanelPage(page);
    expect(await list.heading()).toBe('My sessions');
    await list.expectAccessible('my sessions (closed)');
    await list.follow(/, Community panel pw/);
    const closed = new PanelPage(page);
    const text = await closed.text();
    expect(text).toMatch(/The panel's findings/);
    expect(text).toMatch(/Brief the team on recording grounds/);
    expect(text).toMatch(/How far the panel agrees/);
    expect(text).not.toMatch(/shown here when the session closes/);
    await closed.expectAccessible('session page (member, closed)');
    await closed.follow('Print the case pack for the meeting');
    const pack = new PanelPage(page);
    expect(await pack.heading()).toBe('Case pack');
    for (const ref of w.officerReferences) expect(await page.content()).not.toContain(ref);
    await pack.expectAccessible('case pack');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.govuk-header').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    const actions = await PanelPage.open(page, '/actions');
    expect(await actions.text()).toMatch(/Brief the team on recording grounds/);
    await actions.expectAccessible('you said, we did');
    const upcoming = await PanelPage.open(page, '/sessions');
    await upcoming.expectAccessible('my sessions (upcoming)');
  }, 120_000);

  it('an external member cannot reach any page of another panel', async () => {
    const { page } = await h.newPage();
    await (await SignInPage.open(page)).signIn('pw-outsider', PANEL_PASSWORD);
    for (const path of [session(), `${session()}/cases/${w.items[1].id}`, `${session()}/pack`]) {
      const res = await page.goto(path);
      expect(res?.status()).toBe(404);
    }
    await new PanelPage(page).expectAccessible('not found');
  }, 60_000);
});
