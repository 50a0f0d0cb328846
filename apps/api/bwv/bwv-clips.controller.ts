import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
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
import { Authorize, CASE_KINDS, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { BWV_STATUSES, BwvClipsService } from '@scrutiny/records';

class CaseLink {
  @ApiProperty({ enum: CASE_KINDS }) @IsIn(CASE_KINDS) kind: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() id: string;
}

class BwvClipRequest {
  @ApiProperty({ example: 'EVD-2024-000123', description: "The evidence system's id for the clip" })
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,128}$/, { message: 'reference must be 1–128 of letters, digits and . _ : / -' })
  reference: string;
  @ApiProperty({ example: 'lancashire' }) @IsString() @MaxLength(40) force: string;
  @ApiPropertyOptional({ example: 'PC-4471' }) @IsOptional() @IsString() @MaxLength(32) officerReference?:
    string | null;
  @ApiPropertyOptional({ example: 'AXON-88213' }) @IsOptional() @IsString() @MaxLength(64) deviceId?: string | null;
  @ApiProperty({ example: '2024-05-03T21:46:30+01:00' }) @IsString() recordedAt: string;
  @ApiPropertyOptional({ example: 412 }) @IsOptional() @IsInt() @Min(0) durationSeconds?: number | null;
  @ApiPropertyOptional({
    example: '2024-06-02T21:46:30+01:00',
    description: 'When the evidence system will delete it unless held (default: BWV_RETENTION_DAYS after recordedAt)',
  })
  @IsOptional()
  @IsString()
  retentionExpiresAt?: string | null;
  @ApiPropertyOptional({ enum: BWV_STATUSES, default: 'available' }) @IsOptional() @IsIn(BWV_STATUSES) status?: string;
  @ApiProperty({ type: [CaseLink] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CaseLink)
  links: CaseLink[];
}

class BwvOpenResponse {
  @ApiProperty({ example: 'https://evidence.example.invalid/clips/EVD-2024-000123?redacted=true' }) url: string;
  @ApiProperty() redacted: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Null when pseudonymised' }) reference: string | null;
}

class BwvClipResponse {
  @ApiProperty({ format: 'uuid', description: 'An opaque per-panel id when pseudonymised' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: "The evidence system's id; null when pseudonymised" })
  reference: string | null;
  @ApiProperty() forceCode: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Officer reference, or a per-panel token when pseudonymised',
  })
  officer: string | null;
  @ApiProperty({ nullable: true, type: String }) deviceId: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ nullable: true, type: Number }) durationSeconds: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Null when pseudonymised (it would give back the exact time of the encounter)',
  })
  retentionExpiresAt: string | null;
  @ApiProperty({ format: 'date', description: 'The day of retentionExpiresAt (UTC), shown to everyone' })
  retentionExpiresOn: string;
  @ApiProperty({ enum: BWV_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null when pseudonymised' })
  holdPlacedAt: string | null;
  @ApiProperty({ type: [CaseLink], description: 'The cases it covers that you can read, by the ids you know them by' })
  links: CaseLink[];
  @ApiProperty() pseudonymised: boolean;
}

@ApiTags('bwv')
@Controller()
export class BwvClipsController {
  constructor(private readonly clips: BwvClipsService) {}

  @Post('bwv-clips')
  @Authorize(Permission.RECORDS_WRITE)
  @ApiOperation({
    summary: 'Record a BWV clip reference and the cases it covers (cases must be in your scope; audited)',
  })
  @ApiCreatedResponse({ type: BwvClipResponse })
  create(@CurrentActor() actor: Actor, @Body() body: BwvClipRequest): Promise<BwvClipResponse> {
    return this.clips.create(actor, body);
  }

  @Get('bwv-clips/:id')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'One clip reference, if you can read a case it covers (404 otherwise; every view audited)' })
  @ApiOkResponse({ type: BwvClipResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BwvClipResponse> {
    return this.clips.get(actor, id);
  }

  @Get('bwv-clips/:id/open')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({
    summary:
      "Where the clip opens in the force's evidence system (BWV_LINK_TEMPLATE), redacted per the panel's policy; every open audited",
  })
  @ApiOkResponse({ type: BwvOpenResponse })
  open(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BwvOpenResponse> {
    return this.clips.open(actor, id);
  }

  @Get('stop-searches/:id/bwv-clips')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'The clip references covering a stop search (every view audited)' })
  @ApiOkResponse({ type: [BwvClipResponse] })
  forStopSearch(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BwvClipResponse[]> {
    return this.clips.forCase(actor, 'stop_search', id);
  }

  @Get('vehicle-stops/:id/bwv-clips')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'The clip references covering a vehicle stop (every view audited)' })
  @ApiOkResponse({ type: [BwvClipResponse] })
  forVehicleStop(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BwvClipResponse[]> {
    return this.clips.forCase(actor, 'vehicle_stop', id);
  }

  @Get('use-of-force/:id/bwv-clips')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'The clip references covering a use-of-force report (every view audited)' })
  @ApiOkResponse({ type: [BwvClipResponse] })
  forUseOfForce(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<BwvClipResponse[]> {
    return this.clips.forCase(actor, 'use_of_force', id);
  }
}
