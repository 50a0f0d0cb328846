import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ImportsService } from '@scrutiny/records';
import { DisproportionalityService } from '@scrutiny/statistics';
import { describeInBrowser, startBrowserHarness, type BrowserHarness } from './support/browser';
import { ExplorerPage } from './pages/explorer.page';
import { SignInPage } from './pages/sign-in.page';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');

describeInBrowser('analyst journey in a browser: the disproportionality explorer', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness();
    await h.t.app.get(ImportsService).importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
  }, 120_000);
  afterAll(() => h?.close());

  const signIn = async (role: 'analyst' | 'professional_standards', javaScriptEnabled = true) => {
    const { page } = await h.newPage({ javaScriptEnabled });
    await SignInPage.signInAs(page, h.t, role);
    return page;
  };

  it('explores a force: the map of its local authorities and the forest plot, each with its table (JS off)', async () => {
    const page = await signIn('analyst', false);
    const explorer = await ExplorerPage.open(page);
    expect(await explorer.heading()).toBe('Disproportionality explorer');
    await explorer.expectAccessible('explorer, no filters');
    await explorer.filter({ area: 'city-of-london', from: '2017-12', to: '2017-12' });
    const charts = await explorer.chartNames();
    expect(charts).toEqual(
      expect.arrayContaining(['Rate ratio to White', 'Rate ratio by local authority', 'Rates per 1,000 over time']),
    );
    expect(await explorer.mapAreas()).toEqual([expect.stringMatching(/^City of London: /)]);
    expect((await explorer.table('Rate ratio by local authority')).map((r) => r[0])).toEqual(['City of London']);
    expect((await explorer.table('Rate ratio to White')).length).toBeGreaterThan(2);
    expect(await page.locator('.govuk-inset-text').innerText()).toContain('Counts under 10 are withheld');
    await explorer.expectAccessible('explorer with figures');
    // The analyst may record a finding from these figures (findings:record, as the API).
    expect(await page.getByRole('button', { name: 'Record a finding from these figures' }).count()).toBe(1);

    await ExplorerPage.open(page, 'area=city-of-london&from=2017&to=2017-12');
    expect(await explorer.errorSummary()).toEqual([{ text: 'Enter the first month, like 2024-04', href: '#from' }]);
    await explorer.expectAccessible('explorer with errors');
  });

  it('shows professional standards the funnel of teams (unsuppressed)', async () => {
    const page = await signIn('professional_standards');
    const explorer = await ExplorerPage.open(page);
    await explorer.filter({ area: 'city-of-london', from: '2017-12', to: '2017-12' });
    expect(await explorer.chartNames()).toContain('Share of searches of Black people by team');
    await explorer.expectAccessible('explorer (unsuppressed, with the funnel)');
  });

  it('records a disproportionality finding from the figures on screen (the analyst, figures as shown)', async () => {
    const page = await signIn('analyst');
    const explorer = await ExplorerPage.open(page);
    await explorer.filter({ area: 'city-of-london', from: '2017-12', to: '2017-12' });
    await explorer.startFinding();
    expect(await explorer.heading()).toBe('Record a disproportionality finding');
    await explorer.expectAccessible('record a finding');
    await explorer.recordFinding({ narrative: '', title: 'City, December 2017' });
    expect((await explorer.errorSummary()).map((e) => e.href)).toEqual(['#narrative']);
    await explorer.expectAccessible('record a finding with errors');
    await explorer.recordFinding({ narrative: 'Black people were searched more often', actions: 'Dip sample' });
    expect(await explorer.banner()).toContain('Finding recorded');
    const { items } = await h.t.app.get(DisproportionalityService).listFindings(SYSTEM_ACTOR, {});
    expect(items[0]).toMatchObject({ title: 'City, December 2017', actions: ['Dip sample'] });
    // Frozen as the analyst saw them: through the disclosure rule.
    expect(items[0].snapshot).toMatchObject({ disclosure: { applied: true } });
  });
});
