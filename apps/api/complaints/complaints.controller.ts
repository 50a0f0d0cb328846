import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import {
  ComplaintsService,
  type ComplaintPage,
  type ComplaintRates,
  type ComplaintSummary,
  type ComplaintView,
} from '@scrutiny/complaints';
import { DomainError } from '@scrutiny/core';
import type { ActionView } from '@scrutiny/panels';
import type { ImportView } from '@scrutiny/records';
import { ImportResponse, uploadInterceptor } from '../imports/imports.controller';
import { ActionRequest, ActionResponse } from '../panels/panels.dto';
import {
  ComplaintCreateRequest,
  ComplaintImportRequest,
  ComplaintListQuery,
  ComplaintPageResponse,
  ComplaintRatesQuery,
  ComplaintRatesResponse,
  ComplaintResponse,
  ComplaintSummaryQuery,
  ComplaintSummaryResponse,
  ComplaintUpdateRequest,
} from './complaints.dto';

@ApiTags('complaints')
@Controller('complaints')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Get()
  @Authorize(Permission.COMPLAINTS_READ)
  @ApiOperation({
    summary:
      'Complaints, newest received first: professional standards all; supervisors those arising from encounters in their scope, without the complainant (filters; cursor; audited)',
  })
  @ApiOkResponse({ type: ComplaintPageResponse })
  list(@CurrentActor() actor: Actor, @Query() q: ComplaintListQuery): Promise<ComplaintPage> {
    return this.complaints.list(actor, q);
  }

  @Get('export.csv')
  @Authorize(Permission.COMPLAINTS_WRITE)
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'The filtered complaints as the complaints CSV template, one line per allegation (imports back; audited)',
  })
  async export(@CurrentActor() actor: Actor, @Query() q: ComplaintListQuery, @Res() res: Response): Promise<void> {
    const csv = await this.complaints.exportCsv(actor, q);
    res
      .status(200)
      .type('text/csv')
      .setHeader('content-disposition', 'attachment; filename="complaints.csv"')
      .send(csv);
  }

  @Get('summary')
  @Authorize(Permission.COMPLAINTS_AGGREGATE)
  @ApiOperation({
    summary:
      'Counts of complaints received in a period by category, protected characteristic, handling and outcome: supervisors for their teams, analysts under the disclosure rule (audited)',
  })
  @ApiOkResponse({ type: ComplaintSummaryResponse })
  summary(@CurrentActor() actor: Actor, @Query() q: ComplaintSummaryQuery): Promise<ComplaintSummary> {
    return this.complaints.summary(actor, q);
  }

  @Get('disproportionality')
  @Authorize(Permission.COMPLAINTS_AGGREGATE)
  @ApiOperation({
    summary:
      'Complaints alleging race discrimination arising from stop and search, per 1,000 searches of each ethnic group (self-defined), with intervals and the ratio to White; the disclosure rule without stats:unsuppressed (audited)',
  })
  @ApiOkResponse({ type: ComplaintRatesResponse })
  disproportionality(@CurrentActor() actor: Actor, @Query() q: ComplaintRatesQuery): Promise<ComplaintRates> {
    return this.complaints.disproportionality(actor, q);
  }

  @Post('imports')
  @HttpCode(202)
  @Authorize(Permission.COMPLAINTS_WRITE)
  @UseInterceptors(uploadInterceptor())
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'force'],
      properties: { file: { type: 'string', format: 'binary' }, force: { type: 'string', example: 'lancashire' } },
    },
  })
  @ApiOperation({
    summary: 'Upload a complaints CSV (docs/csv-templates/complaints.csv) for import',
    description:
      'Answers 202 with the import; poll GET /complaints/imports/{id}. All or nothing: any bad line (reported by line and column) and nothing is stored. A complaint already recorded with the same values is a duplicate, so re-importing adds nothing; one with other values is reported, not overwritten.',
  })
  @ApiAcceptedResponse({ type: ImportResponse })
  upload(
    @CurrentActor() actor: Actor,
    @Body() body: ComplaintImportRequest,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
  ): Promise<ImportView> {
    if (!file)
      throw DomainError.validation([{ field: 'file', message: 'a CSV file is required (multipart field "file")' }]);
    return this.complaints.queueImport(actor, { force: body.force, filename: file.originalname, content: file.buffer });
  }

  @Get('imports/:id')
  @Authorize(Permission.COMPLAINTS_WRITE)
  @ApiOperation({ summary: 'A complaints import: status, counts and rejected lines (audited)' })
  @ApiOkResponse({ type: ImportResponse })
  importOf(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ImportView> {
    return this.complaints.importOf(actor, id);
  }

  @Get(':id')
  @Authorize(Permission.COMPLAINTS_READ)
  @ApiOperation({ summary: 'One complaint (404 if missing or outside your scope; audited)' })
  @ApiOkResponse({ type: ComplaintResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ComplaintView> {
    return this.complaints.get(actor, id);
  }

  @Post()
  @Authorize(Permission.COMPLAINTS_WRITE)
  @ApiOperation({ summary: 'Record a complaint with its allegations (IOPC categories; audited)' })
  @ApiCreatedResponse({ type: ComplaintResponse })
  create(@CurrentActor() actor: Actor, @Body() body: ComplaintCreateRequest): Promise<ComplaintView> {
    return this.complaints.create(actor, body);
  }

  @Patch(':id')
  @Authorize(Permission.COMPLAINTS_WRITE)
  @ApiOperation({
    summary:
      'Correct a complaint: the fields sent replace the stored ones (allegations as a whole); optimistic locking',
  })
  @ApiOkResponse({ type: ComplaintResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ComplaintUpdateRequest,
  ): Promise<ComplaintView> {
    return this.complaints.update(actor, id, body);
  }

  @Post(':id/actions')
  @Authorize(Permission.COMPLAINTS_WRITE)
  @ApiOperation({
    summary: 'Raise an action from a complaint’s outcome: it joins the "you said, we did" tracker (audited)',
  })
  @ApiCreatedResponse({ type: ActionResponse })
  raiseAction(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ActionRequest): Promise<ActionView> {
    return this.complaints.raiseAction(actor, id, body);
  }
}
