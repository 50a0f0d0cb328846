import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/** The real routes' request bodies, refused in plain words: what is missing is "required", nothing else about it. */
describe('validation messages (e2e)', () => {
  let t: TestApp;
  const token = {} as Record<'admin' | 'psd', string>;
  const as = (who: keyof typeof token) => ({ authorization: `Bearer ${token[who]}` });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '10000' });
    token.admin = await tokenFor(t, 'admin');
    token.psd = await tokenFor(t, 'professional_standards');
  });
  afterAll(() => t.close());

  const errorsOf = (res: { status: number; headers: Record<string, string>; body: { errors: unknown[] } }) => {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.body.errors;
  };

  it('a stop search without force: "force is required", not that force is too long', async () => {
    const res = await t
      .http()
      .post('/api/v1/stop-searches')
      .set(as('admin'))
      .send({ occurredAt: '2024-05-03T21:47:00+01:00', searchType: 'person', teamCode: 'TEAM-A' });
    const errors = errorsOf(res);
    expect(errors).toContainEqual({ field: 'force', message: 'force is required' });
    expect(errors.filter((e) => (e as { field: string }).field === 'force')).toHaveLength(1);
    expect(JSON.stringify(errors)).not.toMatch(/shorter than or equal/);
  });

  it('a sample draw without period: "period is required"', async () => {
    const res = await t.http().post('/api/v1/dip-samples').set(as('psd')).send({});
    expect(errorsOf(res)).toEqual([{ field: 'period', message: 'period is required' }]);
  });

  it('a user without username: "username is required", and each other problem in plain words', async () => {
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ roles: ['supervisor', 'wizard'], displayName: 'x'.repeat(121) });
    expect(errorsOf(res)).toEqual([
      { field: 'username', message: 'username is required' },
      { field: 'displayName', message: 'displayName must be at most 120 characters' },
      {
        field: 'roles',
        message: expect.stringMatching(/^every item in roles must be one of: admin, .*supervisor/),
      },
    ]);
  });

  it('a wrong id and an unknown field are named plainly', async () => {
    const res = await t
      .http()
      .post('/api/v1/dip-samples')
      .set(as('psd'))
      .send({ period: '2024-05', planId: 'not-an-id', colour: 'red' });
    expect(errorsOf(res)).toEqual(
      expect.arrayContaining([
        { field: 'planId', message: 'planId must be an id (a UUID)' },
        { field: 'colour', message: 'colour is not a field this request takes' },
      ]),
    );
  });
});
