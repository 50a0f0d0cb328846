import { Module } from '@nestjs/common';
import { ImportFileHandler, ImportsService, LegacyPoliceUkImportHandler } from './imports/imports.service';
import { CasesService } from './cases/cases.service';
import { OfficersService } from './officers/officers.service';
import { DemoRecordsSeeder } from './demo/demo-records.seeder';
import { BwvClipsService } from './bwv/bwv-clips.service';
import { ImportRecovery, ImportSweepHandler } from './imports/import-recovery';
import { PopulationsService } from './areas/populations.service';

@Module({
  providers: [
    ImportsService,
    ImportFileHandler,
    LegacyPoliceUkImportHandler,
    CasesService,
    OfficersService,
    DemoRecordsSeeder,
    BwvClipsService,
    ImportRecovery,
    ImportSweepHandler,
    PopulationsService,
  ],
  exports: [ImportsService, CasesService, OfficersService, BwvClipsService, PopulationsService],
})
export class RecordsModule {}
