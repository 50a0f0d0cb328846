import { Module } from '@nestjs/common';
import { RecordsModule } from '@scrutiny/records';
import { DisproportionalityService } from './disproportionality.service';
import { DemoStatisticsSeeder } from './demo-statistics.seeder';

@Module({
  imports: [RecordsModule],
  providers: [DisproportionalityService, DemoStatisticsSeeder],
  exports: [DisproportionalityService],
})
export class StatisticsModule {}
