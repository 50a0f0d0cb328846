import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

const CODE = /^[a-z][a-z0-9_]{0,63}$/;

export class ThemeResponse {
  @ApiProperty({ example: 'gowisely_station' }) code: string;
  @ApiProperty({ example: 'S: station not given' }) label: string;
  @ApiProperty({ nullable: true, type: String, example: 'gowisely' }) parentCode: string | null;
  @ApiProperty() position: number;
  @ApiProperty() retired: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) retiredAt: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Review forms, panel ratings and findings that tag it; null for those who neither manage nor read the themes review',
  })
  uses: number | null;
}

export class ThemeListQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include retired themes (default false)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeRetired?: string;
}

export class ThemeCreateRequest {
  @ApiProperty({
    example: 'stop_duration',
    description: 'Stable code: lower-case letters, digits and _, starting with a letter; never reused',
  })
  @Matches(CODE, { message: 'code must be lower-case letters, digits and _, starting with a letter (at most 64)' })
  code: string;
  @ApiProperty({ example: 'Length of the stop' }) @IsString() @MinLength(1) @MaxLength(200) label: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'conduct' })
  @IsOptional()
  @Matches(CODE, { message: 'parentCode must be a theme code' })
  parentCode?: string | null;
  @ApiPropertyOptional({ description: 'Order among its siblings (default: last)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  position?: number;
}

export class ThemeUpdateRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) label?: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Move it under another theme (null: to the top level)',
  })
  @IsOptional()
  @Matches(CODE, { message: 'parentCode must be a theme code' })
  parentCode?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) position?: number;
  @ApiPropertyOptional({
    description: 'true retires it (no new tags; past ones still count), false reinstates it. Themes are never deleted.',
  })
  @IsOptional()
  @IsBoolean()
  retired?: boolean;
}

export class QuarterQuery {
  @ApiPropertyOptional({
    example: 'lancashire',
    description:
      'Limit to one police force area (police.uk id or ONS code); default all, with key ratios for the busiest force',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  force?: string;
}

export class MeetingRequest {
  @ApiProperty({
    type: [String],
    example: ['Det Supt (chair), Professional Standards', 'Chair, Independent Scrutiny Panel'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  attendees: string[];
  @ApiProperty({ example: 'TEAM-B briefing on GOWISELY; PC-7001 referred for a development plan' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  decisions: string;
  @ApiPropertyOptional({ description: 'Required to change a recorded meeting (optimistic locking)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class PackRequest {
  @ApiPropertyOptional({ example: 'lancashire', description: 'Limit the pack to one police force area' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  force?: string;
}

export class ReportPackResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2024-Q2' }) quarter: string;
  @ApiProperty({ nullable: true, type: String }) force: string | null;
  @ApiProperty({ enum: ['queued', 'running', 'ready', 'failed'] }) status: string;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) requestedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
  @ApiProperty({ nullable: true, description: 'Once ready: { pdf, html, csv: { table: url } }' }) downloads: Record<
    string,
    unknown
  > | null;
}

export class ReportPackListResponse {
  @ApiProperty({ type: [ReportPackResponse], description: 'The newest 50' }) items: ReportPackResponse[];
  @ApiProperty({ description: 'Every pack of the quarter (more than items when older ones are not listed)' })
  total: number;
}

export class QuarterlyReviewResponse {
  @ApiProperty({ example: '2024-Q2' }) quarter: string;
  @ApiProperty({ format: 'date', description: 'First day (Europe/London)' }) from: string;
  @ApiProperty({ format: 'date', description: 'First day after the quarter' }) to: string;
  @ApiProperty({ nullable: true }) force: Record<string, unknown> | null;
  @ApiProperty({ description: 'previousQuarter and sameQuarterLastYear' }) comparedWith: Record<string, string>;
  @ApiProperty({
    enum: ['full', 'summary'],
    description:
      'full for professional standards; summary leaves out officer-level concerns and referral/action detail (null)',
  })
  view: string;
  @ApiProperty({
    description: 'RAG counts by source (review, panel, all) with the amber/red change against the previous quarter',
  })
  ratings: object[];
  @ApiProperty() outcomes: object[];
  @ApiProperty({
    description:
      'Per theme: count (reviews + panels), previousQuarter, sameQuarterLastYear, vsPreviousQuarter and vsLastYear { change, changePct }',
  })
  themes: object[];
  @ApiProperty({ description: 'The quarter’s most frequent themes over the last eight quarters' })
  themesOverTime: object;
  @ApiProperty() byArea: object[];
  @ApiProperty() byTeam: object[];
  @ApiProperty({
    nullable: true,
    description:
      'Professional standards only: officers and teams with two or more cases rated amber or red in the rolling 12 months ending with the quarter',
  })
  repeatConcerns: object | null;
  @ApiProperty({
    description:
      'count (distinct cases referred to professional standards); items, one per referring review or finding (professional standards only)',
  })
  referrals: object;
  @ApiProperty({
    description:
      'total, byStatus, overdue; items (professional standards only). With force: panel actions about that force’s cases, and the quarter’s meeting actions',
  })
  actions: object;
  @ApiProperty({
    description: 'Key rate ratios with 95% CIs for the quarter; recorded findings (professional standards only)',
  })
  disproportionality: object;
  @ApiProperty({ nullable: true, description: 'The review meeting record (professional standards only)' }) meeting:
    object | null;
}
