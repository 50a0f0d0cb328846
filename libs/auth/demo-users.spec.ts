import { loadConfig } from '@scrutiny/core';
import { DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_PASSWORD_HASH, DEMO_USERS } from './demo-users';
import { hashPassword, passwordProblems, verifyPassword } from './users/password';

describe('the demo password hashed in advance', () => {
  it('is the hash of the default DEMO_PASSWORD, and of nothing else', async () => {
    expect(loadConfig({}).demo.password).toBe(DEFAULT_DEMO_PASSWORD);
    expect(await verifyPassword(DEFAULT_DEMO_PASSWORD_HASH, DEFAULT_DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(DEFAULT_DEMO_PASSWORD_HASH, `${DEFAULT_DEMO_PASSWORD}!`)).toBe(false);
  });

  it('uses the parameters every other password is hashed with', async () => {
    const parameters = (hash: string) => hash.split('$').slice(1, 4).join('$');
    expect(parameters(DEFAULT_DEMO_PASSWORD_HASH)).toBe(parameters(await hashPassword('another long passphrase')));
  });

  it('is a password the policy accepts for every demo user', () => {
    for (const { username } of DEMO_USERS) expect(passwordProblems(DEFAULT_DEMO_PASSWORD, username)).toEqual([]);
  });
});
