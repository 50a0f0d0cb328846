import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '@scrutiny/http';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { APP_CONFIG, DomainError, type AppConfig } from '@scrutiny/core';
import {
  IMPORT_FORMATS,
  IMPORT_STATUSES,
  ImportsService,
  type ImportSummary,
  type ImportView,
} from '@scrutiny/records';
import { CursorQuery, PageLimitQuery } from '../common/page-query';

class ImportRequest {
  @ApiProperty({ enum: IMPORT_FORMATS, example: 'police-uk' })
  @IsIn(IMPORT_FORMATS)
  format: string;

  @ApiProperty({ example: 'lancashire', description: 'The force the file is for: data.police.uk id or ONS code' })
  @IsString()
  @MaxLength(40)
  force: string;
}

class RejectedRow {
  @ApiProperty({ description: 'Line number in the file (the header is line 1)' }) line: number;
  @ApiProperty({ example: 'Outcome' }) field: string;
  @ApiProperty({ example: 'unknown value "Sent to the moon"' }) reason: string;
}

class NoticedRow {
  @ApiProperty({ description: 'Line number in the file (the header is line 1)' }) line: number;
  @ApiProperty({ example: 'record_references' }) field: string;
  @ApiProperty({
    example: 'record reference SS-2024-0001 is not known for this force: the clip is imported without that link',
  })
  reason: string;
}

class ImportForce {
  @ApiProperty({ example: 'E23000003' }) code: string;
  @ApiProperty({ example: 'Lancashire' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'lancashire' }) policeUkId: string | null;
}

class ImportSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_FORMATS }) format: string;
  @ApiProperty({ type: ImportForce }) force: ImportForce;
  @ApiProperty() filename: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2018-01',
    description: 'The month the file name names (shown only)',
  })
  sourceMonth: string | null;
  @ApiProperty({ enum: IMPORT_STATUSES }) status: string;
  @ApiProperty({ description: 'Rows read so far: a running import updates it as it reads' }) rowsRead: number;
  @ApiProperty({ description: 'New records (or clips)' }) rowsImported: number;
  @ApiProperty({
    description:
      'Records (or clips) already present under the row’s reference whose values the row changed: updated in place, audited',
  })
  rowsUpdated: number;
  @ApiProperty({
    description:
      'Rows already present: the same reference and values, or (without a reference) the same content and occurrence',
  })
  rowsDuplicate: number;
  @ApiProperty() rowsRejected: number;
  @ApiProperty({ description: 'Rows imported with a notice (see notices)' }) rowsWithNotices: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
}

export class ImportResponse extends ImportSummaryResponse {
  @ApiProperty({ type: [RejectedRow] }) rejected: RejectedRow[];
  @ApiProperty({ description: 'True when more rejected rows exist than are listed' }) rejectedTruncated: boolean;
  @ApiProperty({ type: [NoticedRow], description: 'Rows imported all the same, with something to know' })
  notices: NoticedRow[];
  @ApiProperty({ description: 'True when more notices exist than are listed' }) noticesTruncated: boolean;
}

class ImportListQuery {
  @ApiPropertyOptional({ enum: IMPORT_STATUSES }) @IsOptional() @IsIn(IMPORT_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: IMPORT_FORMATS }) @IsOptional() @IsIn(IMPORT_FORMATS) format?: string;
  @ApiPropertyOptional({ example: 'lancashire', description: 'data.police.uk id or ONS code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  force?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Created on or after this day (UTC)' })
  @IsOptional()
  @IsCalendarDate({ message: 'from must be a date like 2024-03-31' })
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Created on or before this day (UTC)' })
  @IsOptional()
  @IsCalendarDate({ message: 'to must be a date like 2024-03-31' })
  to?: string;
  @CursorQuery() cursor?: string;
  @PageLimitQuery() limit?: number;
}

class ImportPageResponse {
  @ApiProperty({ type: [ImportSummaryResponse] }) items: ImportSummaryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ description: 'Imports matching the filters' }) total: number;
}

/** The upload interceptor, sized from the configuration. */
export function uploadInterceptor(): Type<NestInterceptor> {
  class ConfiguredUpload implements NestInterceptor {
    private readonly inner: NestInterceptor;
    constructor(@Inject(APP_CONFIG) config: AppConfig) {
      this.inner = new (FileInterceptor('file', { limits: { fileSize: config.http.importMaxBytes, files: 1 } }))();
    }
    intercept(...args: Parameters<NestInterceptor['intercept']>) {
      return this.inner.intercept(...args);
    }
  }
  return ConfiguredUpload;
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(202)
  @Authorize(Permission.RECORDS_IMPORT)
  @UseInterceptors(uploadInterceptor())
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'format', 'force'],
      properties: {
        file: { type: 'string', format: 'binary' },
        format: { type: 'string', enum: [...IMPORT_FORMATS] },
        force: { type: 'string', example: 'lancashire' },
      },
    },
  })
  @ApiOperation({
    summary:
      'Upload a file for import: data.police.uk stop searches, the force’s stop-search export, a vehicle-stop or use-of-force template, or the BWV clip register',
    description:
      'Answers 202 with the import id; poll GET /imports/{id}. An empty file or a wrong header is refused at once (400). Good rows are imported, bad rows reported by line; re-importing adds no duplicates (a row of the force’s stop-search export or clip register whose reference is known and whose values changed updates it in place). Dates in police.uk files are UTC; records are filed under their Europe/London month. A saved file the queue cannot take yet is queued by a sweep within a minute.',
  })
  @ApiAcceptedResponse({ type: ImportResponse })
  upload(
    @CurrentActor() actor: Actor,
    @Body() body: ImportRequest,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
  ): Promise<ImportView> {
    if (!file)
      throw DomainError.validation([{ field: 'file', message: 'a CSV file is required (multipart field "file")' }]);
    return this.imports.queueUpload(
      { format: body.format, force: body.force, filename: file.originalname, content: file.buffer },
      actor,
    );
  }

  @Get()
  @Authorize(Permission.RECORDS_IMPORT)
  @ApiOperation({
    summary:
      'Imports, newest first: filter by status, format, force and creation day; cursor paging; the total of matches',
  })
  @ApiOkResponse({ type: ImportPageResponse })
  list(
    @CurrentActor() actor: Actor,
    @Query() q: ImportListQuery,
  ): Promise<{ items: ImportSummary[]; nextCursor: string | null; total: number }> {
    return this.imports.list(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.RECORDS_IMPORT)
  @ApiOperation({ summary: 'An import: status, row counts and rejected rows with their line numbers' })
  @ApiOkResponse({ type: ImportResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ImportView> {
    return this.imports.get(actor, id);
  }
}
