import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsLatitude, IsLongitude, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AGE_RANGES, ETHNIC_GROUPS, GENDERS, LEGISLATION, OBJECTS_OF_SEARCH, OFFICER_DEFINED, OUTCOMES, SEARCH_TYPES, SELF_DEFINED_CODES } from '@scrutiny/records';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class StopSearchQuery {
  @ApiPropertyOptional({ example: '2024-01', description: 'First Europe/London month, inclusive' }) @IsOptional() @Matches(MONTH, { message: 'from must be a month, YYYY-MM' }) from?: string;
  @ApiPropertyOptional({ example: '2024-03', description: 'Last Europe/London month, inclusive' }) @IsOptional() @Matches(MONTH, { message: 'to must be a month, YYYY-MM' }) to?: string;
  @ApiPropertyOptional({ example: 'lancashire', description: 'Any area: force (police.uk id or ONS code), district or local authority code' }) @IsOptional() @IsString() @MaxLength(40) area?: string;
  @ApiPropertyOptional({ enum: LEGISLATION }) @IsOptional() @IsIn(LEGISLATION) power?: string;
  @ApiPropertyOptional({ enum: ETHNIC_GROUPS }) @IsOptional() @IsIn(ETHNIC_GROUPS) ethnicity?: string;
  @ApiPropertyOptional({ enum: ['self', 'officer'], default: 'self', description: 'Which ethnicity the filter uses: self-defined (mapped to 5 groups) or officer-defined' })
  @IsOptional()
  @IsIn(['self', 'officer'])
  basis?: 'self' | 'officer';
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string;
  @ApiPropertyOptional({ type: Boolean, description: 'true: only cases with BWV clips; false: only cases without' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'bwv must be true or false' })
  bwv?: boolean;
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' }) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ default: 50, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class StopSearchRequest {
  @ApiProperty({ example: 'lancashire', description: 'Force: police.uk id or ONS code' }) @IsString() @MaxLength(40) force: string;
  @ApiPropertyOptional({ example: 'E07000117', description: 'District or local authority code' }) @IsOptional() @IsString() @MaxLength(20) areaCode?: string | null;
  @ApiProperty({ example: '2024-05-03T21:47:00+01:00' }) @IsString() occurredAt: string;
  @ApiProperty({ enum: SEARCH_TYPES }) @IsIn(SEARCH_TYPES) searchType: string;
  @ApiPropertyOptional({ enum: LEGISLATION }) @IsOptional() @IsIn(LEGISLATION) legislation?: string | null;
  @ApiPropertyOptional({ enum: OBJECTS_OF_SEARCH }) @IsOptional() @IsIn(OBJECTS_OF_SEARCH) objectOfSearch?: string | null;
  @ApiPropertyOptional({ description: 'Free-text grounds (PACE Code A 3.8)' }) @IsOptional() @IsString() @MaxLength(4000) grounds?: string | null;
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'null = unknown' }) @IsOptional() @IsBoolean() outcomeLinkedToObject?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() clothingRemoved?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() partOfOperation?: boolean | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) operationName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsLatitude() latitude?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsLongitude() longitude?: number | null;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string | null;
  @ApiPropertyOptional({ enum: AGE_RANGES }) @IsOptional() @IsIn(AGE_RANGES) ageRange?: string | null;
  @ApiPropertyOptional({ enum: SELF_DEFINED_CODES, description: '18 census categories, or NS (declined to state)' }) @IsOptional() @IsIn(SELF_DEFINED_CODES) selfDefinedEthnicity?: string | null;
  @ApiPropertyOptional({ enum: OFFICER_DEFINED }) @IsOptional() @IsIn(OFFICER_DEFINED) officerDefinedEthnicity?: string | null;
  @ApiPropertyOptional({ example: 'PC-4471', description: 'Pseudonymous officer reference' }) @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'officerReference must be letters, digits, "_" or "-"' }) officerReference?: string | null;
  @ApiPropertyOptional({ example: 'TEAM-A' }) @IsOptional() @IsString() @MaxLength(32) teamCode?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) s60AuthorisationId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() bwvActivatedBeforeEncounter?: boolean | null;
}

export class StopSearchUpdateRequest extends StopSearchRequest {
  @ApiProperty({ description: 'The version you read: a stale one answers 409' }) @IsInt() @Min(1) version: number;
}

export class StopSearchResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'stop_search' }) kind: string;
  @ApiProperty() forceCode: string;
  @ApiProperty({ nullable: true, type: String }) areaCode: string | null;
  @ApiProperty({ format: 'date-time', description: 'UTC; rounded to the hour when pseudonymised' }) occurredAt: string;
  @ApiProperty({ example: '2024-05', description: 'Europe/London month' }) period: string;
  @ApiProperty({ enum: SEARCH_TYPES }) searchType: string;
  @ApiProperty({ nullable: true, type: String }) legislation: string | null;
  @ApiProperty({ nullable: true, type: String }) objectOfSearch: string | null;
  @ApiProperty({ nullable: true, type: String }) grounds: string | null;
  @ApiProperty({ nullable: true, type: String }) outcome: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) outcomeLinkedToObject: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) clothingRemoved: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) partOfOperation: boolean | null;
  @ApiProperty({ nullable: true, type: String }) operationName: string | null;
  @ApiProperty({ nullable: true }) location: { latitude: number; longitude: number } | null;
  @ApiProperty() subject: { gender: string | null; ageRange: string | null; selfDefinedEthnicity: string | null; officerDefinedEthnicity: string | null };
  @ApiProperty({ nullable: true, type: String, description: 'Officer reference, or a per-panel token when pseudonymised' }) officer: string | null;
  @ApiProperty({ nullable: true, type: String }) teamCode: string | null;
  @ApiProperty({ nullable: true, type: String }) s60AuthorisationId: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) bwvActivatedBeforeEncounter: boolean | null;
  @ApiProperty({ enum: ['police-uk', 'manual'] }) source: string;
  @ApiProperty() version: number;
  @ApiProperty() pseudonymised: boolean;
}

export class StopSearchPageResponse {
  @ApiProperty({ type: [StopSearchResponse] }) items: StopSearchResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
