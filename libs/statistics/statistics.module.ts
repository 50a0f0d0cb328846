import { Module } from '@nestjs/common';
import { DisproportionalityService } from './disproportionality.service';
import { DemoStatisticsSeeder } from './demo-statistics.seeder';

@Module({ providers: [DisproportionalityService, DemoStatisticsSeeder], exports: [DisproportionalityService] })
export class StatisticsModule {}
