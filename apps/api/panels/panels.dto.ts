import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '@scrutiny/http';
import { CASE_KINDS } from '@scrutiny/auth';
import { ACTION_KINDS, ACTION_STATUSES, SESSION_STATUSES } from '@scrutiny/panels';
import { FINDING_OUTCOMES, formRefs } from '@scrutiny/review';

export class PanelRequest {
  @ApiProperty({ example: 'Lancashire Independent Scrutiny Panel' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
  @ApiProperty({ enum: ['internal', 'external'] }) @IsIn(['internal', 'external']) kind: 'internal' | 'external';
  @ApiProperty({ enum: CASE_KINDS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(CASE_KINDS, { each: true })
  remit: string[];
  @ApiPropertyOptional({ default: false, description: 'May members read the officer’s free-text grounds?' })
  @IsOptional()
  @IsBoolean()
  showGrounds?: boolean;
  @ApiPropertyOptional({ default: true, description: 'BWV opens redacted for members' })
  @IsOptional()
  @IsBoolean()
  bwvRedacted?: boolean;
  @ApiPropertyOptional({ default: 3, description: 'Members present (chair included) needed to close a session' })
  @IsOptional()
  @IsInt()
  @Min(1)
  quorum?: number;
}

export class PanelUpdateRequest {
  @ApiProperty() @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: CASE_KINDS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(CASE_KINDS, { each: true })
  remit?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showGrounds?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() bwvRedacted?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) quorum?: number;
}

export class MemberRequest {
  @ApiProperty({ enum: ['chair', 'member'] }) @IsIn(['chair', 'member']) role: 'chair' | 'member';
  @ApiProperty({ format: 'date' })
  @IsCalendarDate({ message: 'termStart must be a date, YYYY-MM-DD' })
  termStart: string;
  @ApiPropertyOptional({ format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate({ message: 'termEnd must be a date, YYYY-MM-DD' })
  termEnd?: string | null;
  @ApiPropertyOptional({ format: 'date', nullable: true, description: 'Without it the member cannot open cases' })
  @IsOptional()
  @IsCalendarDate({ message: 'vettedOn must be a date, YYYY-MM-DD' })
  vettedOn?: string | null;
  @ApiPropertyOptional({
    format: 'date',
    nullable: true,
    description: 'Signed confidentiality agreement; without it the member cannot open cases',
  })
  @IsOptional()
  @IsCalendarDate({ message: 'confidentialitySignedOn must be a date, YYYY-MM-DD' })
  confidentialitySignedOn?: string | null;
}

export class PanelResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['internal', 'external'] }) kind: string;
  @ApiProperty({ type: [String] }) remit: string[];
  @ApiProperty() showGrounds: boolean;
  @ApiProperty() bwvRedacted: boolean;
  @ApiProperty() quorum: number;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'userId, username, role, termStart, termEnd, vettedOn, confidentialitySignedOn, active' })
  members: object[];
}

export class SessionRequest {
  @ApiProperty({ example: '2024-06-20T18:30:00+01:00' }) @IsString() scheduledAt: string;
  @ApiPropertyOptional({ example: 'Preston police HQ, room 2' }) @IsOptional() @IsString() @MaxLength(200) venue?:
    string | null;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() online?: boolean;
}

export class SessionUpdateRequest {
  @ApiProperty() @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() scheduledAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) venue?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() online?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) minutes?: string | null;
}

export class SessionQuery {
  @ApiPropertyOptional({ enum: SESSION_STATUSES }) @IsOptional() @IsIn(SESSION_STATUSES) status?: string;
}

class CaseRef {
  @ApiProperty({ enum: CASE_KINDS }) @IsIn(CASE_KINDS) kind: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() id: string;
}

export class AgendaRequest {
  @ApiPropertyOptional({
    type: [CaseRef],
    description:
      'Chosen records; the chair chooses from issued dip samples (GET …/agenda/candidates), professional standards any record',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CaseRef)
  cases?: CaseRef[];
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Or every item of an issued dip sample within the panel’s remit',
  })
  @IsOptional()
  @IsUUID()
  dipSampleId?: string;
}

class AttendanceEntry {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId: string;
  @ApiProperty() @IsBoolean() present: boolean;
}

export class AttendanceRequest {
  @ApiProperty({ type: [AttendanceEntry] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AttendanceEntry)
  entries: AttendanceEntry[];
}

export class TransitionRequest {
  @ApiProperty({ enum: SESSION_STATUSES, description: 'planned → open → closed → published; planned → cancelled' })
  @IsIn(SESSION_STATUSES)
  status: string;
  @ApiProperty() @IsInt() @Min(1) version: number;
}

export class ConflictRequest {
  @ApiProperty({ example: 'I know the family of the person searched' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

class ConflictEntry {
  @ApiProperty({ format: 'uuid' }) agendaItemId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() username: string;
}

export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() panel: { id: string; name: string; kind: string; quorum: number };
  @ApiProperty({ format: 'date-time' }) scheduledAt: string;
  @ApiProperty({ nullable: true, type: String }) venue: string | null;
  @ApiProperty() online: boolean;
  @ApiProperty({ enum: SESSION_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) openedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) minutes: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ enum: ['chair', 'member', 'manager'] }) yourRole: string;
  @ApiProperty({
    description:
      "For an external panel's member: the agenda's caseId values are opaque per-panel ids, accepted back by the case, BWV and agenda routes",
  })
  pseudonymised: boolean;
  @ApiProperty() attendance: { userId: string; username: string; present: boolean }[];
  @ApiProperty({
    description:
      'id, position, caseKind, caseId, dipSampleItemId, ratingsRevealed, ratingsSubmitted, finding. A case you declared a conflict with is not listed',
  })
  agenda: object[];
  @ApiProperty({
    type: [ConflictEntry],
    description:
      'Who declared a conflict with which agenda item (never the reason): for the chair and professional standards; empty for members',
  })
  conflicts: ConflictEntry[];
}

export class AgendaCandidateQuery {
  @ApiPropertyOptional({ example: '2024-05', description: 'Only this sampled month (YYYY-MM)' })
  @IsOptional()
  @IsString()
  period?: string;
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only cases whose supervisor review is completed',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  reviewed?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this issued dip sample' })
  @IsOptional()
  @IsUUID()
  dipSampleId?: string;
}

class CandidateReview {
  @ApiProperty({ enum: ['assigned', 'in_progress', 'completed'] }) status: string;
  @ApiProperty({ nullable: true, type: String, description: 'Once completed: green, amber or red' }) rag: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Once completed: the review’s outcome' }) outcome:
    string | null;
  @ApiProperty({ type: [String], description: 'Once completed: theme codes' }) themes: string[];
}

export class AgendaCandidateResponse {
  @ApiProperty({ enum: CASE_KINDS }) caseKind: string;
  @ApiProperty({ format: 'uuid', description: 'Send as cases[].id to POST …/agenda' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) dipSampleId: string;
  @ApiProperty({ format: 'uuid' }) dipSampleItemId: string;
  @ApiProperty({ example: '2024-05', description: 'The sampled month' }) period: string;
  @ApiProperty({ example: 'random', description: '"random", or the targeted rule that selected it' }) reason: string;
  @ApiProperty({ type: [String], description: 'Every targeted rule the record matched' }) matchedRules: string[];
  @ApiProperty({
    type: CandidateReview,
    nullable: true,
    description: 'The supervisor’s review of the sampled record (null: none yet)',
  })
  review: CandidateReview | null;
  @ApiProperty({ description: 'Already on this session’s agenda' }) onAgenda: boolean;
  @ApiProperty({ description: 'Other sessions of this panel that have had it on their agenda' })
  earlierSessions: number;
}

export class RatingRequest {
  @ApiProperty({
    description:
      'The review form of the case’s kind (domain §4; `GET /api/v1/review-forms/{kind}`): complete to submit, a draft (any question left out) to save',
    anyOf: formRefs('review', true),
  })
  @IsObject()
  form: Record<string, unknown>;
  @ApiPropertyOptional({
    default: false,
    description:
      'true submits it (every question answered): final, and it unlocks the others’ submitted ratings for you',
  })
  @IsOptional()
  @IsBoolean()
  submit?: boolean;
  @ApiPropertyOptional({ description: 'Required after the first save: the version you read' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class RatingResponse {
  @ApiProperty({ example: 'Member 2' }) rater: string;
  @ApiProperty() mine: boolean;
  @ApiProperty({ enum: ['draft', 'submitted'] }) status: string;
  @ApiProperty({ description: 'The rating as saved (a draft until submitted)', anyOf: formRefs('review', true) })
  form: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) submittedAt: string | null;
  @ApiProperty() version: number;
}

class ConfidenceInterval {
  @ApiProperty({ example: 0.41 }) lower: number;
  @ApiProperty({ example: 0.93 }) upper: number;
}

export class AgreementCriterion {
  @ApiProperty({ example: 'assessment.rag', description: 'The form field (dotted path)' }) criterion: string;
  @ApiProperty({
    enum: ['nominal', 'ordinal', 'interval'],
    description:
      'Level of measurement, which chooses the difference metric: nominal (any disagreement weighs the same), ordinal (Krippendorff’s ordinal metric: ranks spaced by how often each answer was used), interval',
  })
  level: string;
  @ApiProperty({
    type: [String],
    example: ['green', 'amber', 'red'],
    description:
      'The answers on the scale (in order for ordinal ones). cannot_tell, not_applicable, unknown and insufficient_information count as no rating',
  })
  scale: string[];
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 0.708,
    description:
      'Krippendorff’s alpha: 1 perfect agreement (also when every paired rating is the same), 0 what chance gives, below 0 systematic disagreement; null when too few ratings pair (see reason)',
  })
  alpha: number | null;
  @ApiProperty({
    type: ConfidenceInterval,
    nullable: true,
    description:
      'Bootstrap 95% interval: percentiles of alpha over 1,000 resamples of the pairable cases with replacement, seeded by session and criterion (the same ratings always give the same interval); null with alpha',
  })
  ci95: ConfidenceInterval | null;
  @ApiProperty({ description: 'Cases with two or more submitted ratings on the scale' }) pairableCases: number;
  @ApiProperty({ description: 'Ratings on the scale in those cases' }) pairableValues: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'too few ratings to pair: 1 case(s) rated on this scale by two or more members, at least 2 needed',
    description: 'Why alpha is null; null when it is given',
  })
  reason: string | null;
}

export class AgreementResponse {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ description: 'Submitted ratings in the session' }) ratings: number;
  @ApiProperty({
    type: [AgreementCriterion],
    description: 'Per form criterion, in the form’s order: its scale, alpha with its interval, or why there is none',
  })
  criteria: AgreementCriterion[];
}

export class FindingRequest {
  @ApiProperty({
    description: `The review form of the case’s kind, complete, with the panel’s outcomes: ${FINDING_OUTCOMES.join(', ')}`,
    anyOf: formRefs('finding', false),
  })
  @IsObject()
  form: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Required when revising: the finding’s rowVersion you read' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CorrectionRequest {
  @ApiProperty({ description: 'The corrected finding, complete', anyOf: formRefs('finding', false) })
  @IsObject()
  form: Record<string, unknown>;
  @ApiProperty({ example: 'The outcome was recorded against the wrong case' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class FindingResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) agendaItemId: string;
  @ApiProperty({ description: 'Finding version: 1, then one more per correction' }) version: number;
  @ApiProperty({ enum: ['draft', 'final'] }) status: string;
  @ApiProperty({ anyOf: formRefs('finding', false) }) form: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) supersedes: string | null;
  @ApiProperty({ nullable: true, type: String }) correctionReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ description: 'For optimistic locking of a draft' }) rowVersion: number;
}

export class ActionRequest {
  @ApiProperty({ enum: ACTION_KINDS }) @IsIn(ACTION_KINDS) kind: string;
  @ApiProperty({ example: 'Brief the team on recording self-defined ethnicity' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  description: string;
  @ApiProperty({ example: 'Inspector, Burnley NPT' }) @IsString() @MinLength(1) @MaxLength(200) owner: string;
  @ApiProperty({ format: 'date' }) @IsCalendarDate({ message: 'dueOn must be a date, YYYY-MM-DD' }) dueOn: string;
}

export class ActionUpdateRequest {
  @ApiProperty() @IsInt() @Min(1) version: number;
  @ApiPropertyOptional({ enum: ACTION_STATUSES }) @IsOptional() @IsIn(ACTION_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'The force’s response ("we did")' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  response?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) owner?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsCalendarDate({ message: 'dueOn must be a date, YYYY-MM-DD' })
  dueOn?: string;
}

export class ActionQuery {
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) overdue?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() sessionId?: string;
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ActionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The panel finding that raised it (null: a quarterly themes review)',
  })
  findingId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) sessionId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The agenda item (case in its session) whose finding raised it; unchanged when the finding is corrected',
  })
  agendaItemId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2024-Q2',
    description: 'The quarterly themes review that raised it',
  })
  meetingQuarter: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The complaint whose outcome raised it (complaints register)',
  })
  complaintId?: string | null;
  @ApiProperty({ enum: ACTION_KINDS }) kind: string;
  @ApiProperty() description: string;
  @ApiProperty() owner: string;
  @ApiProperty({
    format: 'date',
    description: 'The day the action was raised (its Europe/London date of creation), not the day of its session',
  })
  raisedOn: string;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ enum: ACTION_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) response: string | null;
  @ApiProperty({ nullable: true, type: String }) respondedAt: string | null;
  @ApiProperty() version: number;
}

export class ReportResponse {
  @ApiProperty() session: object;
  @ApiProperty({
    description:
      'Per case: position, case (pseudonymised for external panels), finding (latest version), actions with the force’s responses',
  })
  items: object[];
}

export class PanelListResponse {
  @ApiProperty({ type: [PanelResponse] }) items: PanelResponse[];
  @ApiProperty({ description: 'How many panels you may see (the list is not capped)' }) total: number;
}

export class SessionListResponse {
  @ApiProperty({
    type: [SessionResponse],
    description: 'Without agenda, attendance, conflicts and pseudonymised (GET one session for those)',
  })
  items: Omit<SessionResponse, 'agenda' | 'attendance' | 'conflicts' | 'pseudonymised'>[];
  @ApiProperty({ description: 'Sessions matching the filters; more than items when the list is cut at the newest 200' })
  total: number;
}

export class ActionListResponse {
  @ApiProperty({ type: [ActionResponse] }) items: ActionResponse[];
  @ApiProperty({ description: 'Actions matching the filters, on every page' }) total: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor: string | null;
}
