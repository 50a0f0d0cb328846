import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { PUBLISHED_CHARACTERISTICS } from '@scrutiny/records';
import { PublishedComparisonService } from '@scrutiny/statistics';

class PublishedComparisonQuery {
  @ApiProperty({ example: 'lancashire', description: 'Police force: data.police.uk id or ONS code' })
  @IsString()
  @MaxLength(40)
  force: string;
  @ApiPropertyOptional({
    example: '2018/19',
    description: 'Financial year (April to March); default the latest with published figures for the force',
  })
  @IsOptional()
  @Matches(/^\d{4}\/\d{2}$/, { message: 'year must be a financial year like 2018/19' })
  year?: string;
  @ApiPropertyOptional({ enum: PUBLISHED_CHARACTERISTICS, default: 'ethnicity' })
  @IsOptional()
  @IsIn(PUBLISHED_CHARACTERISTICS, { message: `by must be one of ${PUBLISHED_CHARACTERISTICS.join(', ')}` })
  by?: string;
}

class RecordsCount {
  @ApiProperty({ nullable: true, type: Number, description: 'Tactic uses counted from the records' }) uses:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Reports listing at least one of them' }) reports:
    number | null;
}

class ComparisonCell {
  @ApiProperty({ example: 'white' }) group: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Published count; null where the force supplied none' })
  published: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', nullable: true },
    description: 'The published groups added into this one, as published (Asian + Chinese, Don’t know + Not reported)',
  })
  publishedParts: Record<string, number | null>;
  @ApiProperty({ type: RecordsCount }) records: RecordsCount;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'records.uses − published; null where either is missing or withheld',
  })
  difference: number | null;
}

class ComparisonRow {
  @ApiProperty({ example: 'Compliant handcuffing' }) homeOffice: string;
  @ApiProperty({ example: 'Restraint' }) typeOfForce: string;
  @ApiProperty({ nullable: true, type: String, example: 'compliant_handcuffing' }) tactic: string | null;
  @ApiProperty({ enum: ['total', 'parent', 'tactic', 'unknown'] }) kind: string;
  @ApiProperty({ enum: ['full', 'partial', 'none'] }) mapping: string;
  @ApiProperty() counting: string;
  @ApiProperty({ type: [String] }) codes: string[];
  @ApiProperty({ type: [String] }) notRecordable: string[];
  @ApiProperty({ type: [ComparisonCell] }) cells: ComparisonCell[];
}

class ComparisonGroup {
  @ApiProperty() group: string;
  @ApiProperty() label: string;
  @ApiProperty({ type: [String] }) published: string[];
  @ApiProperty() records: string;
}

class Unmapped {
  @ApiProperty() homeOffice: string;
  @ApiProperty() reason: string;
}

class PublishedComparisonResponse {
  @ApiProperty() force: { code: string; name: string };
  @ApiProperty({ example: '2018/19' }) year: string;
  @ApiProperty({ description: 'First and last month, Europe/London' }) period: {
    from: string;
    to: string;
    timeZone: string;
  };
  @ApiProperty({ enum: PUBLISHED_CHARACTERISTICS }) by: string;
  @ApiProperty({ enum: ['tactic uses'] }) unit: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Always null: counts set against counts, no census population',
  })
  population: null;
  @ApiProperty() note: string;
  @ApiProperty() published: { source: string; importedAt: string; publisher: string };
  @ApiProperty() records: { reports: number | null; reportsWithoutTactic: number | null };
  @ApiProperty({ type: [ComparisonGroup] }) groups: ComparisonGroup[];
  @ApiProperty({ type: [ComparisonRow] }) tactics: ComparisonRow[];
  @ApiProperty({ type: [Unmapped] }) unmapped: Unmapped[];
  @ApiProperty() summary: { compared: number; equal: number; different: number };
  @ApiProperty({ type: [String] }) caveats: string[];
  @ApiProperty({
    description: 'The disclosure rule, whether it was applied to the counts from the records, and what it does here',
  })
  disclosure: { rule: string; applied: boolean; note: string };
}

@ApiTags('disproportionality')
@ApiExtraModels(ComparisonCell, ComparisonRow)
@Controller('disproportionality')
export class PublishedComparisonController {
  constructor(private readonly comparison: PublishedComparisonService) {}

  @Get('published-comparison')
  @Authorize(Permission.STATS_AGGREGATE)
  @ApiOperation({
    summary:
      'Published Home Office use-of-force tactic counts beside the same counts from the force’s records (per tactic and group, with the difference)',
    description:
      'Tactic uses for one financial year (April–March, Europe/London), by ethnicity, age or disability. Counts only: no population. Counts from the records go through the disclosure rule (withheld under 10, else rounded down to a multiple of 5; differences withheld) for callers without stats:unsuppressed; published counts are shown as published.',
  })
  @ApiOkResponse({ type: PublishedComparisonResponse })
  compare(@CurrentActor() actor: Actor, @Query() q: PublishedComparisonQuery): Promise<PublishedComparisonResponse> {
    return this.comparison.compare(actor, q) as Promise<PublishedComparisonResponse>;
  }
}
