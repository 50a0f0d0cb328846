import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type AppConfig, type Logger } from '@scrutiny/core';
import { DatabaseModule } from '@scrutiny/database';
import { JobsModule } from '@scrutiny/jobs';
import { SCHEMA } from '@scrutiny/schema';
import { AuditModule } from '@scrutiny/audit';
import { RecordsModule } from '@scrutiny/records';

/** The job processor: BullMQ workers for every queue, the same handlers as embedded mode, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(appConfig: AppConfig, logger: Logger): DynamicModule {
    // The API seeds demo data; a worker never does.
    const config = { ...appConfig, demo: { ...appConfig.demo, enabled: false, records: false } };
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, logger),
        DatabaseModule.forRoot({ config: config.database, schema: SCHEMA }),
        JobsModule.forRoot({ config: config.jobs, processJobs: true }),
        AuditModule,
        RecordsModule,
      ],
    };
  }
}
