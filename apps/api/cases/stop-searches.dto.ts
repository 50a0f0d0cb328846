import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  AGE_RANGES,
  GENDERS,
  LEGISLATION,
  OBJECTS_OF_SEARCH,
  OFFICER_DEFINED,
  OUTCOMES,
  SEARCH_TYPES,
  SELF_DEFINED_CODES,
} from '@scrutiny/records';
import {
  CaseQuery,
  CaseRequest,
  CaseResponse,
  TOTAL_CAPPED_DESCRIPTION,
  TOTAL_DESCRIPTION,
  VersionedRequest,
} from './case.dto';

export class StopSearchQuery extends CaseQuery {
  @ApiPropertyOptional({ enum: LEGISLATION }) @IsOptional() @IsIn(LEGISLATION) power?: string;
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string;
}

export class StopSearchRequest extends CaseRequest {
  @ApiProperty({ enum: SEARCH_TYPES }) @IsIn(SEARCH_TYPES) searchType: string;
  @ApiPropertyOptional({ enum: LEGISLATION }) @IsOptional() @IsIn(LEGISLATION) legislation?: string | null;
  @ApiPropertyOptional({ enum: OBJECTS_OF_SEARCH }) @IsOptional() @IsIn(OBJECTS_OF_SEARCH) objectOfSearch?:
    string | null;
  @ApiPropertyOptional({ description: 'Free-text grounds (PACE Code A 3.8)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  grounds?: string | null;
  @ApiPropertyOptional({ enum: OUTCOMES }) @IsOptional() @IsIn(OUTCOMES) outcome?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'null = unknown' })
  @IsOptional()
  @IsBoolean()
  outcomeLinkedToObject?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() clothingRemoved?: boolean | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() partOfOperation?: boolean | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) operationName?: string | null;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string | null;
  @ApiPropertyOptional({ enum: AGE_RANGES }) @IsOptional() @IsIn(AGE_RANGES) ageRange?: string | null;
  @ApiPropertyOptional({ enum: SELF_DEFINED_CODES, description: '18 census categories, or NS (declined to state)' })
  @IsOptional()
  @IsIn(SELF_DEFINED_CODES)
  selfDefinedEthnicity?: string | null;
  @ApiPropertyOptional({ enum: OFFICER_DEFINED }) @IsOptional() @IsIn(OFFICER_DEFINED) officerDefinedEthnicity?:
    string | null;
  @ApiPropertyOptional({
    example: 'SUBJ-0193',
    description: "The force's pseudonymous reference for the person (finds repeat encounters)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subjectReference?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) s60AuthorisationId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() bwvActivatedBeforeEncounter?: boolean | null;
}

export class StopSearchUpdateRequest extends IntersectionType(StopSearchRequest, VersionedRequest) {}

class StopSearchSubject {
  @ApiProperty({ nullable: true, type: String, enum: GENDERS }) gender: string | null;
  @ApiProperty({ nullable: true, type: String, enum: AGE_RANGES }) ageRange: string | null;
  @ApiProperty({ nullable: true, type: String, enum: SELF_DEFINED_CODES }) selfDefinedEthnicity: string | null;
  @ApiProperty({ nullable: true, type: String, enum: OFFICER_DEFINED }) officerDefinedEthnicity: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Hidden when pseudonymised' }) subjectReference:
    string | null;
}

export class StopSearchResponse extends CaseResponse {
  @ApiProperty({ enum: SEARCH_TYPES }) searchType: string;
  @ApiProperty({ nullable: true, type: String }) legislation: string | null;
  @ApiProperty({ nullable: true, type: String }) objectOfSearch: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Shown to an external panel only if its policy allows' })
  grounds: string | null;
  @ApiProperty({ nullable: true, type: String }) outcome: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) outcomeLinkedToObject: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) clothingRemoved: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) partOfOperation: boolean | null;
  @ApiProperty({ nullable: true, type: String }) operationName: string | null;
  @ApiProperty({ type: StopSearchSubject }) subject: StopSearchSubject;
  @ApiProperty({ nullable: true, type: String }) s60AuthorisationId: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) bwvActivatedBeforeEncounter: boolean | null;
}

export class StopSearchPageResponse {
  @ApiProperty({ type: [StopSearchResponse] }) items: StopSearchResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ nullable: true, type: Number, description: TOTAL_DESCRIPTION }) total: number | null;
  @ApiProperty({ description: TOTAL_CAPPED_DESCRIPTION }) totalCapped: boolean;
}
