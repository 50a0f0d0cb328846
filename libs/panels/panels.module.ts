import { Module } from '@nestjs/common';
import { RecordsModule } from '@scrutiny/records';
import { DeliberationService } from './deliberation.service';
import { PanelsService } from './panels.service';
import { DemoPanelsSeeder } from './demo-panels.seeder';

@Module({
  imports: [RecordsModule],
  providers: [PanelsService, DeliberationService, DemoPanelsSeeder],
  exports: [PanelsService, DeliberationService],
})
export class PanelsModule {}
