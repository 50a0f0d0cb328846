import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { defineJob, HandlesJob, Recurring, type JobHandler } from '@scrutiny/jobs';
import { EmailSender } from './email-sender.service';

/**
 * Sends due emails and writes the day's digests. Idempotent: the outbox rows carry the state, so a run that overlaps
 * another, or repeats after a crash, sends nothing twice (see EmailSender). Without SMTP_URL it is never scheduled.
 */
export const SendEmailJob = defineJob('notifications', 'send-email', 1, z.object({}).strict());

@Injectable()
@HandlesJob(SendEmailJob)
@Recurring(SendEmailJob, (config) => (config.mail.smtpUrl ? config.mail.sendIntervalMs : 0), {})
export class SendEmailHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly sender: EmailSender) {}

  async handle(): Promise<void> {
    await this.sender.sendDue();
  }
}
