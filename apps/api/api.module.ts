import { Module, type DynamicModule } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';
import { CoreModule, type AppConfig, type Logger } from '@scrutiny/core';
import { DatabaseModule } from '@scrutiny/database';
import { HttpPlumbingModule } from '@scrutiny/http';
import { JobsModule } from '@scrutiny/jobs';
import { SCHEMA } from '@scrutiny/schema';
import { AuditModule } from '@scrutiny/audit';
import { AuthModule } from '@scrutiny/auth';
import { HealthModule } from './health/health.module';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { JobsController } from './jobs/jobs.controller';
import { UsersController } from './users/users.controller';
import { ImportsController } from './imports/imports.controller';
import { StopSearchesController, UseOfForceController, VehicleStopsController } from './cases/case-records.controller';
import { BwvClipsController } from './bwv/bwv-clips.controller';
import { OfficersController } from './officers/officers.controller';
import {
  BwvHoldsController,
  DipSamplesController,
  NotificationsController,
  SamplingPlansController,
} from './sampling/sampling.controller';
import { RecordsModule } from '@scrutiny/records';
import { SamplingModule } from '@scrutiny/sampling';
import { PanelsModule } from '@scrutiny/panels';
import { StatisticsModule } from '@scrutiny/statistics';
import { ThemesModule } from '@scrutiny/themes';
import { NotificationsModule } from '@scrutiny/notifications';
import { ComplaintsModule } from '@scrutiny/complaints';
import { ComplaintsController } from './complaints/complaints.controller';
import { ReportPacksController, ThemesController } from './themes/themes.controller';
import { DisproportionalityController } from './statistics/statistics.controller';
import { PublishedComparisonController } from './statistics/published-comparison.controller';
import { FindingActionsController, PanelSessionsController, PanelsController } from './panels/panels.controller';
import { ReferenceController } from './reference/reference.controller';
import { WebModule } from '../web/web.module';
import { OutboxController } from './notifications/outbox.controller';

export interface ApiModuleOptions {
  config: AppConfig;
  logger: Logger;
  /** Tests hand in an embedded engine they own instead of opening DATA_DIR. */
  pglite?: PGlite;
}

@Module({})
export class ApiModule {
  static forRoot({ config, logger, pglite }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, logger),
        DatabaseModule.forRoot({
          config: config.database,
          schema: SCHEMA,
          pglite,
          // Zero-setup start: the embedded database migrates itself. Servers migrate with `cli migrate`.
          migrateOnOpen: config.database.kind === 'embedded',
          limitStatements: true,
        }),
        // In embedded mode there is no worker process, so the API runs the jobs itself.
        JobsModule.forRoot({ config: config.jobs, processJobs: config.jobs.kind === 'in-process' }),
        HttpPlumbingModule.forRoot(config, logger),
        AuditModule,
        AuthModule.forRoot(config, { guard: true }),
        RecordsModule,
        SamplingModule,
        PanelsModule,
        StatisticsModule,
        ThemesModule,
        ComplaintsModule,
        NotificationsModule,
        HealthModule,
        // The web workspace's pages, at / (outside /api).
        WebModule,
      ],
      controllers: [
        AuthController,
        UsersController,
        AuditController,
        JobsController,
        ImportsController,
        StopSearchesController,
        VehicleStopsController,
        UseOfForceController,
        BwvClipsController,
        OfficersController,
        SamplingPlansController,
        DipSamplesController,
        BwvHoldsController,
        NotificationsController,
        PanelsController,
        PanelSessionsController,
        FindingActionsController,
        DisproportionalityController,
        PublishedComparisonController,
        ThemesController,
        ReportPacksController,
        ReferenceController,
        ComplaintsController,
        OutboxController,
      ],
    };
  }
}
