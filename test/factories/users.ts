import type { Role } from '@scrutiny/auth';
import { DEMO_USERS } from '@scrutiny/auth';
import type { TestApp } from '../setup/test-app';

export const USERNAME_FOR: Record<Role, string> = Object.fromEntries(
  DEMO_USERS.map((u) => [u.roles[0], u.username]),
) as Record<Role, string>;

const cache = new WeakMap<TestApp, Map<string, { accessToken: string; refreshToken: string }>>();

/** Signs in as the demo user holding `role` (seeded at start-up in tests) and returns the token pair. */
export async function loginAs(t: TestApp, role: Role): Promise<{ accessToken: string; refreshToken: string }> {
  let perApp = cache.get(t);
  if (!perApp) cache.set(t, (perApp = new Map()));
  const hit = perApp.get(role);
  if (hit) return hit;
  const res = await t
    .http()
    .post('/api/v1/auth/login')
    .send({ username: USERNAME_FOR[role], password: t.config.demo.password });
  if (res.status !== 200) throw new Error(`login as ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
  perApp.set(role, res.body);
  return res.body;
}

/** A bearer access token for the demo user holding `role`. */
export async function tokenFor(t: TestApp, role: Role): Promise<string> {
  return (await loginAs(t, role)).accessToken;
}
