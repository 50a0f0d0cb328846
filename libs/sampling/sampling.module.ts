import { Module } from '@nestjs/common';
import { NotificationsModule } from '@scrutiny/notifications';
import { DipSamplesService } from './dip-samples.service';
import { DemoSamplesSeeder } from './demo-samples.seeder';
import { NotificationsService } from './notifications.service';
import { SamplingPlansService } from './plans.service';
import { RetentionService } from './retention.service';
import { SampleReviewsService } from './reviews.service';
import {
  RetentionCheckHandler,
  ReviewOverdueCheckHandler,
  SamplingScheduleTickHandler,
  ScheduledDrawHandler,
} from './sampling.jobs';

const SERVICES = [
  SamplingPlansService,
  DipSamplesService,
  SampleReviewsService,
  RetentionService,
  NotificationsService,
];

@Module({
  imports: [NotificationsModule],
  providers: [
    ...SERVICES,
    DemoSamplesSeeder,
    SamplingScheduleTickHandler,
    ScheduledDrawHandler,
    RetentionCheckHandler,
    ReviewOverdueCheckHandler,
  ],
  exports: SERVICES,
})
export class SamplingModule {}
