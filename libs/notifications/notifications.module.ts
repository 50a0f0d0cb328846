import { Module } from '@nestjs/common';
import { EmailOutbox } from './email-outbox.service';
import { EmailSender } from './email-sender.service';
import { SendEmailHandler } from './notifications.jobs';

/** Email notifications: the outbox features write to in their transactions, and the job that sends it. */
@Module({
  providers: [EmailOutbox, EmailSender, SendEmailHandler],
  exports: [EmailOutbox, EmailSender],
})
export class NotificationsModule {}
