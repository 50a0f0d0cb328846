import { Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@scrutiny/core';
import { isLocale } from '../i18n/messages';
import { WebSessionsService } from '../sessions/web-sessions.service';
import { LANGUAGE_COOKIE } from './cookies';
import { AnonymousPage, WebController } from './page-access';
import { redirect, webState } from './web-request';
import { safeReturnPath } from './web.guard';

const ONE_YEAR_MS = 365 * 24 * 3_600_000;

/**
 * The language switch (English | Cymraeg), a plain link so it works without JavaScript and on the sign-in page. The
 * choice goes in a cookie (before sign-in, and the next sign-in starts its session in it) and in the session's row.
 * Only the language changes, so a GET without CSRF is safe; it returns to a path of this site only.
 */
@WebController('language')
export class LanguageController {
  constructor(
    private readonly sessions: WebSessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @AnonymousPage()
  async choose(
    @Req() req: Request,
    @Res() res: Response,
    @Query('lang') lang?: string,
    @Query('returnTo') returnTo?: string,
  ): Promise<void> {
    const back = safeReturnPath(returnTo) ?? '/';
    if (!isLocale(lang)) return redirect(res, back);
    const state = webState(req);
    state.locale = lang;
    if (state.session) await this.sessions.setLocale(state.session.id, lang);
    res.cookie(LANGUAGE_COOKIE, lang, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.env === 'production',
      path: '/',
      maxAge: ONE_YEAR_MS,
    });
    redirect(res, back);
  }
}
