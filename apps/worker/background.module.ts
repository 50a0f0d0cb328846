import { Module, type DynamicModule } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { AuditModule } from '@scrutiny/audit';
import { AuthModule } from '@scrutiny/auth';
import { CoreModule, type AppConfig, type Logger } from '@scrutiny/core';
import { DatabaseModule } from '@scrutiny/database';
import { JobsModule } from '@scrutiny/jobs';
import { RecordsModule } from '@scrutiny/records';
import { SamplingModule } from '@scrutiny/sampling';
import { PanelsModule } from '@scrutiny/panels';
import { StatisticsModule } from '@scrutiny/statistics';
import { ThemesModule } from '@scrutiny/themes';
import { SCHEMA } from '@scrutiny/schema';

export interface BackgroundOptions {
  /** The worker takes jobs off the queue; the CLI only enqueues. */
  processJobs: boolean;
  migrateOnOpen?: boolean;
  /** Tests hand in an embedded engine they own. */
  pglite?: PGlite;
}

/**
 * Every feature module, without HTTP: what the worker and the CLI run on. Neither seeds demo data (the API does,
 * and `seed:demo` does on purpose), and neither installs the HTTP access guard.
 */
@Module({})
export class BackgroundModule {
  static forRoot(appConfig: AppConfig, logger: Logger, options: BackgroundOptions): DynamicModule {
    const config = { ...appConfig, demo: { ...appConfig.demo, enabled: false, records: false } };
    return {
      module: BackgroundModule,
      imports: [
        CoreModule.forRoot(config, logger),
        DatabaseModule.forRoot({
          config: config.database,
          schema: SCHEMA,
          migrateOnOpen: options.migrateOnOpen ?? false,
          pglite: options.pglite,
        }),
        JobsModule.forRoot({ config: config.jobs, processJobs: options.processJobs }),
        AuditModule,
        AuthModule.forRoot(config, { guard: false }),
        RecordsModule,
        SamplingModule,
        PanelsModule,
        StatisticsModule,
        ThemesModule,
      ],
    };
  }
}
