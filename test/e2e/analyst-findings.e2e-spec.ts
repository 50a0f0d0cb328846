import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ImportsService } from '@scrutiny/records';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

const FIXTURE = path.join(__dirname, '../fixtures/police-uk/2017-12-city-of-london-stop-and-search.csv');
const QUERY = { from: '2017-12', to: '2017-12', area: 'city-of-london' };
const CITY = '?from=2017-12&to=2017-12&area=city-of-london';

type Group = { group: string; count: number | null; suppressed: boolean; ratePer1000: number | null };

/**
 * Issue 19: an analyst records a disproportionality finding (findings:record) from the figures they are shown, and
 * neither its frozen figures nor those of findings others recorded give them counts the disclosure rule withholds.
 * Reviewing findings and the force's responses to panel findings stay findings:write.
 */
describe('analysts record disproportionality findings (findings:record)', () => {
  let t: TestApp;
  const token: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${token[who]}` });
  const counts = (snapshot: { groups: Group[] }) => snapshot.groups.map((g) => [g.group, g.count, g.suppressed]);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.psd = await tokenFor(t, 'professional_standards');
    token.analyst = await tokenFor(t, 'analyst');
    await t.app.get(ImportsService).importFile(FIXTURE, 'police-uk', 'city-of-london', SYSTEM_ACTOR);
  }, 60_000);
  afterAll(() => t.close());

  it('records a finding whose frozen figures are the ones the analyst sees, never the true counts', async () => {
    const shown = (await t.http().get(`/api/v1/disproportionality${CITY}`).set(as('analyst')).expect(200)).body;
    expect(shown.disclosure.applied).toBe(true);
    const finding = (
      await t
        .http()
        .post('/api/v1/disproportionality/findings')
        .set(as('analyst'))
        .send({ title: 'City, December 2017', query: QUERY, narrative: 'Black people were searched more often' })
        .expect(201)
    ).body;
    expect(finding.snapshot.disclosure).toEqual({ rule: 'rounded_base_5_suppressed_under_10', applied: true });
    expect(counts(finding.snapshot)).toEqual(counts(shown));
    // What is stored is what was shown: the mixed group's 8 searches are withheld in the row itself.
    const [{ snapshot }] = await t.dataSource.query(`SELECT snapshot FROM disproportionality_findings WHERE id = $1`, [
      finding.id,
    ]);
    expect(counts(snapshot)).toEqual(counts(shown));
    expect(snapshot.groups.find((g: Group) => g.group === 'mixed')).toMatchObject({ count: null, suppressed: true });
    const again = (
      await t.http().get(`/api/v1/disproportionality/findings/${finding.id}`).set(as('analyst')).expect(200)
    ).body;
    expect(counts(again.snapshot)).toEqual(counts(shown));
  });

  it('reads findings professional standards recorded through the disclosure rule', async () => {
    const truth = (await t.http().get(`/api/v1/disproportionality${CITY}`).set(as('psd')).expect(200)).body;
    const shown = (await t.http().get(`/api/v1/disproportionality${CITY}`).set(as('analyst')).expect(200)).body;
    const recorded = (
      await t
        .http()
        .post('/api/v1/disproportionality/findings')
        .set(as('psd'))
        .send({ title: 'City (true figures)', query: QUERY, narrative: 'Recorded inside the force' })
        .expect(201)
    ).body;
    expect(counts(recorded.snapshot)).toEqual(counts(truth));
    const one = (
      await t.http().get(`/api/v1/disproportionality/findings/${recorded.id}`).set(as('analyst')).expect(200)
    ).body;
    expect(one.snapshot.disclosure.applied).toBe(true);
    expect(counts(one.snapshot)).toEqual(counts(shown));
    const list = (await t.http().get('/api/v1/disproportionality/findings').set(as('analyst')).expect(200)).body;
    expect(list.items.length).toBe(list.total);
    for (const f of list.items) expect(counts(f.snapshot)).toEqual(counts(shown));
    // Professional standards still read their own finding's true counts.
    const own = (await t.http().get(`/api/v1/disproportionality/findings/${recorded.id}`).set(as('psd')).expect(200))
      .body;
    expect(counts(own.snapshot)).toEqual(counts(truth));
  });

  it('does not review findings or answer panel findings (findings:write)', async () => {
    const [{ id }] = await t.dataSource.query(`SELECT id FROM disproportionality_findings LIMIT 1`);
    await t
      .http()
      .patch(`/api/v1/disproportionality/findings/${id}`)
      .set(as('analyst'))
      .send({ version: 1, status: 'closed' })
      .expect(403);
    await t
      .http()
      .patch('/api/v1/finding-actions/00000000-0000-4000-8000-000000000000')
      .set(as('analyst'))
      .send({ status: 'done' })
      .expect(403);
  });
});
