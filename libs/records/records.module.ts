import { Module } from '@nestjs/common';
import { ImportsService, PoliceUkImportHandler } from './imports/imports.service';
import { StopSearchesService } from './stop-searches/stop-searches.service';
import { DemoRecordsSeeder } from './demo/demo-records.seeder';
import { BwvClipsService } from './bwv/bwv-clips.service';
import { ImportRecovery } from './imports/import-recovery';

@Module({ providers: [ImportsService, PoliceUkImportHandler, StopSearchesService, DemoRecordsSeeder, BwvClipsService, ImportRecovery], exports: [ImportsService, StopSearchesService, BwvClipsService] })
export class RecordsModule {}
