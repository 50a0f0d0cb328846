import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
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
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { APP_CONFIG, DomainError, type AppConfig } from '@scrutiny/core';
import { IMPORT_FORMATS, ImportsService, type ImportView } from '@scrutiny/records';

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

class ImportResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() format: string;
  @ApiProperty() force: { code: string; name: string; policeUkId: string | null };
  @ApiProperty() filename: string;
  @ApiProperty({ nullable: true, type: String, example: '2018-01' }) sourceMonth: string | null;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status: string;
  @ApiProperty() rowsRead: number;
  @ApiProperty() rowsImported: number;
  @ApiProperty({ description: 'Rows already present (same content, month and occurrence)' }) rowsDuplicate: number;
  @ApiProperty() rowsRejected: number;
  @ApiProperty({ type: [RejectedRow] }) rejected: RejectedRow[];
  @ApiProperty({ description: 'True when more rejected rows exist than are listed' }) rejectedTruncated: boolean;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt: string | null;
}

/** The upload interceptor, sized from the configuration. */
function uploadInterceptor(): Type<NestInterceptor> {
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
    summary: 'Upload a data.police.uk stop-and-search CSV for import',
    description:
      'Answers 202 with the import id; poll GET /imports/{id}. An empty file or a wrong header is refused at once (400). Good rows are imported, bad rows reported by line; re-importing adds no duplicates. Dates in the file are UTC; records are filed under their Europe/London month.',
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

  @Get(':id')
  @Authorize(Permission.RECORDS_IMPORT)
  @ApiOperation({ summary: 'An import: status, row counts and rejected rows with their line numbers' })
  @ApiOkResponse({ type: ImportResponse })
  get(@Param('id') id: string): Promise<ImportView> {
    return this.imports.get(id);
  }
}
