import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, isUuid } from '@scrutiny/core';
import { EmailOutbox, isEmailTemplate } from '@scrutiny/notifications';
import type { Queryable } from '@scrutiny/records';

export interface NotificationView {
  id: string;
  kind: string;
  message: string;
  link: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/** Where an email about a notification points: the workspace page of its review or sample (never any case detail). */
export function notificationPath(kind: string, link: Record<string, unknown>): string {
  const id = (key: string) => (typeof link[key] === 'string' && isUuid(link[key]) ? link[key] : null);
  if (id('itemId')) return `/reviews/${id('itemId')}`;
  if (kind.startsWith('review_')) return '/reviews';
  if (id('sampleId')) return `/samples/${id('sampleId')}`;
  return '/';
}

/**
 * In-app notifications (reviews to do, footage at risk). Written inside the transaction that causes them, and each of
 * a kind that has an email template is also written to the email outbox in the same transaction: one mechanism, so
 * the email and the notification exist together or not at all.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly email: EmailOutbox,
  ) {}

  /** Queues the email of each notification just written (its id keys the email, so it is queued once). */
  private async emailAbout(q: Queryable, kind: string, written: unknown): Promise<void> {
    if (!isEmailTemplate(kind)) return;
    const rows = written as { id: string; user_id: string; link: Record<string, unknown> }[];
    await this.email.queueEach(
      q,
      rows.map((r) => ({
        userId: r.user_id,
        template: kind,
        path: notificationPath(kind, r.link),
        eventKey: `notification:${r.id}`,
      })),
    );
  }

  async notify(
    q: Queryable,
    userIds: string[],
    kind: string,
    message: string,
    link: Record<string, unknown> = {},
  ): Promise<void> {
    const ids = [...new Set(userIds.filter(isUuid))];
    if (!ids.length) return;
    const written = await q.query(
      `INSERT INTO notifications (user_id, kind, message, link) SELECT u, $2, $3, $4 FROM unnest($1::uuid[]) AS u RETURNING id, user_id, link`,
      [ids, kind, message, JSON.stringify(link)],
    );
    await this.emailAbout(q, kind, written);
  }

  /**
   * Like notify, but a user who already has a notification of this kind with this link gets no second one: for work
   * that may run again (the monthly schedule) and must not say the same thing twice.
   */
  async notifyOnce(
    q: Queryable,
    userIds: string[],
    kind: string,
    message: string,
    link: Record<string, unknown>,
  ): Promise<void> {
    const ids = [...new Set(userIds.filter(isUuid))];
    if (!ids.length) return;
    const written = await q.query(
      `INSERT INTO notifications (user_id, kind, message, link) SELECT u, $2, $3, $4 FROM unnest($1::uuid[]) AS u
       WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u AND n.kind = $2 AND n.link = $4::jsonb)
       RETURNING id, user_id, link`,
      [ids, kind, message, JSON.stringify(link)],
    );
    await this.emailAbout(q, kind, written);
  }

  /** One notification per entry, each with its own message and link (default `link`), in one statement. */
  async notifyEach(
    q: Queryable,
    kind: string,
    entries: { userId: string; message: string; link?: Record<string, unknown> }[],
    link: Record<string, unknown> = {},
  ): Promise<void> {
    const valid = entries.filter((e) => isUuid(e.userId));
    if (!valid.length) return;
    const written = await q.query(
      `INSERT INTO notifications (user_id, kind, message, link) SELECT n.user_id, $1, n.message, n.link FROM jsonb_to_recordset($2::jsonb) AS n(user_id uuid, message text, link jsonb)
       RETURNING id, user_id, link`,
      [kind, JSON.stringify(valid.map((e) => ({ user_id: e.userId, message: e.message, link: e.link ?? link })))],
    );
    await this.emailAbout(q, kind, written);
  }

  async forUser(userId: string, unreadOnly: boolean): Promise<NotificationView[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, kind, message, link, created_at, read_at FROM notifications WHERE user_id = $1 ${unreadOnly ? 'AND read_at IS NULL' : ''} ORDER BY created_at DESC, id LIMIT 200`,
      [userId],
    )) as {
      id: string;
      kind: string;
      message: string;
      link: Record<string, unknown>;
      created_at: Date;
      read_at: Date | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      message: r.message,
      link: r.link,
      createdAt: r.created_at.toISOString(),
      readAt: r.read_at?.toISOString() ?? null,
    }));
  }

  async markRead(userId: string, id: string): Promise<void> {
    // UPDATE answers [rows, count] through TypeORM.
    const [, count] = isUuid(id)
      ? ((await this.dataSource.query(
          `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2`,
          [id, userId],
        )) as [unknown[], number])
      : [[], 0];
    if (!count) throw DomainError.notFound('Notification', id);
  }
}
