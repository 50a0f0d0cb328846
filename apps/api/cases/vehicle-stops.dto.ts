import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import {
  AGE_RANGES,
  GENDERS,
  OFFICER_DEFINED,
  SELF_DEFINED_CODES,
  VEHICLE_STOP_OUTCOMES,
  VEHICLE_STOP_REASONS,
} from '@scrutiny/records';
import {
  CaseQuery,
  CaseRequest,
  CaseResponse,
  TOTAL_CAPPED_DESCRIPTION,
  TOTAL_DESCRIPTION,
  VersionedRequest,
} from './case.dto';

export class VehicleStopQuery extends CaseQuery {
  @ApiPropertyOptional({ enum: VEHICLE_STOP_OUTCOMES }) @IsOptional() @IsIn(VEHICLE_STOP_OUTCOMES) outcome?: string;
}

export class VehicleStopRequest extends CaseRequest {
  @ApiProperty({ enum: VEHICLE_STOP_REASONS }) @IsIn(VEHICLE_STOP_REASONS) reason: string;
  @ApiPropertyOptional({
    description: 'Free text: what the officer saw (shown to an external panel only if its policy allows)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reasonDetail?: string | null;
  @ApiPropertyOptional({ enum: VEHICLE_STOP_OUTCOMES }) @IsOptional() @IsIn(VEHICLE_STOP_OUTCOMES) outcome?:
    string | null;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string | null;
  @ApiPropertyOptional({ enum: AGE_RANGES }) @IsOptional() @IsIn(AGE_RANGES) ageRange?: string | null;
  @ApiPropertyOptional({
    enum: SELF_DEFINED_CODES,
    description: "Driver's self-defined ethnicity: 18 census categories, or NS",
  })
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
  @ApiPropertyOptional({ format: 'uuid', description: 'The stop search that followed, if any' })
  @IsOptional()
  @IsUUID()
  linkedStopSearchId?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsBoolean() bwvActivatedBeforeEncounter?: boolean | null;
}

export class VehicleStopUpdateRequest extends IntersectionType(VehicleStopRequest, VersionedRequest) {}

class Driver {
  @ApiProperty({ nullable: true, type: String, enum: GENDERS }) gender: string | null;
  @ApiProperty({ nullable: true, type: String, enum: AGE_RANGES }) ageRange: string | null;
  @ApiProperty({ nullable: true, type: String, enum: SELF_DEFINED_CODES }) selfDefinedEthnicity: string | null;
  @ApiProperty({ nullable: true, type: String, enum: OFFICER_DEFINED }) officerDefinedEthnicity: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Hidden when pseudonymised' }) subjectReference:
    string | null;
}

export class VehicleStopResponse extends CaseResponse {
  @ApiProperty({ enum: VEHICLE_STOP_REASONS }) reason: string;
  @ApiProperty({ nullable: true, type: String }) reasonDetail: string | null;
  @ApiProperty({ nullable: true, type: String, enum: VEHICLE_STOP_OUTCOMES }) outcome: string | null;
  @ApiProperty({ type: Driver }) driver: Driver;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) linkedStopSearchId: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) bwvActivatedBeforeEncounter: boolean | null;
}

export class VehicleStopPageResponse {
  @ApiProperty({ type: [VehicleStopResponse] }) items: VehicleStopResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ nullable: true, type: Number, description: TOTAL_DESCRIPTION }) total: number | null;
  @ApiProperty({ description: TOTAL_CAPPED_DESCRIPTION }) totalCapped: boolean;
}
