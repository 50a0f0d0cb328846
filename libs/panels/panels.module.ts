import { Module } from '@nestjs/common';
import { NotificationsModule } from '@scrutiny/notifications';
import { RecordsModule } from '@scrutiny/records';
import { DeliberationService } from './deliberation.service';
import { PanelsService } from './panels.service';
import { DemoPanelsSeeder } from './demo-panels.seeder';
import { ActionOverdueCheckHandler } from './panels.jobs';

@Module({
  imports: [RecordsModule, NotificationsModule],
  providers: [PanelsService, DeliberationService, DemoPanelsSeeder, ActionOverdueCheckHandler],
  exports: [PanelsService, DeliberationService],
})
export class PanelsModule {}
