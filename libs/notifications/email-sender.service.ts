import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, londonToday, type AppConfig, type Logger } from '@scrutiny/core';
import { MESSAGES_EN } from './messages.en';
import { renderDigest } from './render';

/** How many emails one claim takes; each is sent before the next claim. */
const BATCH = 20;
/** A sender that has not marked its claimed email sent or failed by then is presumed dead. */
const CLAIM_SECONDS = 300;
/** First retry after 30 s, doubling, at most 6 hours apart. */
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export interface SendResult {
  sent: number;
  retrying: number;
  failed: number;
  digests: number;
}

interface Claimed {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  ics: string | null;
  attempts: number;
}

/**
 * Sends what the outbox holds. Claiming marks rows `sending` (FOR UPDATE SKIP LOCKED, so parallel workers take
 * different rows) and commits before talking to the mail server, so no transaction stays open across SMTP. Each email's
 * Message-ID is derived from its row id: if a sender dies after the server accepted an email but before marking it sent,
 * the resend after the claim lapses carries the same Message-ID, which mail systems recognise as the same message.
 */
@Injectable()
export class EmailSender implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private transporter(): Transporter {
    this.transport ??= createTransport({
      url: this.config.mail.smtpUrl!,
      tls: { rejectUnauthorized: this.config.mail.tlsRejectUnauthorized },
      // A mail server that is down should fail the attempt quickly, not hold the job.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return this.transport;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  private messageId(id: string): string {
    return `<${id}@${new URL(this.config.mail.publicBaseUrl).hostname || 'scrutiny'}>`;
  }

  /** Writes the digests that are due, then sends every due email. Without a mail server, does nothing. */
  async sendDue(now = new Date()): Promise<SendResult> {
    const result: SendResult = { sent: 0, retrying: 0, failed: 0, digests: 0 };
    if (!this.config.mail.smtpUrl) return result;
    result.digests = await this.writeDigests(now);
    // Bounded, so one run ends even if emails keep arriving; the next run takes the rest.
    for (let round = 0; round < 50; round++) {
      const claimed = await this.claim(now);
      if (!claimed.length) break;
      for (const row of claimed) {
        const outcome = await this.sendOne(row, now);
        result[outcome]++;
      }
    }
    return result;
  }

  private async claim(now: Date): Promise<Claimed[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, claimed_until = $1::timestamptz + make_interval(secs => $2)
       WHERE id IN (
         SELECT id FROM email_outbox
         WHERE (status = 'queued' AND delivery = 'immediate' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until <= $1)
         ORDER BY next_attempt_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id, to_address, subject, text_body, html_body, ics, attempts`,
      [now, CLAIM_SECONDS],
    )) as [Claimed[], number];
    return rows;
  }

  private async sendOne(row: Claimed, now: Date): Promise<'sent' | 'retrying' | 'failed'> {
    const method = row.ics ? (/^METHOD:(\w+)/m.exec(row.ics)?.[1] ?? 'REQUEST') : null;
    try {
      await this.transporter().sendMail({
        from: this.config.mail.from,
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        ...(row.html_body ? { html: row.html_body } : {}),
        messageId: this.messageId(row.id),
        ...(row.ics
          ? {
              icalEvent: {
                method: method!,
                filename: method === 'CANCEL' ? 'cancellation.ics' : 'invitation.ics',
                content: row.ics,
              },
            }
          : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = row.attempts >= this.config.mail.maxAttempts;
      await this.dataSource.query(
        `UPDATE email_outbox SET status = $2, last_error = $3, claimed_until = NULL,
           next_attempt_at = $4::timestamptz + make_interval(secs => $5) WHERE id = $1 AND status = 'sending'`,
        [row.id, final ? 'failed' : 'queued', message.slice(0, 1000), now, backoffMs(row.attempts) / 1000],
      );
      this.logger.warn(
        { emailId: row.id, attempts: row.attempts, final, err: message },
        final ? 'email failed for good' : 'email not sent; will retry',
      );
      return final ? 'failed' : 'retrying';
    }
    await this.dataSource.query(
      `UPDATE email_outbox SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL WHERE id = $1 AND status = 'sending'`,
      [row.id],
    );
    return 'sent';
  }

  /**
   * From DIGEST_HOUR (London) on, folds each person's waiting digest emails into one email for the day; emails that
   * arrive after today's digest wait for tomorrow's. The dedupe key (person and day) makes it once a day, whoever runs it.
   */
  async writeDigests(now: Date): Promise<number> {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(now),
    );
    if (hour < this.config.mail.digestHour) return 0;
    const day = londonToday(now);
    const waiting = (await this.dataSource.query(
      `SELECT DISTINCT user_id FROM email_outbox WHERE delivery = 'digest' AND status = 'queued' AND user_id IS NOT NULL`,
    )) as { user_id: string }[];
    let written = 0;
    for (const { user_id: userId } of waiting) {
      await this.dataSource.transaction(async (m) => {
        const rows = (await m.query(
          `SELECT id, to_address, subject, link FROM email_outbox WHERE delivery = 'digest' AND status = 'queued' AND user_id = $1
           ORDER BY created_at, id FOR UPDATE SKIP LOCKED`,
          [userId],
        )) as { id: string; to_address: string; subject: string; link: string }[];
        if (!rows.length) return;
        const digest = renderDigest(
          MESSAGES_EN,
          rows.map((r) => ({ subject: r.subject, url: r.link })),
        );
        const [created] = (await m.query(
          `INSERT INTO email_outbox (user_id, to_address, template, subject, link, text_body, html_body, dedupe_key, delivery, status, next_attempt_at)
           VALUES ($1, $2, 'digest', $3, $4, $5, $6, $7, 'immediate', 'queued', $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
          [
            userId,
            rows.at(-1)!.to_address,
            digest.subject,
            `${this.config.mail.publicBaseUrl}/`,
            digest.text,
            digest.html,
            `digest:${day}:${userId}`,
            now,
          ],
        )) as { id: string }[];
        if (!created) return; // today's digest went already: these wait for tomorrow's
        await m.query(`UPDATE email_outbox SET status = 'digested', digest_id = $2 WHERE id = ANY($1::uuid[])`, [
          rows.map((r) => r.id),
          created.id,
        ]);
        written++;
      });
    }
    return written;
  }
}
