import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ImportsService } from '@scrutiny/records';
import { DisproportionalityService } from '@scrutiny/statistics';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';
import { csrfOf, signInAs } from './support/web-agent';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const CITY = 'area=city-of-london&from=2017-12&to=2017-12';

/** The rates table's rows as the page shows them: group → cells. */
function ratesRows(html: string): Map<string, string[]> {
  const table = /<caption[^>]*>Rates per 1,000[\s\S]*?<\/table>/.exec(html)![0];
  const rows = new Map<string, string[]>();
  for (const row of table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)) {
    const cells = [...row[1].matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1].trim());
    if (cells.length > 1 && !row[1].includes('scope="col"')) rows.set(cells[0], cells.slice(1));
  }
  return rows;
}

describe('web workspace: disproportionality explorer (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    await t.app.get(ImportsService).importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
  }, 120_000);
  afterAll(() => t.close());

  it('shows an analyst the API’s disclosed figures, the forest plot, the map and the trends, each with its table', async () => {
    const agent = await signInAs(t, 'analyst');
    const page = await agent.get(`/explorer?${CITY}`).expect(200);
    const api = (
      await t
        .http()
        .get(`/api/v1/disproportionality?${CITY}`)
        .set({ authorization: `Bearer ${await tokenFor(t, 'analyst')}` })
        .expect(200)
    ).body;
    expect(api.disclosure.applied).toBe(true);
    const rows = ratesRows(page.text);
    for (const g of api.groups as { group: string; count: number | null }[]) {
      const label = g.group.charAt(0).toUpperCase() + g.group.slice(1).replace(/_/g, ' ');
      expect([g.group, rows.get(label)?.[0]]).toEqual([g.group, g.count === null ? '' : String(g.count)]);
    }
    expect(page.text).toContain('Counts under 10 are withheld');
    for (const id of ['chart-forest', 'chart-map', 'chart-trends'])
      expect(page.text).toContain(`role="img" aria-labelledby="${id}-title ${id}-desc"`);
    // The map: the City of London force area is one local authority, with its <title>.
    expect(page.text).toMatch(/<path d="M[^"]+"[^>]*><title>City of London: /);
    // No funnel for those under the disclosure rule (the API refuses them it too).
    expect(page.text).not.toContain('chart-funnel');
    // Analysts record findings from these figures (findings:record).
    expect(page.text).toContain('Record a finding from these figures');
  });

  it('downloads every table as CSV through the same service, formula cells guarded', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const page = await agent.get(`/explorer?${CITY}`).expect(200);
    expect(page.text).toContain('chart-funnel');
    for (const name of ['rates', 'forest', 'map', 'trends', 'outcomes', 'funnel']) {
      expect(page.text).toContain(`/explorer/${name}.csv?`);
      const csv = await agent.get(`/explorer/${name}.csv?${CITY}`).expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.headers['content-disposition']).toContain(`disproportionality-${name}-2017-12-2017-12.csv`);
      expect(csv.text.split('\r\n').length).toBeGreaterThan(2);
      expect(csv.text).not.toMatch(/(^|,)[=+@]/m);
    }
  });

  it('refuses bad filters with the error summary, as the API’s validation does', async () => {
    const agent = await signInAs(t, 'analyst');
    const page = await agent.get('/explorer?area=city-of-london&from=2017&to=2017-12').expect(400);
    expect(page.text).toContain('govuk-error-summary');
    expect(page.text).toContain('href="#from"');
    const unknown = await agent.get('/explorer?area=nowhere&from=2017-12&to=2017-12').expect(400);
    expect(unknown.text).toContain('href="#area"');
  });

  it('records a finding from the figures on screen (professional standards), with CSRF and PRG', async () => {
    const agent = await signInAs(t, 'professional_standards');
    const form = await agent.get(`/explorer/findings/new?${CITY}`).expect(200);
    const empty = await agent
      .post('/explorer/findings')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        area: 'city-of-london',
        from: '2017-12',
        to: '2017-12',
        title: 'x',
        narrative: '',
      })
      .expect(400);
    expect(empty.text).toContain('href="#narrative"');
    const done = await agent
      .post('/explorer/findings')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        area: 'city-of-london',
        from: '2017-12',
        to: '2017-12',
        kind: 'stop-search',
        by: 'ethnicity',
        title: 'City searches, December 2017',
        narrative: 'Black people searched more often',
        actions: 'Dip sample\nBrief the panel',
      })
      .expect(303);
    expect(done.headers.location).toMatch(/^\/explorer\?area=city-of-london&.*recorded=/);
    expect((await agent.get(done.headers.location).expect(200)).text).toContain('Finding recorded');
    const { items } = await t.app.get(DisproportionalityService).listFindings(SYSTEM_ACTOR, {});
    expect(items[0]).toMatchObject({
      title: 'City searches, December 2017',
      actions: ['Dip sample', 'Brief the panel'],
    });
    // Without the form's token: refused.
    await agent.post('/explorer/findings').type('form').send({ area: 'city-of-london' }).expect(403);
  });

  it('keeps the explorer to those the API lets see the figures, and findings to analysts and professional standards', async () => {
    await (await signInAs(t, 'evidence_system')).get(`/explorer?${CITY}`).expect(403);
    await (await signInAs(t, 'analyst')).get(`/explorer/findings/new?${CITY}`).expect(200);
    await (await signInAs(t, 'external_panel')).get(`/explorer/findings/new?${CITY}`).expect(403);
    const external = await (await signInAs(t, 'external_panel')).get(`/explorer?${CITY}`).expect(200);
    expect(external.text).toContain('Counts under 10 are withheld');
    await (await signInAs(t, 'supervisor')).get(`/explorer/funnel.csv?${CITY}`).expect(200);
  });
});
