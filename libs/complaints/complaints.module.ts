import { Module, type OnModuleInit } from '@nestjs/common';
import { PanelsModule } from '@scrutiny/panels';
import { RecordsModule, registerImporter } from '@scrutiny/records';
import { StatisticsModule } from '@scrutiny/statistics';
import { ComplaintsService } from './complaints.service';
import { COMPLAINTS_FORMAT } from './complaints-csv';
import { COMPLAINTS_IMPORTER } from './complaints-import';
import { DemoComplaintsSeeder } from './demo-complaints.seeder';

@Module({
  imports: [RecordsModule, PanelsModule, StatisticsModule],
  providers: [ComplaintsService, DemoComplaintsSeeder],
  exports: [ComplaintsService],
})
export class ComplaintsModule implements OnModuleInit {
  // Before any import job can run: the worker and the API both load this module.
  onModuleInit(): void {
    registerImporter(COMPLAINTS_FORMAT, COMPLAINTS_IMPORTER);
  }
}
