import { hashPassword, passwordProblems, verifyPassword } from './password';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblems('correct horse battery staple', 'psd')).toEqual([]);
  });
  it.each([
    ['short1!', 'must be at least 12 characters'],
    ['Password1234', 'is a commonly used password'],
    ['supervisor-2026!', 'must not contain the username'],
    ['aaaaaaaaaaaaaaaa', 'must use at least 5 different characters'],
  ])('refuses %s', (password, message) => {
    expect(passwordProblems(password, 'supervisor')).toContainEqual({ field: 'password', message });
  });
});

describe('argon2id hashing', () => {
  it('verifies the right password only, and the hash says argon2id', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
