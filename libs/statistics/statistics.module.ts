import { Module } from '@nestjs/common';
import { RecordsModule } from '@scrutiny/records';
import { DisproportionalityService } from './disproportionality.service';
import { DemoStatisticsSeeder } from './demo-statistics.seeder';
import { DisclosedStatisticsService } from './disclosed-statistics.service';
import { PublishedComparisonService } from './published-comparison.service';

@Module({
  imports: [RecordsModule],
  providers: [DisproportionalityService, DemoStatisticsSeeder, PublishedComparisonService, DisclosedStatisticsService],
  exports: [DisproportionalityService, PublishedComparisonService, DisclosedStatisticsService],
})
export class StatisticsModule {}
