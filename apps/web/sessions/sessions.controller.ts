import { Body, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AuditService } from '@scrutiny/audit';
import { AuthService, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { APP_CONFIG, DomainError, type AppConfig } from '@scrutiny/core';
import { randomBytes } from 'node:crypto';
import { loginThrottle } from '../../api/auth/login-throttle';
import { clearCookie, cookieOf, SESSION_COOKIE, SIGN_IN_COOKIE, setCookie } from '../http/cookies';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { AnonymousPage, Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { safeReturnPath } from '../http/web.guard';
import { WebSessionsService } from './web-sessions.service';

type SignInForm = { username?: string; password?: string; next?: string };
type PasswordForm = { currentPassword?: string; newPassword?: string; confirmPassword?: string };

/** The claims of an access token this process has just issued (read, not verified: it never left the server). */
function claimsOf(accessToken: string): { sub: string; sv: number } {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as {
    sub: string;
    sv: number;
  };
}

/** Sign-in, sign-out, the time-out warning's calls and changing your password. */
@WebController()
export class SessionsController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: WebSessionsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get secure(): boolean {
    return this.config.env === 'production';
  }

  @Get()
  @Page(Permission.SELF)
  home(@CurrentActor() actor: Actor, @Res() res: Response): void {
    if (actor.permissions.has(Permission.SAMPLES_REVIEW)) return redirect(res, '/reviews');
    if (actor.permissions.has(Permission.SAMPLES_DRAW)) return redirect(res, '/samples');
    if (actor.permissions.has(Permission.PANELS_PARTICIPATE)) return redirect(res, '/sessions');
    redirect(res, '/notifications');
  }

  @Get('sign-in')
  @AnonymousPage()
  signInPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('expired') expired?: string,
    @Query('signedOut') signedOut?: string,
    @Query('next') next?: string,
  ): void {
    if (webState(req).actor) return redirect(res, safeReturnPath(next) ?? '/');
    this.renderSignIn(req, res, { next: safeReturnPath(next), expired: expired === '1', signedOut: signedOut === '1' });
  }

  @Post('sign-in')
  @AnonymousPage()
  @Throttle({ default: loginThrottle() })
  async signIn(@Req() req: Request, @Res() res: Response, @Body() form: SignInForm): Promise<void> {
    const username = (form.username ?? '').trim();
    const password = form.password ?? '';
    const next = safeReturnPath(form.next);
    const errors: FormErrors = {};
    if (!username) errors.username = 'signIn.errors.usernameMissing';
    if (!password) errors.password = 'signIn.errors.passwordMissing';
    if (Object.keys(errors).length) return this.renderSignIn(req, res, { username, next, errors }, 400);
    let accessToken: string;
    try {
      ({ accessToken } = await this.auth.login(username, password));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'ACCOUNT_LOCKED') {
        return this.renderSignIn(req, res, { username, next, errors: { username: 'signIn.errors.locked' } }, 423);
      }
      if (error.code !== 'UNAUTHENTICATED') throw error;
      return this.renderSignIn(req, res, { username, next, errors: { username: 'signIn.errors.wrong' } }, 401);
    }
    // A new session on every sign-in (never one the browser already carried: no session fixation).
    const previous = webState(req).session;
    if (previous) await this.sessions.end(previous.id);
    const claims = claimsOf(accessToken);
    setCookie(res, SESSION_COOKIE, await this.sessions.start(claims.sub, claims.sv, webState(req).locale), this.secure);
    clearCookie(res, SIGN_IN_COOKIE, this.secure);
    redirect(res, next ?? '/');
  }

  @Post('sign-out')
  @Page(Permission.SELF)
  async signOut(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    await this.sessions.end(webState(req).session!.id);
    await this.audit.record(actor, {
      action: 'auth.logout',
      target: { type: 'user', id: actor.id },
      details: { via: 'web' },
    });
    clearCookie(res, SESSION_COOKIE, this.secure);
    redirect(res, '/sign-in?signedOut=1');
  }

  /** The time-out warning's question: how long is left (does not count as activity). */
  @Get('session/status')
  @Page(Permission.SELF)
  status(@Req() req: Request): { idleSeconds: number; absoluteSeconds: number } {
    const state = webState(req);
    return { idleSeconds: state.idleSeconds ?? 0, absoluteSeconds: state.absoluteSeconds ?? 0 };
  }

  /** "Stay signed in": any request moves the idle time-out on; this one answers how long is left. */
  @Post('session/extend')
  @HttpCode(200)
  @Page(Permission.SELF)
  extend(@Req() req: Request): { idleSeconds: number; absoluteSeconds: number } {
    return this.status(req);
  }

  @Get('account/password')
  @Page(Permission.SELF)
  passwordPage(@Req() req: Request, @Res() res: Response, @Query('changed') changed?: string): void {
    render(req, res, 'account/password', { changed: changed === '1', ...errorView(req, {}) });
  }

  @Post('account/password')
  @Page(Permission.SELF)
  @Throttle({ default: loginThrottle() })
  async changePassword(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Body() form: PasswordForm,
  ): Promise<void> {
    const errors: FormErrors = {};
    if (!form.currentPassword) errors.currentPassword = 'account.password.errors.currentMissing';
    if (!form.newPassword) errors.newPassword = 'account.password.errors.newMissing';
    else if (form.newPassword !== form.confirmPassword)
      errors.confirmPassword = 'account.password.errors.confirmDifferent';
    if (!Object.keys(errors).length) {
      try {
        const { accessToken } = await this.auth.changePassword(actor, form.currentPassword!, form.newPassword!);
        // Every other session of the account has ended (the session version moved on); this one follows it.
        await this.sessions.follow(webState(req).session!.id, claimsOf(accessToken).sv);
        return redirect(res, '/account/password?changed=1');
      } catch (error) {
        Object.assign(
          errors,
          validationErrors(req, error, (field) => `account.password.labels.${field}`),
        );
      }
    }
    render(req, res, 'account/password', errorView(req, errors), 400);
  }

  private renderSignIn(
    req: Request,
    res: Response,
    model: { username?: string; next?: string; expired?: boolean; signedOut?: boolean; errors?: FormErrors },
    status = 200,
  ): void {
    // The sign-in form's CSRF token, double-submitted (there is no session to hold it yet).
    const state = webState(req);
    let token = state.session?.csrfToken ?? cookieOf(req, SIGN_IN_COOKIE);
    if (!token) {
      token = randomBytes(32).toString('base64url');
      setCookie(res, SIGN_IN_COOKIE, token, this.secure);
    }
    render(req, res, 'sessions/sign-in', { ...model, ...errorView(req, model.errors ?? {}), csrfToken: token }, status);
  }
}
