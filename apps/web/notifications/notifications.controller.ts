import { Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { notificationPath, NotificationsService, type NotificationView } from '@scrutiny/sampling';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';

/** The view model of one notification: what it says, when, and the page it is about. */
function toRow(n: NotificationView) {
  return {
    id: n.id,
    kind: n.kind,
    message: n.message,
    createdAt: n.createdAt,
    unread: !n.readAt,
    href: notificationPath(n.kind, n.link),
  };
}

/** Your notifications (reviews assigned or overdue, footage at risk, samples needing you), newest first. */
@WebController('notifications')
export class NotificationsPagesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Page(Permission.SELF)
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query('show') show?: string,
  ): Promise<void> {
    const unreadOnly = show === 'unread';
    const items = await this.notifications.forUser(actor.id, unreadOnly);
    render(req, res, 'notifications/list', { items: items.map(toRow), unreadOnly });
  }

  @Post(':id/read')
  @Page(Permission.SELF)
  async markRead(@Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.notifications.markRead(actor.id, id);
    redirect(res, '/notifications');
  }
}
