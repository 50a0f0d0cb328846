import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { OFFICERS_LISTED, OfficersService, type OfficerView } from '@scrutiny/records';
import {
  OfficerTimelineService,
  TIMELINE_DEFAULT_LIMIT,
  TIMELINE_MAX_LIMIT,
  type OfficerTimeline,
} from '@scrutiny/themes';

class OfficerQuery {
  @ApiPropertyOptional({ example: 'TEAM-A' }) @IsOptional() @IsString() @MaxLength(32) team?: string;
}

class OfficerChangeRequest {
  @ApiPropertyOptional({ nullable: true, example: 'TEAM-B' }) @IsOptional() @IsString() @MaxLength(32) teamCode?:
    string | null;
  @ApiPropertyOptional({
    nullable: true,
    format: 'uuid',
    description: 'A user with the supervisor role; null to remove',
  })
  @IsOptional()
  @IsUUID()
  supervisorUserId?: string | null;
  @ApiPropertyOptional({
    nullable: true,
    format: 'uuid',
    description: "The officer's own user account (they are never assigned their own records to review)",
  })
  @IsOptional()
  @IsUUID()
  userId?: string | null;
  @ApiPropertyOptional({
    description: 'true flags the officer for closer scrutiny (reason required); false clears the flag',
  })
  @IsOptional()
  @IsBoolean()
  flagged?: boolean;
  @ApiPropertyOptional({
    example: 'Three complaints this quarter',
    description: 'Required with flagged: true, and refused without it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  flagReason?: string | null;
}

class OfficerFlag {
  @ApiProperty({ format: 'date-time' }) flaggedAt: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) clearedAt: string | null;
}

class OfficerSupervisor {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
}

class OfficerRecordCounts {
  @ApiProperty() stopSearches: number;
  @ApiProperty() vehicleStops: number;
  @ApiProperty() useOfForce: number;
}

class OfficerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'PC-4471', description: 'Pseudonymous reference (never a name)' }) reference: string;
  @ApiProperty() forceCode: string;
  @ApiProperty({ nullable: true, type: String }) teamCode: string | null;
  @ApiProperty({ nullable: true, type: OfficerSupervisor }) supervisor: OfficerSupervisor | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId: string | null;
  @ApiProperty({ nullable: true, type: OfficerFlag }) flag: OfficerFlag | null;
  @ApiProperty({ type: OfficerRecordCounts }) records: OfficerRecordCounts;
}

class OfficerListResponse {
  @ApiProperty({ type: [OfficerResponse] }) items: OfficerResponse[];
  @ApiProperty({
    description: `Officers matching the filters; more than items when the list is cut at ${OFFICERS_LISTED}`,
  })
  total: number;
}

class TimelineQuery {
  @ApiPropertyOptional({ default: TIMELINE_DEFAULT_LIMIT, maximum: TIMELINE_MAX_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TIMELINE_MAX_LIMIT)
  limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  before?: string;
}

class TimelineRecord {
  @ApiProperty({ enum: ['stop_search', 'vehicle_stop', 'use_of_force'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
}

class TimelineSession {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) scheduledAt: string;
}

class TimelineAction {
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty() owner: string;
}

class TimelineEventResponse {
  @ApiProperty({ enum: ['record', 'review', 'rating', 'finding', 'action'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: TimelineRecord }) record: TimelineRecord;
  @ApiProperty({ type: [String], description: "The record's outcome codes, or the review's, rating's or finding's" })
  outcomes: string[];
  @ApiProperty({ nullable: true, type: String, enum: ['green', 'amber', 'red'] }) rag: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A review’s or an action’s status' }) status: string | null;
  @ApiProperty({ nullable: true, type: TimelineSession }) session: TimelineSession | null;
  @ApiProperty({ nullable: true, type: TimelineAction }) action: TimelineAction | null;
}

class TimelineOfficer {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty() forceCode: string;
  @ApiProperty({ nullable: true, type: String }) teamCode: string | null;
  @ApiProperty({ nullable: true, type: OfficerFlag }) flag: OfficerFlag | null;
}

class OfficerTimelineResponse {
  @ApiProperty({ type: TimelineOfficer }) officer: TimelineOfficer;
  @ApiProperty({ type: [TimelineEventResponse] }) items: TimelineEventResponse[];
  @ApiProperty({ description: 'Every event in the officer’s timeline' }) total: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as before for the next (older) page' })
  nextCursor: string | null;
}

@ApiTags('officers')
@Controller('officers')
export class OfficersController {
  constructor(
    private readonly officers: OfficersService,
    private readonly timelines: OfficerTimelineService,
  ) {}

  @Get()
  @Authorize(Permission.OFFICERS_READ)
  @ApiOperation({
    summary: 'Officers: supervisors see their teams’ and those they supervise; admins and professional standards all',
    description: `Ordered by reference and capped at the first ${OFFICERS_LISTED} (no paging): total says how many match, so a cut list shows; filter by team to see the rest of a larger force.`,
  })
  @ApiOkResponse({ type: OfficerListResponse })
  list(@CurrentActor() actor: Actor, @Query() q: OfficerQuery): Promise<{ items: OfficerView[]; total: number }> {
    return this.officers.list(actor, q);
  }

  @Get(':id/timeline')
  @Authorize(Permission.OFFICERS_MANAGE)
  @ApiOperation({
    summary:
      "An officer's timeline, newest first: their records, the reviews and panel ratings of them, findings and actions raised (professional standards; audited)",
  })
  @ApiOkResponse({ type: OfficerTimelineResponse })
  timeline(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: TimelineQuery): Promise<OfficerTimeline> {
    return this.timelines.timeline(actor, id, q);
  }

  @Patch(':id')
  @Authorize(Permission.OFFICERS_MANAGE)
  @ApiOperation({
    summary:
      'Move an officer to a team or under a supervisor (decides supervisors’ scope), link their user account, flag or clear a flag (audited)',
  })
  @ApiOkResponse({ type: OfficerResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: OfficerChangeRequest,
  ): Promise<OfficerView> {
    return this.officers.update(actor, id, body);
  }
}
