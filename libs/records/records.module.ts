import { Module } from '@nestjs/common';
import { ImportsService, PoliceUkImportHandler } from './imports/imports.service';
import { StopSearchesService } from './stop-searches/stop-searches.service';
import { DemoRecordsSeeder } from './demo/demo-records.seeder';

@Module({ providers: [ImportsService, PoliceUkImportHandler, StopSearchesService, DemoRecordsSeeder], exports: [ImportsService, StopSearchesService] })
export class RecordsModule {}
