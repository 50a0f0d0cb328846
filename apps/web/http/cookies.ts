import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'scrutiny_session';
/** Before there is a session, the sign-in form's CSRF token is double-submitted: in this cookie and in the form. */
export const SIGN_IN_COOKIE = 'scrutiny_sign_in';
/** The chosen language, so the switch works before sign-in too (a signed-in session also keeps it in its row). */
export const LANGUAGE_COOKIE = 'scrutiny_lang';

/** One cookie of the request (the API has no cookies, so no cookie parser is installed app-wide). */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, Secure in production (behind TLS), for the whole site; a session cookie (no Max-Age). */
export function setCookie(res: Response, name: string, value: string, secure: boolean): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
