import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { CSV_FORMATS, ETHNIC_GROUPS } from '@scrutiny/records';
import { MONTH } from '@scrutiny/core';
import { COUNT_CAP } from '@scrutiny/database';
import { CursorQuery, PageLimitQuery } from '../common/page-query';

export const TOTAL_DESCRIPTION = `Records matching the filters: on the first page only (null on the pages after a cursor, where the first page's figure holds), and counted no further than ${COUNT_CAP}, since counting on every page of millions of rows would cost more than the page`;
export const TOTAL_CAPPED_DESCRIPTION = `true: more than total (${COUNT_CAP}) match; narrow the filters for an exact count`;

/** Filters every case list shares. Periods are Europe/London calendar months; times on the wire are UTC. */
export class CaseQuery {
  @ApiPropertyOptional({ example: '2024-01', description: 'First Europe/London month, inclusive' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;
  @ApiPropertyOptional({ example: '2024-03', description: 'Last Europe/London month, inclusive' })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to?: string;
  @ApiPropertyOptional({
    example: 'lancashire',
    description: 'Any area: force (police.uk id or ONS code), district or local authority code',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  area?: string;
  @ApiPropertyOptional({ enum: ETHNIC_GROUPS }) @IsOptional() @IsIn(ETHNIC_GROUPS) ethnicity?: string;
  @ApiPropertyOptional({
    enum: ['self', 'officer'],
    description:
      'Which ethnicity the filter uses: self-defined (mapped to 5 groups; the default where recorded) or officer-defined/perceived',
  })
  @IsOptional()
  @IsIn(['self', 'officer'])
  basis?: 'self' | 'officer';
  @ApiPropertyOptional({ type: Boolean, description: 'true: only cases with BWV clips; false: only cases without' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'bwv must be true or false' })
  bwv?: boolean;
  @CursorQuery() cursor?: string;
  @PageLimitQuery() limit?: number;
}

export class CaseExportOptions {
  @ApiPropertyOptional({
    enum: CSV_FORMATS,
    description:
      'police-uk (stop searches only; the default for them) or the kind’s CSV template (the default otherwise)',
  })
  @IsOptional()
  @IsIn(CSV_FORMATS)
  format?: (typeof CSV_FORMATS)[number];
}

/** Fields every case kind takes on create and replace. */
export class CaseRequest {
  @ApiProperty({ example: 'lancashire', description: 'Force: police.uk id or ONS code' })
  @IsString()
  @MaxLength(40)
  force: string;
  @ApiPropertyOptional({
    example: 'UOF-2024-00042',
    description: "The force's own id for the record (unique within the force; makes CSV re-imports safe)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reference?: string | null;
  @ApiPropertyOptional({ example: 'E07000117', description: 'District or local authority code, within the force' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  areaCode?: string | null;
  @ApiProperty({
    example: '2024-05-03T21:47:00+01:00',
    description: 'ISO 8601 with an offset; stored and answered in UTC',
  })
  @IsString()
  occurredAt: string;
  @ApiPropertyOptional() @IsOptional() @IsLatitude() latitude?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsLongitude() longitude?: number | null;
  @ApiPropertyOptional({ example: 'PC-4471', description: 'Pseudonymous officer reference' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'officerReference must be letters, digits, "_" or "-"' })
  officerReference?: string | null;
  @ApiPropertyOptional({ example: 'TEAM-A' }) @IsOptional() @IsString() @MaxLength(32) teamCode?: string | null;
}

export class VersionedRequest {
  @ApiProperty({ description: 'The version you read: a stale one answers 409' }) @IsInt() @Min(1) version: number;
}

export class Location {
  @ApiProperty() latitude: number;
  @ApiProperty() longitude: number;
}

/** Fields every case kind answers with. */
export class CaseResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['stop_search', 'vehicle_stop', 'use_of_force'] }) kind: string;
  @ApiProperty({ nullable: true, type: String, description: "The force's own id (hidden when pseudonymised)" })
  reference: string | null;
  @ApiProperty() forceCode: string;
  @ApiProperty({ nullable: true, type: String, description: 'Area code; only the district when pseudonymised' })
  areaCode: string | null;
  @ApiProperty({ format: 'date-time', description: 'UTC; rounded to the hour when pseudonymised' }) occurredAt: string;
  @ApiProperty({ example: '2024-05', description: 'Reporting period: the Europe/London calendar month of occurredAt' })
  period: string;
  @ApiProperty({ nullable: true, type: Location }) location: Location | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Officer reference, or a per-panel token when pseudonymised',
  })
  officer: string | null;
  @ApiProperty({ nullable: true, type: String }) teamCode: string | null;
  @ApiProperty({ enum: ['police-uk', 'csv-template', 'manual'] }) source: string;
  @ApiProperty() version: number;
  @ApiProperty() pseudonymised: boolean;
}
