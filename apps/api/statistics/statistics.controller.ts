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
  DISCLOSURE_RULE,
  DisclosedStatisticsService,
  DisproportionalityService,
  FINDINGS_LIST_LIMIT,
  STAT_BY,
  STAT_GROUPS,
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
  @ApiPropertyOptional({
    enum: STAT_BY,
    default: 'ethnicity',
    description: 'The protected characteristic: ethnicity, sex, age, or (use of force, perceived) disability',
  })
  @IsOptional()
  @IsIn(STAT_BY)
  by?: string;
  @ApiPropertyOptional({
    enum: STAT_GROUPS,
    description:
      'The group each is compared with; default white (ethnicity), male (sex), over-34 (age; use of force 35-49), not_disabled (disability). Must be a group of the breakdown asked for',
  })
  @IsOptional()
  @IsIn(STAT_GROUPS)
  comparator?: string;
  @ApiPropertyOptional({
    example: '2021',
    description: 'Census year of the population base; default the census nearest the period (the response says which)',
  })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'census must be a census year, e.g. 2011 or 2021' })
  census?: string;
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

class IntervalDescription {
  @ApiProperty({ enum: ['exact_conditional_binomial', 'log_normal', 'wilson_score', 'katz_log'] }) method: string;
  @ApiProperty({ example: 0.95 }) level: number;
}

class Coverage {
  @ApiProperty({ nullable: true, type: Number, description: 'Records in which the field was recorded (yes or no)' })
  recorded: number | null;
  @ApiProperty({ nullable: true, type: Number }) total: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'recorded / total' }) proportion: number | null;
}

class DisclosureStatement {
  @ApiProperty({
    enum: [DISCLOSURE_RULE],
    description:
      'Counts under 10 withheld (null, suppressed: true, with the reason); other counts rounded down to a multiple of 5 (45 stands for 45 to 49); rates and ratios from the middle of each band, intervals the widest the bands allow',
  })
  rule: string;
  @ApiProperty({ description: 'false for those with stats:unsuppressed, who see true counts' }) applied: boolean;
}

class GroupFigures {
  @ApiProperty({ enum: STAT_GROUPS }) group: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'null when suppressed (under 10, for those outside the force), or unknown (no records of the force placed below force level)',
  })
  count: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'null when there is no population for the group (see reason)',
  })
  population: number | null;
  @ApiProperty({ nullable: true, type: Number }) ratePer1000: number | null;
  @ApiProperty({ nullable: true, type: Number }) rateRatio: number | null;
  @ApiProperty({ nullable: true, type: Ci }) ci95: Ci | null;
  @ApiProperty({ nullable: true, enum: ['log', 'exact'] }) method: string | null;
  @ApiProperty({
    nullable: true,
    type: IntervalDescription,
    description: 'How ci95 was computed: exact (conditional binomial) when either count is under 20, else log-normal',
  })
  interval: IntervalDescription | null;
  @ApiProperty() significant: boolean;
  @ApiProperty({ description: 'Count under 10' }) suppressed: boolean;
  @ApiProperty({ description: 'Count under 20' }) flagged: boolean;
  @ApiProperty({
    nullable: true,
    type: Coverage,
    description: 'Strip searches: of the group’s searches, how many recorded whether clothing was removed',
  })
  coverage: Coverage | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why a rate or ratio is null (other than withholding)' })
  reason: string | null;
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
  @ApiProperty({ description: 'Recorded groups with no census population (e.g. sex recorded as other), with counts' })
  unbenchmarked: Record<string, unknown>[];
  @ApiProperty({ nullable: true, type: Number }) total: number | null;
  @ApiProperty({
    description:
      'The population the rates use: characteristic, area, census (requested or nearest the period), source; available false with the reason when there is none (then no rate)',
  })
  populationSource: Record<string, unknown>;
  @ApiProperty({
    description:
      'What each group is compared with (on the officer basis: the officer’s perception against census self-identification)',
  })
  comparison: Record<string, unknown>;
  @ApiProperty({ nullable: true, description: 'Strip searches: coverage of the clothing field over all the records' })
  coverage: Record<string, unknown> | null;
  @ApiProperty({
    nullable: true,
    description:
      'District or local authority: the force’s records in the period, how many are placed below force level and how many are not',
  })
  placement: Record<string, unknown> | null;
  @ApiProperty({ type: DisclosureStatement }) disclosure: DisclosureStatement;
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
  constructor(
    private readonly stats: DisproportionalityService,
    private readonly shown: DisclosedStatisticsService,
  ) {}

  @Get()
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary:
      'Rates per 1,000 by ethnicity, sex, age or disability and ratios to the comparator with 95% CIs (counts under 10 withheld for external panels and analysts)',
  })
  @ApiOkResponse({ type: RatesResponse })
  rates(@CurrentActor() actor: Actor, @Query() q: StatsQuery): Promise<RatesResponse> {
    return this.shown.rates(actor, q) as unknown as Promise<RatesResponse>;
  }

  @Get('outcomes')
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary:
      'Find, positive-outcome, arrest and strip-search rates by group, each over the searches that recorded its field, with coverage, Wilson intervals and ratios to the comparator',
    description:
      'Stop searches only: another kind is refused (400). A rate whose field is recorded in under half the group’s searches is null with the reason (a blank is unknown, never "no").',
  })
  outcomes(@CurrentActor() actor: Actor, @Query() q: StatsQuery) {
    return this.shown.outcomes(actor, q);
  }

  @Get('trends')
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary:
      'Counts and rates per 1,000 by group (by=ethnicity, sex, age, disability), month by month (or quarter, year)',
  })
  trends(@CurrentActor() actor: Actor, @Query() q: TrendQuery) {
    return this.shown.trends(actor, q);
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
  @Authorize(Permission.FINDINGS_RECORD)
  @ApiOperation({
    summary: `Recorded disproportionality findings, newest first, at most ${FINDINGS_LIST_LIMIT} (filters status, quarter)`,
    description: `{ items, total }: total counts every finding matching the filters, so a list cut at ${FINDINGS_LIST_LIMIT} says so.`,
  })
  listFindings(@CurrentActor() actor: Actor, @Query() q: DisproportionalityFindingQuery) {
    return this.stats.listFindings(actor, q);
  }

  @Get('findings/:id')
  @Authorize(Permission.FINDINGS_RECORD)
  @ApiOperation({
    summary: 'One finding, with its frozen figures (through the disclosure rule for those without stats:unsuppressed)',
  })
  getFinding(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.stats.getFinding(actor, id);
  }

  @Post('findings')
  @Authorize(Permission.FINDINGS_RECORD)
  @ApiOperation({
    summary:
      'Record a finding from a query: the figures are computed and frozen with the narrative, the force’s explanation and actions (audited); an analyst’s are frozen as the analyst sees them (disclosure rule)',
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
