import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { labelOf } from '@scrutiny/records';
import { labelIn } from '../i18n/labels';
import { translate, type Locale } from '../i18n/messages';
import { formatDate, formatDateTime, formatMonth } from './format';

/** Where the workspace's own views live (beside this folder, in the source tree and in dist alike). */
export const VIEWS_DIR = path.join(__dirname, '..', 'views');
/** The packages whose Nunjucks macros the views import: `govuk/components/…`, `moj/components/…`. */
export const GOVUK_DIR = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const MOJ_DIR = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'));

/** What every page's template sees besides its own view model (set per request by the web guard). */
export interface PageLocals {
  locale: Locale;
  /** t('key', { params }): the message catalogue in the request's language. */
  t: (key: string, params?: Record<string, unknown>) => string;
  cspNonce: string;
  csrfToken?: string;
  user?: { displayName: string; username: string; roles: string[] };
  /** Navigation entries the signed-in user may open. */
  nav?: { href: string; key: string; active: boolean }[];
  currentPath: string;
  /** Seconds until the idle and absolute time-outs, for the time-out warning (signed-in pages only). */
  timeout?: { idleSeconds: number; absoluteSeconds: number };
}

let env: nunjucks.Environment | undefined;

/** The one Nunjucks environment (autoescaping on; templates cached unless in development). */
export function viewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  if (env) return env;
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS_DIR, GOVUK_DIR, MOJ_DIR], { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  void options;
  env.addFilter('dateTime', formatDateTime);
  env.addFilter('date', formatDate);
  env.addFilter('month', formatMonth);
  /** A code in words, from the vocabularies: {{ code | label('record_kind') }}. */
  env.addFilter(
    'label',
    function (this: { ctx: { locale?: Locale } }, code: string | null | undefined, vocabulary: string) {
      return labelIn(this.ctx.locale ?? 'en', labelOf(vocabulary, code));
    },
  );
  /** The hidden CSRF field every form carries (the token is the session's, put in the page's locals by the guard). */
  env.addGlobal('csrfField', function (this: { ctx: { csrfToken?: string } }) {
    // Tokens are base64url (the sign-in one comes back from a cookie: anything else is dropped, never echoed).
    const token = /^[A-Za-z0-9_-]+$/.test(this.ctx.csrfToken ?? '') ? this.ctx.csrfToken : '';
    return new nunjucks.runtime.SafeString(`<input type="hidden" name="_csrf" value="${token}">`);
  });
  return env;
}

/** Renders a view with the request's locals and the page's view model. */
export function renderView(view: string, locals: PageLocals, model: Record<string, unknown> = {}): string {
  return viewEnvironment().render(`${view}.njk`, { ...locals, ...model });
}

/** Locals for a request with no session (sign-in, error pages before one is known). */
export function anonymousLocals(locale: Locale, cspNonce: string, currentPath: string): PageLocals {
  return { locale, t: (key, params) => translate(locale, key, params), cspNonce, currentPath };
}
