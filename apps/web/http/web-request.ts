import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Actor } from '@scrutiny/auth';
import { DEFAULT_LOCALE, isLocale, translate, type Locale } from '../i18n/messages';
import { localiseModel } from '../i18n/labels';
import { renderView, type PageLocals } from '../render/views';
import type { WebSession } from '../sessions/web-sessions.service';
import { cookieOf, LANGUAGE_COOKIE } from './cookies';
import { navFor } from './navigation';

/** What the web layer knows about a browser request: its session and actor once the guard has found them. */
export interface WebState {
  nonce: string;
  locale: Locale;
  session?: WebSession;
  actor?: Actor;
  idleSeconds?: number;
  absoluteSeconds?: number;
}

const STATE = Symbol('scrutiny-web');

export function webState(req: Request): WebState {
  const holder = req as Request & { [STATE]?: WebState };
  if (!holder[STATE]) {
    // The language cookie until a session is found (the guard then takes the session's own).
    const chosen = cookieOf(req, LANGUAGE_COOKIE);
    holder[STATE] = { nonce: randomBytes(16).toString('base64'), locale: isLocale(chosen) ? chosen : DEFAULT_LOCALE };
  }
  return holder[STATE];
}

/**
 * The pages' Content-Security-Policy: scripts only from this origin, plus the one inline line of the GOV.UK template
 * (it marks the body `js-enabled` before the page paints) by its per-response nonce. Replaces the API's policy.
 */
export function setPageHeaders(res: Response, nonce: string): void {
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join('; '),
  );
  // Pages carry personal data: never kept by the browser or a proxy.
  res.setHeader('Cache-Control', 'no-store');
}

/** The locals every view gets for this request. */
export function pageLocals(req: Request): PageLocals {
  const state = webState(req);
  const { locale, actor, session } = state;
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    cspNonce: state.nonce,
    csrfToken: session?.csrfToken,
    user: actor ? { displayName: actor.displayName, username: actor.username, roles: actor.roles } : undefined,
    nav: actor ? navFor(actor, req.path) : undefined,
    currentPath: req.originalUrl,
    timeout:
      state.idleSeconds !== undefined
        ? { idleSeconds: state.idleSeconds, absoluteSeconds: state.absoluteSeconds ?? state.idleSeconds }
        : undefined,
  };
}

/** Answers a page: the view rendered with the request's locals and the view model. */
export function render(req: Request, res: Response, view: string, model: Record<string, unknown> = {}, status = 200) {
  const { nonce } = webState(req);
  setPageHeaders(res, nonce);
  res
    .status(status)
    .type('html')
    .send(renderView(view, pageLocals(req), localiseModel(webState(req).locale, model)));
}

/** POST-redirect-GET: 303 so the browser follows with a GET. */
export function redirect(res: Response, to: string): void {
  res.redirect(303, to);
}
