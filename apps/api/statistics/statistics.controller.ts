import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
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
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { ETHNIC_GROUPS, LEGISLATION, UOF_TACTICS } from '@scrutiny/records';
import {
  DISPROPORTIONALITY_FINDING_STATUSES,
  DisproportionalityService,
  FINDINGS_LIST_LIMIT,
  STAT_KINDS,
  TREND_INTERVALS,
} from '@scrutiny/statistics';
import { MONTH } from '@scrutiny/core';

class StatsQuery {
  @ApiProperty({ example: '2024-01', description: 'First Europe/London month' })
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from: string;
  @ApiProperty({ example: '2024-12', description: 'Last Europe/London month' })
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to: string;
  @ApiProperty({
    example: 'lancashire',
    description:
      'Force (police.uk id or ONS code), district or local authority: rates use that area’s census population',
  })
  @IsString()
  @MaxLength(40)
  area: string;
  @ApiPropertyOptional({ enum: STAT_KINDS, default: 'stop-search' }) @IsOptional() @IsIn(STAT_KINDS) kind?: string;
  @ApiPropertyOptional({
    enum: ['self', 'officer'],
    description: 'Default self (use of force: officer, the only basis it records)',
  })
  @IsOptional()
  @IsIn(['self', 'officer'])
  basis?: string;
  @ApiPropertyOptional({ enum: LEGISLATION }) @IsOptional() @IsIn(LEGISLATION) power?: string;
  @ApiPropertyOptional({ enum: UOF_TACTICS, description: 'Use of force: uses of one tactic' })
  @IsOptional()
  @IsIn(UOF_TACTICS)
  tactic?: string;
  @ApiPropertyOptional({ enum: ETHNIC_GROUPS, default: 'white' })
  @IsOptional()
  @IsIn(ETHNIC_GROUPS)
  comparator?: string;
}

class TrendQuery extends StatsQuery {
  @ApiPropertyOptional({ enum: TREND_INTERVALS, default: 'month' })
  @IsOptional()
  @IsIn(TREND_INTERVALS)
  interval?: string;
}

class FunnelQuery extends StatsQuery {
  @ApiPropertyOptional({
    enum: ['team', 'officer'],
    default: 'team',
    description: 'officer: professional standards only',
  })
  @IsOptional()
  @IsIn(['team', 'officer'])
  level?: string;
  @ApiPropertyOptional({
    enum: ETHNIC_GROUPS,
    default: 'black',
    description: 'Whose share of each unit’s searches is compared',
  })
  @IsOptional()
  @IsIn(ETHNIC_GROUPS)
  group?: string;
}

class Ci {
  @ApiProperty() lower: number;
  @ApiProperty() upper: number;
}

class GroupFigures {
  @ApiProperty({ enum: ETHNIC_GROUPS }) group: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'null when suppressed (under 10, for those outside the force)',
  })
  count: number | null;
  @ApiProperty() population: number;
  @ApiProperty({ nullable: true, type: Number }) ratePer1000: number | null;
  @ApiProperty({ nullable: true, type: Number }) rateRatio: number | null;
  @ApiProperty({ nullable: true, type: Ci }) ci95: Ci | null;
  @ApiProperty({ nullable: true, enum: ['log', 'exact'] }) method: string | null;
  @ApiProperty() significant: boolean;
  @ApiProperty({ description: 'Count under 10' }) suppressed: boolean;
  @ApiProperty({ description: 'Count under 20' }) flagged: boolean;
}

class RatesResponse {
  @ApiProperty() query: Record<string, unknown>;
  @ApiProperty({ example: 'White' }) comparator: string;
  @ApiProperty({ type: [GroupFigures] }) groups: GroupFigures[];
  @ApiProperty({
    description:
      'Records with no stated ethnicity, and the ratio each group would have if all were theirs or all the comparator’s',
  })
  notStated: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Number }) total: number | null;
  @ApiProperty({ nullable: true }) populationSource: Record<string, unknown> | null;
  @ApiProperty({ enum: ['applied', 'flags only'] }) suppression: string;
}

class DisproportionalityFindingRequest {
  @ApiProperty({ example: 'Black people searched 4.8× as often as White people, Q2 2024' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;
  @ApiProperty({
    description:
      'The query the figures come from (as for GET /disproportionality); the figures are computed now and frozen',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => StatsQuery)
  query: StatsQuery;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(10000) narrative: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000) forceExplanation?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  actions?: string[];
}

class DisproportionalityFindingUpdateRequest {
  @ApiProperty() @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(10000) narrative?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10000) forceExplanation?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  actions?: string[];
  @ApiPropertyOptional({ enum: DISPROPORTIONALITY_FINDING_STATUSES })
  @IsOptional()
  @IsIn(DISPROPORTIONALITY_FINDING_STATUSES)
  status?: string;
}

class DisproportionalityFindingQuery {
  @ApiPropertyOptional({ enum: DISPROPORTIONALITY_FINDING_STATUSES })
  @IsOptional()
  @IsIn(DISPROPORTIONALITY_FINDING_STATUSES)
  status?: string;
  @ApiPropertyOptional({ example: '2024-Q2' })
  @IsOptional()
  @Matches(/^\d{4}-Q[1-4]$/, { message: 'quarter must be like 2024-Q2' })
  quarter?: string;
}

@ApiTags('disproportionality')
@Controller('disproportionality')
export class DisproportionalityController {
  constructor(private readonly stats: DisproportionalityService) {}

  @Get()
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary:
      'Rates per 1,000 by ethnicity and ratios to the comparator with 95% CIs (counts under 10 withheld for external panels and analysts)',
  })
  @ApiOkResponse({ type: RatesResponse })
  rates(@CurrentActor() actor: Actor, @Query() q: StatsQuery): Promise<RatesResponse> {
    return this.stats.rates(actor, q) as unknown as Promise<RatesResponse>;
  }

  @Get('outcomes')
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary: 'Find rates (outcome linked to the object) by ethnicity, Wilson intervals, ratios to the comparator',
    description: 'Stop searches only: another kind is refused (400).',
  })
  outcomes(@CurrentActor() actor: Actor, @Query() q: StatsQuery) {
    return this.stats.outcomes(actor, q);
  }

  @Get('trends')
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({ summary: 'Counts and rates per 1,000 by ethnicity, month by month (or quarter, year)' })
  trends(@CurrentActor() actor: Actor, @Query() q: TrendQuery) {
    return this.stats.trends(actor, q);
  }

  @Get('funnel')
  @Authorize(Permission.STATS_UNSUPPRESSED)
  @ApiOperation({
    summary:
      'Funnel plot of teams (or officers: professional standards only) against the force; not for external panels or analysts',
    description:
      'Stop searches only (kind stop-search or strip-search); honours basis and power. comparator does not apply (use group), and other kinds or a tactic are refused (400).',
  })
  funnel(@CurrentActor() actor: Actor, @Query() q: FunnelQuery) {
    return this.stats.funnel(actor, q);
  }

  @Get('findings')
  @Authorize(Permission.FINDINGS_WRITE)
  @ApiOperation({
    summary: `Recorded disproportionality findings, newest first, at most ${FINDINGS_LIST_LIMIT} (filters status, quarter)`,
    description: `{ items, total }: total counts every finding matching the filters, so a list cut at ${FINDINGS_LIST_LIMIT} says so.`,
  })
  listFindings(@Query() q: DisproportionalityFindingQuery) {
    return this.stats.listFindings(q);
  }

  @Get('findings/:id')
  @Authorize(Permission.FINDINGS_WRITE)
  @ApiOperation({ summary: 'One finding, with its frozen figures' })
  getFinding(@Param('id') id: string) {
    return this.stats.getFinding(id);
  }

  @Post('findings')
  @Authorize(Permission.FINDINGS_WRITE)
  @ApiOperation({
    summary:
      'Record a finding from a query: the figures are computed and frozen with the narrative, the force’s explanation and actions (audited)',
  })
  @ApiCreatedResponse({ description: 'The finding' })
  createFinding(@CurrentActor() actor: Actor, @Body() body: DisproportionalityFindingRequest) {
    return this.stats.createFinding(actor, body);
  }

  @Patch('findings/:id')
  @Authorize(Permission.FINDINGS_WRITE)
  @ApiOperation({
    summary: 'Review a finding: narrative, the force’s explanation, actions, status (optimistic locking; audited)',
  })
  updateFinding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: DisproportionalityFindingUpdateRequest,
  ) {
    return this.stats.updateFinding(actor, id, body);
  }
}
