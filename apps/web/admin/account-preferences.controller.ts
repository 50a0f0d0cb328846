import { Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, NOTIFICATION_PREFERENCES, Permission, UsersService, type Actor } from '@scrutiny/auth';
import { errorView, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';

/**
 * Each person's choice of notification emails: one for each event at once, or a daily digest. Through UsersService
 * (audited as user.updated, optimistic locking by version) on their own account only.
 */
@WebController('account')
export class AccountPreferencesController {
  constructor(private readonly users: UsersService) {}

  @Get('notifications')
  @Page(Permission.SELF)
  async page(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query('saved') saved?: string,
  ): Promise<void> {
    const me = await this.users.get(actor.id, actor);
    render(req, res, 'account/notifications', {
      me,
      values: { notificationPreference: me.notificationPreference, version: me.version },
      preferences: NOTIFICATION_PREFERENCES,
      saved: saved === '1',
      ...errorView(req, {}),
    });
  }

  @Post('notifications')
  @Page(Permission.SELF)
  async save(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Body() form: { notificationPreference?: string; version?: string },
  ): Promise<void> {
    const errors: FormErrors = {};
    if (!(NOTIFICATION_PREFERENCES as readonly string[]).includes(form.notificationPreference ?? ''))
      errors.notificationPreference = 'account.notifications.errors.missing';
    if (!Object.keys(errors).length) {
      await this.users.update(
        actor.id,
        { version: Number(form.version), notificationPreference: form.notificationPreference },
        actor,
      );
      return redirect(res, '/account/notifications?saved=1');
    }
    const me = await this.users.get(actor.id, actor);
    render(
      req,
      res,
      'account/notifications',
      {
        me,
        values: { notificationPreference: undefined, version: me.version },
        preferences: NOTIFICATION_PREFERENCES,
        ...errorView(req, errors),
      },
      400,
    );
  }
}
