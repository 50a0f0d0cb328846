import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  ETHNIC_GROUPS,
  GENDERS,
  UOF_AGE_RANGES,
  UOF_DISABILITIES,
  UOF_IMPACT_FACTORS,
  UOF_INJURIES,
  UOF_LOCATION_TYPES,
  UOF_OUTCOMES,
  UOF_REASONS,
  UOF_TACTICS,
} from '@scrutiny/records';
import {
  CaseQuery,
  CaseRequest,
  CaseResponse,
  TOTAL_CAPPED_DESCRIPTION,
  TOTAL_DESCRIPTION,
  VersionedRequest,
} from './case.dto';

export class UseOfForceQuery extends CaseQuery {
  @ApiPropertyOptional({ enum: UOF_OUTCOMES, description: 'Reports listing this outcome' })
  @IsOptional()
  @IsIn(UOF_OUTCOMES)
  outcome?: string;
}

export class TacticUse {
  @ApiProperty({ enum: UOF_TACTICS }) @IsIn(UOF_TACTICS) tactic: string;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Was it effective? null = not recorded' })
  @IsOptional()
  @IsBoolean()
  effective: boolean | null;
}

export class UseOfForceRequest extends CaseRequest {
  @ApiPropertyOptional({ enum: UOF_LOCATION_TYPES }) @IsOptional() @IsIn(UOF_LOCATION_TYPES) locationType?:
    string | null;
  @ApiProperty({ type: [TacticUse], description: 'Each tactic used, once, with its effectiveness' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(UOF_TACTICS.length)
  @ValidateNested({ each: true })
  @Type(() => TacticUse)
  tactics: TacticUse[];
  @ApiPropertyOptional({ enum: UOF_IMPACT_FACTORS, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(UOF_IMPACT_FACTORS, { each: true })
  impactFactors?: string[] | null;
  @ApiPropertyOptional({ enum: UOF_REASONS, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(UOF_REASONS, { each: true })
  reasons?: string[] | null;
  @ApiPropertyOptional({ enum: UOF_OUTCOMES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(UOF_OUTCOMES, { each: true })
  outcomes?: string[] | null;
  @ApiPropertyOptional({ enum: UOF_INJURIES }) @IsOptional() @IsIn(UOF_INJURIES) subjectInjury?: string | null;
  @ApiPropertyOptional({ enum: UOF_INJURIES }) @IsOptional() @IsIn(UOF_INJURIES) officerInjury?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() officerAssaulted?: boolean | null;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string | null;
  @ApiPropertyOptional({ enum: UOF_AGE_RANGES }) @IsOptional() @IsIn(UOF_AGE_RANGES) ageRange?: string | null;
  @ApiPropertyOptional({
    enum: ETHNIC_GROUPS,
    description: "The officer's perception (the form records no self-defined ethnicity)",
  })
  @IsOptional()
  @IsIn(ETHNIC_GROUPS)
  perceivedEthnicity?: string | null;
  @ApiPropertyOptional({ enum: UOF_DISABILITIES }) @IsOptional() @IsIn(UOF_DISABILITIES) perceivedDisability?:
    string | null;
  @ApiPropertyOptional({
    example: 'SUBJ-0193',
    description: "The force's pseudonymous reference for the person (finds repeat encounters)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subjectReference?: string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'The stop search this force was used in, if any' })
  @IsOptional()
  @IsUUID()
  linkedStopSearchId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() bwvActivated?: boolean | null;
}

export class UseOfForceUpdateRequest extends IntersectionType(UseOfForceRequest, VersionedRequest) {}

class Injuries {
  @ApiProperty({ nullable: true, type: String, enum: UOF_INJURIES }) subjectInjury: string | null;
  @ApiProperty({ nullable: true, type: String, enum: UOF_INJURIES }) officerInjury: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) officerAssaulted: boolean | null;
}

class UofSubject {
  @ApiProperty({ nullable: true, type: String, enum: GENDERS }) gender: string | null;
  @ApiProperty({ nullable: true, type: String, enum: UOF_AGE_RANGES }) ageRange: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ETHNIC_GROUPS }) perceivedEthnicity: string | null;
  @ApiProperty({ nullable: true, type: String, enum: UOF_DISABILITIES }) perceivedDisability: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Hidden when pseudonymised' }) subjectReference:
    string | null;
}

export class UseOfForceResponse extends CaseResponse {
  @ApiProperty({ nullable: true, type: String, enum: UOF_LOCATION_TYPES }) locationType: string | null;
  @ApiProperty({ type: [TacticUse] }) tactics: TacticUse[];
  @ApiProperty({ enum: UOF_IMPACT_FACTORS, isArray: true }) impactFactors: string[];
  @ApiProperty({ enum: UOF_REASONS, isArray: true }) reasons: string[];
  @ApiProperty({ enum: UOF_OUTCOMES, isArray: true }) outcomes: string[];
  @ApiProperty({ type: Injuries }) injuries: Injuries;
  @ApiProperty({ type: UofSubject }) subject: UofSubject;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) linkedStopSearchId: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) bwvActivated: boolean | null;
}

export class UseOfForcePageResponse {
  @ApiProperty({ type: [UseOfForceResponse] }) items: UseOfForceResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ nullable: true, type: Number, description: TOTAL_DESCRIPTION }) total: number | null;
  @ApiProperty({ description: TOTAL_CAPPED_DESCRIPTION }) totalCapped: boolean;
}
