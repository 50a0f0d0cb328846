import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { defineJob, HandlesJob, Recurring, type JobHandler } from '@scrutiny/jobs';
import { DeliberationService } from './deliberation.service';

/** Emails about actions past their due date (once per action and due date). */
export const ActionOverdueCheckJob = defineJob('notifications', 'action-overdue-check', 1, z.object({}).strict());

@Injectable()
@HandlesJob(ActionOverdueCheckJob)
@Recurring(ActionOverdueCheckJob, (config) => config.mail.overdueCheckIntervalMs, {})
export class ActionOverdueCheckHandler implements JobHandler<Record<string, never>> {
  constructor(private readonly deliberation: DeliberationService) {}

  async handle(): Promise<void> {
    await this.deliberation.remindOverdueActions();
  }
}
