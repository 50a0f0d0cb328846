import { timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService, type Actor } from '@scrutiny/auth';
import { Clock, DomainError } from '@scrutiny/core';
import { WebSessionsService } from '../sessions/web-sessions.service';
import { cookieOf, SESSION_COOKIE, SIGN_IN_COOKIE } from './cookies';
import { PAGE_RULE, type PageRule } from './page-access';
import { CsrfRefused, WebRedirect } from './web-errors';
import { webState } from './web-request';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function sameToken(a: unknown, b: string | undefined): boolean {
  if (typeof a !== 'string' || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The form's CSRF token. A file upload's multipart body is read after the guard (by the route's interceptor), so its
 * form carries the token in its action's query instead; every other form sends it in the body.
 */
function formToken(req: Request): unknown {
  const fromBody = (req.body as { _csrf?: unknown } | undefined)?._csrf;
  if (fromBody !== undefined || !req.is('multipart/form-data')) return fromBody;
  return (req.query as { _csrf?: unknown })._csrf;
}

/** Where to come back to after signing in: a path of this site only (never another origin). */
export function safeReturnPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && !value.startsWith('/api') ? value : undefined;
}

/**
 * The web workspace's guard. Finds the browser's session (idle and absolute time-outs), turns it into the same Actor
 * a bearer token gives (AuthService.actorFor: a disabled user or a changed password ends it), refuses any form post
 * without the session's CSRF token, and checks the page's permission. No session: to the sign-in page, and back.
 */
@Injectable()
export class WebGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessionsService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { user?: Actor }>();
    const rule = this.reflector.getAllAndOverride<PageRule | undefined>(PAGE_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new DomainError('FORBIDDEN', 'This page has no access rule');
    const state = webState(req);
    const unsafe = !SAFE_METHODS.has(req.method);
    // The time-out warning asks how long is left without counting as activity.
    const touch = req.path !== '/session/status';
    const found = await this.sessions.find(cookieOf(req, SESSION_COOKIE), touch);
    let expired = 'expired' in found;
    if ('session' in found) {
      const { session, idleExpiresAt } = found;
      const actor = await this.auth.actorFor({
        sub: session.userId,
        sv: session.sessionVersion,
        username: '',
        roles: [],
      });
      if (actor) {
        state.session = session;
        state.actor = actor;
        state.locale = session.locale;
        const now = this.clock.now().getTime();
        state.idleSeconds = Math.max(0, Math.round((idleExpiresAt.getTime() - now) / 1000));
        state.absoluteSeconds = Math.max(0, Math.round((session.absoluteExpiresAt.getTime() - now) / 1000));
        req.user = actor;
      } else {
        await this.sessions.end(session.id);
        expired = true;
      }
    }
    if (rule.kind === 'anonymous') {
      if (unsafe) {
        const expected = state.session?.csrfToken ?? cookieOf(req, SIGN_IN_COOKIE);
        if (!sameToken(formToken(req), expected)) throw new CsrfRefused();
      }
      return true;
    }
    if (!state.actor) {
      const back = req.method === 'GET' ? safeReturnPath(req.originalUrl) : undefined;
      const query = new URLSearchParams({ ...(expired ? { expired: '1' } : {}), ...(back ? { next: back } : {}) });
      throw new WebRedirect(`/sign-in${query.size ? `?${query}` : ''}`);
    }
    if (unsafe && !sameToken(formToken(req), state.session!.csrfToken)) throw new CsrfRefused();
    if (!state.actor.permissions.has(rule.permission))
      throw new DomainError('FORBIDDEN', `Your roles do not grant "${rule.permission}"`);
    return true;
  }
}
