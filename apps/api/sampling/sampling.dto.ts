import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate } from '@scrutiny/http';
import { MONTH } from '@scrutiny/core';
import { formRefs } from '@scrutiny/review';

const booleanQuery = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Paging of a list: the response says how many match in all (`total`). */
export class PageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, description: 'Items per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(200, { message: 'limit must be at most 200' })
  limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0, description: 'Items to skip' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0, { message: 'offset must not be negative' })
  offset?: number;
}

export class PlanRequest {
  @ApiProperty({ example: 'TEAM-A monthly' }) @IsString() @MinLength(1) @MaxLength(120) name: string;
  @ApiPropertyOptional({
    description:
      'The rules: kinds, sampleSize, strata (area, power, kind), rules [{ rule, enabled, max, params }], exclusions { alreadyReviewed, alreadySampled (records already in an issued sample; default true), noBwv }, teamQuota, areaFloor, reviewDueDays, teams. Missing parts take their defaults; every field is checked and named when wrong.',
    example: {
      kinds: ['stop_search'],
      sampleSize: 20,
      strata: ['area', 'power'],
      rules: [{ rule: 'under_18' }, { rule: 'taser', max: 5 }],
      areaFloor: 3,
      teams: ['TEAM-A'],
    },
  })
  @IsOptional()
  @IsObject()
  spec?: Record<string, unknown>;
}

export class PlanUpdateRequest {
  @ApiProperty({ description: 'The plan version you read: a stale one answers 409' }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(120) name?: string;
  @ApiPropertyOptional({
    description: 'New rules: saved as a new version (samples keep pointing at the version that drew them)',
  })
  @IsOptional()
  @IsObject()
  spec?: Record<string, unknown>;
}

export class PlanScheduleRequest {
  @ApiProperty({ description: 'true switches the monthly schedule on, false off (audited either way)' })
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled: boolean;
  @ApiPropertyOptional({
    example: '2024-05',
    description:
      'Switching on: the first month the schedule draws (an ended month within the last 12). Default: the month just ended. Every ended month from it with no sample from this plan is drawn, so months missed while no worker ran are caught up.',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;
}

class PlanScheduleResponse {
  @ApiProperty({ description: 'Whether the monthly schedule draws and issues this plan (off until switched on)' })
  enabled: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2024-05', description: 'The first month the schedule draws' })
  from: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) changedAt: string | null;
  @ApiProperty({ nullable: true, description: 'Who last switched it' }) changedBy: {
    id: string;
    username: string;
  } | null;
}

export class PlanResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: PlanScheduleResponse }) schedule: PlanScheduleResponse;
  @ApiProperty() isDefault: boolean;
  @ApiProperty({ description: 'Current version of the rules' }) version: number;
  @ApiProperty({ description: 'The rules, with every default filled in' }) spec: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) versionCreatedAt: string;
}

export class RuleResponse {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) kinds: string[];
  @ApiProperty({ description: 'Parameters with their defaults' }) defaults: Record<string, unknown>;
}

export class DrawRequest {
  @ApiProperty({ example: '2024-05', description: 'The Europe/London month to sample' })
  @Matches(MONTH, { message: 'period must be a month, YYYY-MM' })
  period: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the built-in default plan' })
  @IsOptional()
  @IsUUID()
  planId?: string;
  @ApiPropertyOptional({ description: 'Default: a random seed, stored with the sample' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  seed?: string;
}

export class PlanPageResponse {
  @ApiProperty({ type: [PlanResponse] }) items: PlanResponse[];
  @ApiProperty({ description: 'How many plans there are in all (not just on this page)' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

const SAMPLE_VERSION =
  'The sample’s `version` as you last read it (from the draw, a redraw or GET /dip-samples/:id). Optimistic locking: if the sample changed since (a redraw, an issue), the request is refused with 409 VERSION_CONFLICT and `currentVersion`; reload and try again.';

export class RedrawRequest {
  @ApiProperty({ example: 1, description: SAMPLE_VERSION }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional({ description: 'Default: a new random seed' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  seed?: string;
}

export class IssueRequest {
  @ApiProperty({ example: 1, description: SAMPLE_VERSION })
  @IsInt({ message: 'version must be a whole number' })
  @Min(1, { message: 'version must be at least 1' })
  version: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'An active supervisor to review the items nobody else can (no supervisor leads the record’s team and its officer has none). Without it, such items make the issue fail (422) with each item named.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'assignTo must be a user id (uuid)' })
  assignTo?: string;
}

export class SampleQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2024-05' })
  @IsOptional()
  @Matches(MONTH, { message: 'period must be a month, YYYY-MM' })
  period?: string;
  @ApiPropertyOptional({ enum: ['draft', 'issued'] }) @IsOptional() @IsIn(['draft', 'issued']) status?: string;
}

class SampleReviewSummary {
  @ApiProperty({ nullable: true }) assignedTo: { id: string; username: string } | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) dueOn: string | null;
  @ApiProperty({ enum: ['assigned', 'in_progress', 'completed'] }) status: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt: string | null;
  @ApiProperty() version: number;
}

export class SampleItemResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() position: number;
  @ApiProperty({ enum: ['stop_search', 'vehicle_stop', 'use_of_force'] }) recordKind: string;
  @ApiProperty({ format: 'uuid' }) recordId: string;
  @ApiProperty({ example: 'random', description: '"random", or the targeted rule that selected it' }) reason: string;
  @ApiProperty({ type: [String] }) matchedRules: string[];
  @ApiProperty({ example: 'area=E07000117|power=pace_s1' }) stratum: string;
  @ApiProperty() stratumSize: number;
  @ApiProperty({ example: 0.125 }) inclusionProbability: number;
  @ApiProperty({ nullable: true, type: SampleReviewSummary }) review: SampleReviewSummary | null;
  @ApiProperty({
    enum: ['none', 'pending', 'held', 'at_risk', 'lost'],
    description: 'The state of the record’s footage',
  })
  footage: string;
}

class ExcludedCounts {
  @ApiProperty({ description: 'Already reviewed in an earlier sample' }) alreadyReviewed: number;
  @ApiProperty({ description: 'Already in an issued sample' }) alreadySampled: number;
  @ApiProperty({ description: 'Without BWV footage (when the plan excludes them)' }) noBwv: number;
}

class EligibilityResponse {
  @ApiProperty({ description: 'Records of the plan’s kinds in the month, whoever’s' }) inMonth: number;
  @ApiProperty({ description: 'Of those, in the population’s teams or areas' }) inScope: number;
  @ApiProperty({ type: ExcludedCounts, description: 'In scope but excluded, by the first exclusion that applies' })
  excluded: ExcludedCounts;
  @ApiProperty() eligible: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '12 record(s) in 2024-05, none in your teams (TEAM-A): eligible 0',
    description: 'Why the sample has no items; null when it has some',
  })
  reason: string | null;
}

export class SampleResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() plan: { id: string; name: string; version: number };
  @ApiProperty({ example: '2024-05', description: 'Europe/London month' }) period: string;
  @ApiProperty() seed: string;
  @ApiProperty() algorithmVersion: string;
  @ApiProperty({ type: [String], description: 'Teams whose records made the population (empty, with no areas: all)' })
  teams: string[];
  @ApiProperty({
    type: [String],
    description: 'Areas (each with every area beneath it) whose records also made the population',
  })
  areas: string[];
  @ApiProperty() eligibleCount: number;
  @ApiProperty({
    nullable: true,
    type: EligibilityResponse,
    description: 'Why the population is what it is; null for samples drawn before this was kept',
  })
  eligibility: EligibilityResponse | null;
  @ApiProperty({ description: 'Items in the whole sample (you may see fewer in `items` if you only review some)' })
  itemCount: number;
  @ApiProperty({ description: 'SHA-256 of the sorted eligible ids' }) populationFingerprint: string;
  @ApiProperty({ enum: ['draft', 'issued'] }) status: string;
  @ApiProperty() scheduled: boolean;
  @ApiProperty({ format: 'date-time' }) drawnAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) issuedAt: string | null;
  @ApiProperty() allocation: { stratum: string; population: number; sampled: number }[];
  @ApiProperty({ description: 'Optimistic lock: send it back to redraw or issue' }) version: number;
  @ApiProperty({ type: [SampleItemResponse] }) items: SampleItemResponse[];
}

export class SampleHeaderResponse extends OmitType(SampleResponse, ['items'] as const) {}

export class SamplePageResponse {
  @ApiProperty({ type: [SampleHeaderResponse] }) items: SampleHeaderResponse[];
  @ApiProperty({ description: 'How many samples you can see match in all (not just on this page)' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class VerifyResponse {
  @ApiProperty() verified: boolean;
  @ApiProperty({ format: 'uuid' }) sampleId: string;
  @ApiProperty() algorithmVersion: string;
  /** `now` is null when the sample was drawn by another algorithm version (nothing is recomputed). */
  @ApiProperty() eligibleCount: { stored: number; now: number | null };
  @ApiProperty() populationFingerprint: { stored: string; now: string | null };
  @ApiProperty() missingItems: { recordKind: string; recordId: string; reason: string }[];
  @ApiProperty() unexpectedItems: { recordKind: string; recordId: string; reason: string }[];
  @ApiProperty({ type: [String] }) differences: string[];
}

class UncoveredStratumResponse {
  @ApiProperty({ example: 'area=E09000033|power=cjpoa_s60' }) stratum: string;
  @ApiProperty({ description: 'Eligible records in the stratum' }) records: number;
  @ApiProperty({
    enum: ['no_item_drawn', 'no_completed_review'],
    description:
      'no_item_drawn: the sample size was smaller than the number of strata (or a team quota was spent), so the stratum got no item; no_completed_review: its items are not reviewed yet',
  })
  reason: string;
}

class PopulationCoverageResponse {
  @ApiProperty({
    description: 'The population the estimates speak for, in words, with the strata and records left out',
    example:
      'the records of 2018-03 that no targeted rule selected: 1157 records in 3 strata, less 1 stratum (217 records) with no item drawn: the estimates speak for the other 940 records only',
  })
  description: string;
  @ApiProperty({ description: 'Records of the population' }) records: number;
  @ApiProperty({ description: 'Non-empty strata of the population' }) strata: number;
  @ApiProperty({ description: 'Records in strata with at least one completed review: what the estimates cover' })
  coveredRecords: number;
  @ApiProperty({ type: [UncoveredStratumResponse], description: 'Strata the estimates do not cover' })
  notCovered: UncoveredStratumResponse[];
}

export class ProportionEstimateResponse {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Estimated share of the covered population (null: no reviews)',
  })
  estimate: number | null;
  @ApiProperty({
    nullable: true,
    type: [Number],
    minItems: 2,
    maxItems: 2,
    description: '95% interval [lower, upper]; zero width only for a census of the covered strata',
  })
  ci95: [number, number] | null;
  @ApiProperty({
    nullable: true,
    enum: ['korn_graubard', 'census'],
    description:
      'korn_graubard: Clopper–Pearson on the effective sample size (an exact bound even when the estimate is 0 or 1); census: every record of the covered strata reviewed',
  })
  method: string | null;
  @ApiProperty({ description: 'Completed reviews used' }) reviewed: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'p(1 − p) ÷ Var(p), at most the number reviewed: the interval is as wide as for this many reviews',
  })
  effectiveSampleSize: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Var(p) against a simple random sample of the same size' })
  designEffect: number | null;
  @ApiProperty({ description: 'Records in strata with at least one completed review' }) populationCovered: number;
  @ApiProperty({ description: 'Records of the population the estimate is of' }) populationTotal: number;
}

class EstimatePartResponse {
  @ApiProperty({ type: PopulationCoverageResponse }) population: PopulationCoverageResponse;
  @ApiProperty({ description: 'Which items the estimate uses and how, in words' }) method: string;
  @ApiProperty({ description: 'Items of the sample the estimate uses' }) items: number;
  @ApiProperty({ description: 'Of those, items with a completed review' }) reviewed: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ProportionEstimateResponse) },
    description:
      'By indicator: grounds_not_reasonable, grounds_insufficient_information, bwv_not_activated_before_contact, bwv_not_available, gowisely_incomplete, rated_red, referred_to_professional_standards',
  })
  indicators: Record<string, ProportionEstimateResponse>;
}

@ApiExtraModels(ProportionEstimateResponse)
export class EstimatesResponse {
  @ApiProperty({ format: 'uuid' }) sampleId: string;
  @ApiProperty() period: string;
  @ApiProperty({
    type: EstimatePartResponse,
    description:
      'The random part alone: speaks for the month’s records that no targeted rule selected, from the random items (each weighted by 1 ÷ its inclusion probability)',
  })
  random: EstimatePartResponse;
  @ApiProperty({
    type: EstimatePartResponse,
    description:
      'Month-wide: speaks for every eligible record of the month, from the random and the targeted items (given the targeted selection, a targeted item stands for itself)',
  })
  monthWide: EstimatePartResponse;
  @ApiProperty({ description: 'Targeted part by rule: { items, reviewed, indicators: counts among reviewed items }' })
  targeted: Record<string, unknown>;
}

export class AssignmentRequest {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    description:
      'A supervisor who is not the record’s officer (the drawer, professional standards, admins); null: the assignee hands the review back, unassigned',
  })
  @ValidateIf((o: AssignmentRequest) => o.assignedTo !== null)
  @IsUUID('all', { message: 'assignedTo must be a user id (uuid), or null to hand the review back' })
  assignedTo: string | null;
  @ApiPropertyOptional({ format: 'date', example: '2024-06-20' })
  @IsOptional()
  @IsCalendarDate({ message: 'dueOn must be a date, YYYY-MM-DD' })
  dueOn?: string;
}

export class ReviewRequest {
  @ApiProperty({ description: 'The review version you read: a stale one answers 409' })
  @IsInt()
  @Min(1)
  version: number;
  @ApiProperty({
    description:
      'The review form of the record’s kind (domain §4; `GET /api/v1/review-forms/{kind}`): complete to submit, a draft (any question left out) to save',
    anyOf: formRefs('review', true),
  })
  @IsObject()
  form: Record<string, unknown>;
  @ApiPropertyOptional({
    default: false,
    description: 'true completes the review (every question answered); it then no longer changes',
  })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;
}

export class ReviewResponse {
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty({ format: 'uuid' }) sampleId: string;
  @ApiProperty() period: string;
  @ApiProperty() recordKind: string;
  @ApiProperty({ format: 'uuid' }) recordId: string;
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true }) assignedTo: { id: string; username: string } | null;
  @ApiProperty({ nullable: true, type: String }) dueOn: string | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ enum: ['assigned', 'in_progress', 'completed'] }) status: string;
  @ApiProperty({
    nullable: true,
    description: 'The form as saved (a draft until completed)',
    anyOf: formRefs('review', true),
  })
  form: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
  @ApiProperty() version: number;
}

export class ReviewPageResponse {
  @ApiProperty({ type: [ReviewResponse] }) items: ReviewResponse[];
  @ApiProperty({ description: 'How many reviews match in all (not just on this page)' }) total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class UnassignedReviewQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this sample’s' })
  @IsOptional()
  @IsUUID('all', { message: 'sampleId must be a sample id (uuid)' })
  sampleId?: string;
}

export class BulkAssignmentRequest {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Sample item ids (1 to 500), from any samples you can see',
  })
  @IsArray({ message: 'itemIds must be a list of sample item ids' })
  @ArrayMinSize(1, { message: 'itemIds must list at least one item' })
  @ArrayMaxSize(500, { message: 'itemIds must list at most 500 items' })
  @IsUUID('all', { each: true, message: 'itemIds must hold sample item ids (uuids)' })
  itemIds: string[];
  @ApiProperty({ format: 'uuid', description: 'An active supervisor who is the officer of none of the records' })
  @IsUUID('all', { message: 'assignedTo must be a user id (uuid)' })
  assignedTo: string;
  @ApiPropertyOptional({ format: 'date', example: '2024-06-20' })
  @IsOptional()
  @IsCalendarDate({ message: 'dueOn must be a date, YYYY-MM-DD' })
  dueOn?: string;
}

export class ReviewQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only reviews past their due date' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
  @ApiPropertyOptional({ description: 'Everyone’s reviews (professional standards and admins); otherwise your own' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;
  @ApiPropertyOptional({ example: '2024-05', description: 'Only reviews of the samples of this month (YYYY-MM)' })
  @IsOptional()
  @Matches(MONTH, { message: 'period must be a month, YYYY-MM' })
  period?: string;
  @ApiPropertyOptional({
    example: 'T1',
    description:
      'Only reviews of records of this team (the record’s team code). A team outside a supervisor’s teams matches nothing',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'team must be a code of letters, digits, "_" or "-"' })
  team?: string;
}

export class HoldQuery {
  @ApiPropertyOptional({
    enum: ['pending', 'confirmed', 'lost'],
    description: 'pending: the feed for the evidence system',
  })
  @IsOptional()
  @IsIn(['pending', 'confirmed', 'lost'])
  status?: string;
  @ApiPropertyOptional({ description: 'Only pending holds on clips expiring within BWV_HOLD_WARNING_DAYS' })
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'atRisk must be true or false' })
  atRisk?: boolean;
}

export class HoldResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'lost'] }) status: string;
  @ApiProperty({ format: 'uuid' }) sampleId: string;
  @ApiProperty() period: string;
  @ApiProperty() clip: { id: string; reference: string; forceCode: string; status: string; retentionExpiresAt: string };
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ nullable: true, type: String }) confirmedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) warnedAt: string | null;
  @ApiProperty() atRisk: boolean;
}

export class NotificationQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(booleanQuery)
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'review_assigned' }) kind: string;
  @ApiProperty() message: string;
  @ApiProperty() link: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String }) readAt: string | null;
}
