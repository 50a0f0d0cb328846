import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type AuditActor } from '@scrutiny/audit';
import { APP_CONFIG, DomainError, isUuid, type AppConfig } from '@scrutiny/core';
import { buildIcs, type IcsEvent } from './ics';
import { MESSAGES_EN } from './messages.en';
import { isEmailTemplate, type EmailParams, type EmailTemplate } from './messages';
import { renderEmail } from './render';
import { OUTBOX_STATUSES, type OutboxStatus } from './email-outbox.entity';

/** Anything that runs SQL: the transaction's entity manager of the event, or the data source. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** A calendar entry sent with an invitation; organizer, attendee and stamp are filled in per email. */
export type InvitationEvent = Omit<IcsEvent, 'organizer' | 'attendees' | 'stamp'>;

export interface EmailToQueue {
  userId: string;
  template: EmailTemplate;
  /** Path under PUBLIC_BASE_URL, starting with "/": the one link the email carries. */
  path: string;
  /** Names the event; with the recipient it is the dedupe key, so the same event never emails anyone twice. */
  eventKey: string;
  params?: EmailParams;
  /** Sent at once whatever the preference: a calendar entry in tomorrow's digest would be late. */
  invitation?: InvitationEvent;
}

export interface OutboxEntryView {
  id: string;
  userId: string | null;
  toAddress: string;
  template: string;
  subject: string;
  link: string;
  textBody: string;
  hasCalendar: boolean;
  delivery: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  sentAt: string | null;
  createdAt: string;
}

const LISTED = 200;

/** The address part of "Name <address>", or the whole value. */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/**
 * Writes emails to the outbox inside the caller's transaction: if the event rolls back, so do its emails; if it
 * commits, the send job will find them. People without an address, or disabled, get no email.
 */
@Injectable()
export class EmailOutbox {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  url(path: string): string {
    return `${this.config.mail.publicBaseUrl}${path}`;
  }

  /** The same email (template, link, event) to several people. */
  async queue(q: Queryable, userIds: string[], email: Omit<EmailToQueue, 'userId'>): Promise<number> {
    return this.queueEach(
      q,
      userIds.map((userId) => ({ ...email, userId })),
    );
  }

  /** One email per entry; answers how many rows were written (duplicates of earlier emails are not). */
  async queueEach(q: Queryable, entries: EmailToQueue[]): Promise<number> {
    const wanted = entries.filter((e) => isUuid(e.userId) && isEmailTemplate(e.template));
    if (!wanted.length) return 0;
    const people = (await q.query(
      `SELECT id, email, display_name, notification_preference FROM users WHERE id = ANY($1::uuid[]) AND email IS NOT NULL AND disabled_at IS NULL`,
      [[...new Set(wanted.map((e) => e.userId))]],
    )) as { id: string; email: string; display_name: string; notification_preference: string }[];
    const byId = new Map(people.map((p) => [p.id, p]));
    const held = !this.config.mail.smtpUrl;
    const stamp = new Date();
    const rows = wanted.flatMap((e) => {
      const person = byId.get(e.userId);
      if (!person) return [];
      const link = this.url(e.path);
      const rendered = renderEmail(MESSAGES_EN, e.template, e.params ?? {}, link, { invitation: !!e.invitation });
      const ics = e.invitation
        ? buildIcs({
            ...e.invitation,
            stamp,
            organizer: { email: addressOf(this.config.mail.from), name: 'Scrutiny' },
            attendees: [{ email: person.email, name: person.display_name }],
          })
        : null;
      const digest = !e.invitation && person.notification_preference === 'daily_digest';
      return [
        {
          user_id: person.id,
          to_address: person.email,
          template: e.template,
          subject: rendered.subject,
          link,
          text_body: rendered.text,
          html_body: rendered.html,
          ics,
          dedupe_key: `${e.eventKey}:${person.id}`,
          delivery: digest ? 'digest' : 'immediate',
          status: held ? 'held' : 'queued',
        },
      ];
    });
    if (!rows.length) return 0;
    const inserted = (await q.query(
      `INSERT INTO email_outbox (user_id, to_address, template, subject, link, text_body, html_body, ics, dedupe_key, delivery, status)
       SELECT r.user_id, r.to_address, r.template, r.subject, r.link, r.text_body, r.html_body, r.ics, r.dedupe_key, r.delivery, r.status
       FROM jsonb_to_recordset($1::jsonb) AS r(user_id uuid, to_address text, template text, subject text, link text, text_body text,
         html_body text, ics text, dedupe_key text, delivery text, status text)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [JSON.stringify(rows)],
    )) as unknown[];
    return inserted.length;
  }

  /** The outbox for admins, newest first: held emails (no mail server) to read, failed ones to look into. */
  async list(filter: { status?: string; limit?: number }): Promise<{ items: OutboxEntryView[]; total: number }> {
    if (filter.status !== undefined && !(OUTBOX_STATUSES as readonly string[]).includes(filter.status))
      throw DomainError.validation([{ field: 'status', message: `must be one of: ${OUTBOX_STATUSES.join(', ')}` }]);
    const limit = Math.min(filter.limit ?? LISTED, 1000);
    const params: unknown[] = [limit];
    const where = filter.status ? `WHERE status = $${params.push(filter.status)}` : '';
    const rows = (await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS}, count(*) OVER ()::int AS total_count
       FROM email_outbox ${where} ORDER BY created_at DESC, id LIMIT $1`,
      params,
    )) as Record<string, unknown>[];
    // No offset: an empty page means an empty outbox (for that status).
    const total = (rows[0]?.total_count as number | undefined) ?? 0;
    return { items: rows.map(toEntryView), total };
  }

  /**
   * Sends a failed email again (after the mail server or the address is fixed): back in the queue with its attempts
   * reset, so the send job tries it as a new email. Audited. Only a failed email: anything else is on its way or sent.
   */
  async retry(id: string, actor: AuditActor): Promise<OutboxEntryView> {
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `No email ${id} in the outbox`);
    return this.dataSource.transaction(async (m) => {
      const [rows] = (await m.query(
        `UPDATE email_outbox SET status = 'queued', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'failed'
         RETURNING ${VIEW_COLUMNS}`,
        [id],
      )) as [Record<string, unknown>[], number];
      if (!rows.length) {
        const [found] = (await m.query(`SELECT status FROM email_outbox WHERE id = $1`, [id])) as { status: string }[];
        if (!found) throw new DomainError('NOT_FOUND', `No email ${id} in the outbox`);
        throw new DomainError('CONFLICT', `Only a failed email can be sent again; this one is ${found.status}`);
      }
      await this.audit.record(actor, { action: 'email.retried', target: { type: 'email', id } }, m);
      return toEntryView(rows[0]);
    });
  }
}

const VIEW_COLUMNS = `id, user_id, to_address, template, subject, link, text_body, ics IS NOT NULL AS has_calendar, delivery, status,
  attempts, last_error, next_attempt_at, sent_at, created_at`;

function toEntryView(r: Record<string, unknown>): OutboxEntryView {
  return {
    id: r.id as string,
    userId: r.user_id as string | null,
    toAddress: r.to_address as string,
    template: r.template as string,
    subject: r.subject as string,
    link: r.link as string,
    textBody: r.text_body as string,
    hasCalendar: r.has_calendar as boolean,
    delivery: r.delivery as string,
    status: r.status as OutboxStatus,
    attempts: r.attempts as number,
    lastError: r.last_error as string | null,
    nextAttemptAt: (r.next_attempt_at as Date).toISOString(),
    sentAt: (r.sent_at as Date | null)?.toISOString() ?? null,
    createdAt: (r.created_at as Date).toISOString(),
  };
}
