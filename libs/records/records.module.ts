import { Module } from '@nestjs/common';
import { ImportsService, PoliceUkImportHandler } from './imports/imports.service';
import { StopSearchesService } from './stop-searches/stop-searches.service';

@Module({ providers: [ImportsService, PoliceUkImportHandler, StopSearchesService], exports: [ImportsService, StopSearchesService] })
export class RecordsModule {}
