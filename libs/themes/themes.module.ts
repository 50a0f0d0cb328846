import { Module } from '@nestjs/common';
import { ComplaintsModule } from '@scrutiny/complaints';
import { NotificationsModule } from '@scrutiny/notifications';
import { PanelsModule } from '@scrutiny/panels';
import { RecordsModule } from '@scrutiny/records';
import { SamplingModule } from '@scrutiny/sampling';
import { StatisticsModule } from '@scrutiny/statistics';
import { DemoThemesSeeder } from './demo-themes.seeder';
import { MeetingsService } from './meetings.service';
import { OfficerTimelineService } from './officer-timeline.service';
import { QuarterlyReviewService } from './quarterly-review.service';
import { GenerateReportPackHandler, ReportPackRecovery, ReportPacksService } from './report-packs.service';
import { ThemesService } from './themes.service';
import { VocabulariesService } from './vocabularies.service';

const SERVICES = [
  ThemesService,
  QuarterlyReviewService,
  MeetingsService,
  ReportPacksService,
  VocabulariesService,
  OfficerTimelineService,
];

@Module({
  imports: [RecordsModule, PanelsModule, SamplingModule, StatisticsModule, NotificationsModule, ComplaintsModule],
  providers: [...SERVICES, GenerateReportPackHandler, ReportPackRecovery, DemoThemesSeeder],
  exports: SERVICES,
})
export class ThemesModule {}
