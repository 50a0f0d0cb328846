import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'held', 'digested'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One email to one person, written in the transaction of the event that causes it (so it exists exactly when the event
 * does) and sent later by the send job. `dedupeKey` (event and recipient) makes queueing the same email twice a no-op.
 * Without a mail server (no SMTP_URL) emails are `held` for admins to read in the outbox; `digest` rows wait for the
 * recipient's daily digest and become `digested` when it is written.
 */
@Entity('email_outbox')
@Index('uq_email_outbox_dedupe_key', ['dedupeKey'], { unique: true })
@Index('ix_email_outbox_status_next', ['status', 'nextAttemptAt'])
@Index('ix_email_outbox_created', ['createdAt'])
@Check('ck_email_outbox_delivery', `"delivery" IN ('immediate', 'digest')`)
@Check('ck_email_outbox_status', `"status" IN ('queued', 'sending', 'sent', 'failed', 'held', 'digested')`)
export class EmailOutboxEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { nullable: true }) userId: string | null;
  @Column('text') toAddress: string;
  @Column('text') template: string;
  @Column('text') subject: string;
  /** The one link the email carries (the digest lists it). */
  @Column('text') link: string;
  @Column('text') textBody: string;
  @Column('text', { nullable: true }) htmlBody: string | null;
  /** An iCalendar invitation, update or cancellation sent with the email. */
  @Column('text', { nullable: true }) ics: string | null;
  @Column('text') dedupeKey: string;
  @Column('text') delivery: 'immediate' | 'digest';
  @Column('text') status: OutboxStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { default: () => 'now()' }) nextAttemptAt: Date;
  /** While `sending`: a sender that has not finished by then is presumed dead, and the email is tried again. */
  @Column('timestamptz', { nullable: true }) claimedUntil: Date | null;
  /** For `digested` rows: the digest email that carried them. */
  @Column('uuid', { nullable: true }) digestId: string | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
