import { loadActor, UsersService } from '@scrutiny/auth';
import { PanelsService } from '@scrutiny/panels';
import { USERNAME_FOR } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';
import { signInAs } from './support/web-agent';

describe('panel-member form: the users offered are the panel candidates only', () => {
  let t: TestApp;
  const actor = async (username: string) => (await loadActor(t.dataSource, { username }))!;
  const idOf = async (username: string) =>
    ((await t.dataSource.query(`SELECT id FROM users WHERE username = $1`, [username])) as { id: string }[])[0].id;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  }, 120_000);
  afterAll(() => t?.close());

  it('professional standards opening the form read (and audit) only users who may sit on that panel', async () => {
    const psd = await actor(USERNAME_FOR.professional_standards);
    const panel = await t.app
      .get(PanelsService)
      .createPanel(psd, { name: 'Candidates panel', kind: 'internal', remit: ['stop_search'] });
    const [{ last }] = await t.dataSource.query(`SELECT coalesce(max(seq), 0)::int AS last FROM audit_events`);

    const agent = await signInAs(t, 'professional_standards');
    const form = await agent.get(`/admin/panels/${panel.id}/members`).expect(200);
    const internalId = await idOf(USERNAME_FOR.internal_panel);
    const analystId = await idOf(USERNAME_FOR.analyst);
    expect(form.text).toContain(`value="${internalId}"`);
    expect(form.text).not.toContain(`value="${analystId}"`);

    const listed = (await t.dataSource.query(
      `SELECT details FROM audit_events WHERE seq > $1 AND action = 'users.listed'`,
      [last],
    )) as { details: { ids: string[] } }[];
    expect(listed).toHaveLength(1);
    expect(listed[0].details.ids).toContain(internalId);
    expect(listed[0].details.ids).not.toContain(analystId);
    expect(listed[0].details.ids).not.toContain(await idOf(USERNAME_FOR.admin));
  });

  it('offers external panel members only for an external panel, and refuses a role without panels:manage', async () => {
    const users = t.app.get(UsersService);
    const external = await users.panelCandidates(await actor(USERNAME_FOR.admin), 'external');
    expect(external.map((u) => u.username)).toEqual([USERNAME_FOR.external_panel]);
    await expect(users.panelCandidates(await actor(USERNAME_FOR.supervisor), 'internal')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
