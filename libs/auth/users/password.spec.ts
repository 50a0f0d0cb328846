import { hashPassword, passwordProblems, verifyPassword } from './password';

const COMMON = 'is one of the most commonly used passwords (found in data breaches); choose another';

describe('password policy', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblems('correct horse battery staple', 'psd')).toEqual([]);
    expect(passwordProblems('scrutiny-demo-2026', 'psd')).toEqual([]);
  });
  it.each([
    ['short1!', 'must be at least 12 characters'],
    ['Password1234', COMMON],
    // In the 100,000 most common breached passwords; the second only in the short local list.
    ['qwertyuiop123', COMMON],
    ['QwertyUiop123', COMMON],
    ['password123456', COMMON],
    ['qwertyqwerty', COMMON],
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
