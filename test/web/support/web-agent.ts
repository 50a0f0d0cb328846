import request from 'supertest';
import type { Role } from '@scrutiny/auth';
import { USERNAME_FOR } from '../../factories/users';
import type { TestApp } from '../../setup/test-app';

/** A browser-like agent: keeps cookies, asks for HTML. */
export function agentOf(t: TestApp) {
  return request.agent(t.app.getHttpServer()).set('accept', 'text/html');
}

export type WebAgent = ReturnType<typeof agentOf>;

/** The CSRF token a page's form carries ('' where it has none, so a post without one is still sent). */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in through the sign-in form, as a browser would, and returns the agent holding the session. */
export async function signIn(t: TestApp, username: string, password = t.config.demo.password): Promise<WebAgent> {
  const agent = agentOf(t);
  const page = await agent.get('/sign-in').expect(200);
  await agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfOf(page.text), username, password })
    .expect(303);
  return agent;
}

/** Signed in as the demo user of the role. */
export const signInAs = (t: TestApp, role: Role) => signIn(t, USERNAME_FOR[role]);

/** Signed in, with the session's CSRF token read from a page, for posts made without fetching their form first. */
export async function signInWithCsrf(t: TestApp, username: string, password = t.config.demo.password) {
  const agent = await signIn(t, username, password);
  const csrf = csrfOf((await agent.get('/notifications').expect(200)).text);
  return { agent, csrf };
}
