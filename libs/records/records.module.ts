import { Module } from '@nestjs/common';
import { ImportsService, PoliceUkImportHandler } from './imports/imports.service';

@Module({ providers: [ImportsService, PoliceUkImportHandler], exports: [ImportsService] })
export class RecordsModule {}
