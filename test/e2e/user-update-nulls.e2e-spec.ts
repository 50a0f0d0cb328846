import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

describe('PATCH /users/:id with nulls', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  }, 120_000);
  afterAll(() => t?.close());

  it('a null display name falls back to the username (as at creation), not a 500', async () => {
    const admin = { authorization: `Bearer ${await tokenFor(t, 'admin')}` };
    const { body } = await t
      .http()
      .post('/api/v1/users')
      .set(admin)
      .send({ username: 'null-name', displayName: 'Null Name', roles: ['analyst'] })
      .expect(201);
    const res = await t
      .http()
      .patch(`/api/v1/users/${body.user.id}`)
      .set(admin)
      .send({ version: body.user.version, displayName: null });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('null-name');
  });
});
