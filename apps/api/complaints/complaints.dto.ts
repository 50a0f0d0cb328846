import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '@scrutiny/http';
import {
  ALLEGATION_OUTCOMES,
  COMPLAINANT_AGE_BANDS,
  COMPLAINANT_ETHNICITIES,
  COMPLAINANT_SEXES,
  COMPLAINT_CATEGORIES,
  COMPLAINT_STATUSES,
  COMPLAINT_SUB_CATEGORIES,
  COMPLAINT_HANDLING,
  ENCOUNTER_KINDS,
  MAX_ALLEGATIONS,
  PROTECTED_CHARACTERISTICS,
} from '@scrutiny/complaints';
import { CursorQuery, PageLimitQuery } from '../common/page-query';

const HANDLING = Object.keys(COMPLAINT_HANDLING);
const OUTCOMES = Object.keys(ALLEGATION_OUTCOMES);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class EncounterRef {
  @ApiProperty({ enum: ENCOUNTER_KINDS }) @IsIn(ENCOUNTER_KINDS) kind: string;
  @ApiProperty({ format: 'uuid', description: 'The record id (of the same force)' }) @IsUUID() id: string;
}

export class AllegationRequest {
  @ApiProperty({ enum: COMPLAINT_CATEGORIES, example: 'discriminatory_behaviour' })
  @IsIn(COMPLAINT_CATEGORIES)
  category: string;
  @ApiProperty({
    enum: COMPLAINT_SUB_CATEGORIES,
    example: 'race',
    description: 'A sub-category of the category; for discriminatory behaviour, the protected characteristic',
  })
  @IsIn(COMPLAINT_SUB_CATEGORIES)
  subCategory: string;
  @ApiPropertyOptional({
    enum: PROTECTED_CHARACTERISTICS,
    nullable: true,
    description: 'Discriminatory behaviour only: the same as its sub-category (may be left out)',
  })
  @IsOptional()
  @IsIn(PROTECTED_CHARACTERISTICS)
  characteristic?: string | null;
  @ApiPropertyOptional({ type: [String], example: ['PC-4471'], description: 'Officers in the force’s register' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  officerReferences?: string[];
  @ApiPropertyOptional({ type: EncounterRef, nullable: true, description: 'The encounter it arises from' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EncounterRef)
  encounter?: EncounterRef | null;
  @ApiPropertyOptional({ enum: OUTCOMES, nullable: true }) @IsOptional() @IsIn(OUTCOMES) outcome?: string | null;
}

export class ComplainantRequest {
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'CP-1042',
    description: 'The force’s complainant reference: never a name or contact details',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reference?: string | null;
  @ApiPropertyOptional({ enum: COMPLAINANT_ETHNICITIES, nullable: true, description: 'Self-defined (Census 2021)' })
  @IsOptional()
  @IsIn(COMPLAINANT_ETHNICITIES)
  ethnicity?: string | null;
  @ApiPropertyOptional({ enum: Object.keys(COMPLAINANT_SEXES), nullable: true })
  @IsOptional()
  @IsIn(Object.keys(COMPLAINANT_SEXES))
  sex?: string | null;
  @ApiPropertyOptional({ enum: Object.keys(COMPLAINANT_AGE_BANDS), nullable: true })
  @IsOptional()
  @IsIn(Object.keys(COMPLAINANT_AGE_BANDS))
  ageBand?: string | null;
}

class ComplaintFields {
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsCalendarDate({ message: 'loggedOn must be a date like 2024-03-31' })
  loggedOn?: string | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsCalendarDate({ message: 'finalisedOn must be a date like 2024-03-31' })
  finalisedOn?: string | null;
  @ApiPropertyOptional({ enum: HANDLING, nullable: true }) @IsOptional() @IsIn(HANDLING) handling?: string | null;
  @ApiPropertyOptional({ type: ComplainantRequest, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ComplainantRequest)
  complainant?: ComplainantRequest | null;
  @ApiPropertyOptional({ type: [String], example: ['communication_and_respect'], description: 'Theme codes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  themes?: string[];
}

export class ComplaintCreateRequest extends ComplaintFields {
  @ApiProperty({ example: 'lancashire', description: 'data.police.uk id or ONS code' })
  @IsString()
  @MaxLength(40)
  force: string;
  @ApiProperty({ example: 'CO/2024/0042', description: 'The force’s complaint reference (unique per force)' })
  @IsString()
  @MaxLength(64)
  reference: string;
  @ApiProperty({ format: 'date', example: '2024-05-06' })
  @IsCalendarDate({ message: 'receivedOn must be a date like 2024-03-31' })
  receivedOn: string;
  @ApiProperty({ type: [AllegationRequest] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALLEGATIONS)
  @ValidateNested({ each: true })
  @Type(() => AllegationRequest)
  allegations: AllegationRequest[];
}

export class ComplaintUpdateRequest extends ComplaintFields {
  @ApiProperty({ description: 'The version you read (optimistic locking)' }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional({ example: 'CO/2024/0042' }) @IsOptional() @IsString() @MaxLength(64) reference?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate({ message: 'receivedOn must be a date like 2024-03-31' })
  receivedOn?: string;
  @ApiPropertyOptional({ type: [AllegationRequest], description: 'Replaces every allegation when given' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALLEGATIONS)
  @ValidateNested({ each: true })
  @Type(() => AllegationRequest)
  allegations?: AllegationRequest[];
}

export class ComplaintListQuery {
  @ApiPropertyOptional({ example: 'lancashire' }) @IsOptional() @IsString() @MaxLength(40) force?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Received on or after this day' })
  @IsOptional()
  @IsCalendarDate({ message: 'from must be a date like 2024-03-31' })
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Received on or before this day' })
  @IsOptional()
  @IsCalendarDate({ message: 'to must be a date like 2024-03-31' })
  to?: string;
  @ApiPropertyOptional({ enum: COMPLAINT_CATEGORIES }) @IsOptional() @IsIn(COMPLAINT_CATEGORIES) category?: string;
  @ApiPropertyOptional({ enum: PROTECTED_CHARACTERISTICS })
  @IsOptional()
  @IsIn(PROTECTED_CHARACTERISTICS)
  characteristic?: string;
  @ApiPropertyOptional({ example: 'PC-4471', description: 'An officer complained about (reference or id)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  officer?: string;
  @ApiPropertyOptional({ example: 'TEAM-A', description: 'Officers of the team, or encounters of the team' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  team?: string;
  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES }) @IsOptional() @IsIn(COMPLAINT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: ENCOUNTER_KINDS }) @IsOptional() @IsIn(ENCOUNTER_KINDS) encounterKind?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Complaints arising from this record' })
  @IsOptional()
  @IsUUID()
  encounterId?: string;
  @CursorQuery() cursor?: string;
  @PageLimitQuery() limit?: number;
}

export class ComplaintSummaryQuery {
  @ApiProperty({ format: 'date', example: '2024-04-01' })
  @IsCalendarDate({ message: 'from must be a date like 2024-03-31' })
  from: string;
  @ApiProperty({ format: 'date', example: '2024-06-30' })
  @IsCalendarDate({ message: 'to must be a date like 2024-03-31' })
  to: string;
  @ApiPropertyOptional({ example: 'lancashire' }) @IsOptional() @IsString() @MaxLength(40) force?: string;
}

export class ComplaintRatesQuery {
  @ApiProperty({ example: '2023-07' }) @Matches(MONTH, { message: 'from must be a month like 2024-04' }) from: string;
  @ApiProperty({ example: '2024-06' }) @Matches(MONTH, { message: 'to must be a month like 2024-04' }) to: string;
  @ApiProperty({ example: 'lancashire', description: 'A force or an area within one (police.uk id or ONS code)' })
  @IsString()
  @MaxLength(40)
  area: string;
}

export class ComplaintImportRequest {
  @ApiProperty({ example: 'lancashire', description: 'The force the file is for: data.police.uk id or ONS code' })
  @IsString()
  @MaxLength(40)
  force: string;
}

// ---- responses ----

class OfficerRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PC-4471' }) reference: string;
  @ApiProperty({ nullable: true, type: String }) teamCode: string | null;
}

class EncounterView {
  @ApiProperty({ enum: ENCOUNTER_KINDS }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: 'The force’s own record reference' }) reference:
    string | null;
}

class AllegationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() position: number;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category: string;
  @ApiProperty({ enum: COMPLAINT_SUB_CATEGORIES }) subCategory: string;
  @ApiProperty({ enum: PROTECTED_CHARACTERISTICS, nullable: true }) characteristic: string | null;
  @ApiProperty({ type: [OfficerRef] }) officers: OfficerRef[];
  @ApiProperty({ type: EncounterView, nullable: true }) encounter: EncounterView | null;
  @ApiProperty({ enum: OUTCOMES, nullable: true }) outcome: string | null;
}

class ComplainantResponse {
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ nullable: true, type: String }) ethnicity: string | null;
  @ApiProperty({ nullable: true, type: String }) sex: string | null;
  @ApiProperty({ nullable: true, type: String }) ageBand: string | null;
}

class ComplaintActionRef {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() kind: string;
  @ApiProperty() status: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
}

class ForceRef {
  @ApiProperty({ example: 'E23000003' }) code: string;
  @ApiProperty({ example: 'Lancashire' }) name: string;
}

export class ComplaintResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ForceRef }) force: ForceRef;
  @ApiProperty() reference: string;
  @ApiProperty({ format: 'date' }) receivedOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) loggedOn: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) finalisedOn: string | null;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Days from received to finalised' }) daysToFinalise:
    number | null;
  @ApiProperty({ enum: HANDLING, nullable: true }) handling: string | null;
  @ApiProperty({
    type: ComplainantResponse,
    nullable: true,
    description: 'Null for supervisors (they see complaints about their officers’ encounters without the complainant)',
  })
  complainant: ComplainantResponse | null;
  @ApiProperty({ type: [String] }) themes: string[];
  @ApiProperty({ type: [AllegationResponse] }) allegations: AllegationResponse[];
  @ApiProperty({ type: [ComplaintActionRef], nullable: true, description: 'Actions its outcome raised' })
  actions: ComplaintActionRef[] | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ComplaintPageResponse {
  @ApiProperty({ type: [ComplaintResponse] }) items: ComplaintResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ description: 'Complaints matching the filters' }) total: number;
}

class CountRow {
  @ApiProperty({ nullable: true, type: String }) key: string | null;
}

export class ComplaintSummaryResponse {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: ForceRef, nullable: true }) force: ForceRef | null;
  @ApiProperty({ enum: ['all', 'teams'] }) scope: string;
  @ApiProperty({ description: '{ rule, applied }: analysts see counts under 10 withheld (null), others rounded to 5' })
  disclosure: object;
  @ApiProperty({ nullable: true, type: Number }) complaints: number | null;
  @ApiProperty({ nullable: true, type: Number }) allegations: number | null;
  @ApiProperty({ nullable: true, type: Number }) finalised: number | null;
  @ApiProperty({ type: [Object], description: '{ category, allegations }' }) byCategory: CountRow[];
  @ApiProperty({ type: [Object], description: '{ characteristic, allegations }' }) discrimination: CountRow[];
  @ApiProperty({ type: [Object], description: '{ handling, complaints }' }) handling: CountRow[];
  @ApiProperty({ type: [Object], description: '{ outcome, allegations }' }) outcomes: CountRow[];
}

class RateInterval {
  @ApiProperty() lower: number;
  @ApiProperty() upper: number;
}

class ComplaintRatesGroupResponse {
  @ApiProperty({ enum: ['asian', 'black', 'mixed', 'other', 'white'] }) group: string;
  @ApiProperty({ nullable: true, type: Number }) searches: number | null;
  @ApiProperty({ nullable: true, type: Number }) complaints: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratePer1000: number | null;
  @ApiProperty({ nullable: true, type: RateInterval, description: 'Wilson 95% interval, per 1,000 searches' })
  ci95: RateInterval | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Rate against White' }) rateRatio: number | null;
  @ApiProperty({ nullable: true, type: RateInterval }) ratioCi95: RateInterval | null;
  @ApiProperty({ nullable: true, enum: ['log', 'exact'] }) method: string | null;
  @ApiProperty() significant: boolean;
  @ApiProperty() suppressed: boolean;
  @ApiProperty() flagged: boolean;
}

export class ComplaintRatesResponse {
  @ApiProperty() measure: string;
  @ApiProperty({ type: ForceRef }) area: ForceRef;
  @ApiProperty({ description: '{ from, to } months' }) months: object;
  @ApiProperty({ enum: ['self'] }) basis: string;
  @ApiProperty({ enum: ['white'] }) comparator: string;
  @ApiProperty() disclosure: object;
  @ApiProperty({ type: [ComplaintRatesGroupResponse] }) groups: ComplaintRatesGroupResponse[];
  @ApiProperty({ description: '{ searches, complaints } with ethnicity not stated' }) notStated: object;
}
