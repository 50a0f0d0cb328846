import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { StopSearchesService } from '@scrutiny/records';
import { StopSearchPageResponse, StopSearchQuery, StopSearchRequest, StopSearchResponse, StopSearchUpdateRequest } from './stop-searches.dto';

@ApiTags('stop-searches')
@Controller('stop-searches')
export class StopSearchesController {
  constructor(private readonly stopSearches: StopSearchesService) {}

  @Get()
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'Stop searches in your scope, newest first (filters; cursor paging; audited)' })
  @ApiOkResponse({ type: StopSearchPageResponse })
  list(@CurrentActor() actor: Actor, @Query() q: StopSearchQuery): Promise<StopSearchPageResponse> {
    return this.stopSearches.list(actor, q);
  }

  @Get('export.csv')
  @Authorize(Permission.RECORDS_EXPORT)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The filtered set as a data.police.uk CSV (UTC dates; audited)' })
  async export(@CurrentActor() actor: Actor, @Query() q: StopSearchQuery, @Res() res: Response): Promise<void> {
    const lines = this.stopSearches.exportPoliceUk(actor, q);
    const first = await lines.next(); // validation errors surface before the download starts
    res.status(200).type('text/csv').setHeader('content-disposition', 'attachment; filename="stop-and-search.csv"');
    if (!first.done) res.write(first.value);
    for await (const chunk of lines) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    res.end();
  }

  @Get(':id')
  @Authorize(Permission.RECORDS_READ)
  @ApiOperation({ summary: 'One stop search (404 if missing or outside your scope; audited)' })
  @ApiOkResponse({ type: StopSearchResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<StopSearchResponse> {
    return this.stopSearches.get(actor, id);
  }

  @Post()
  @Authorize(Permission.RECORDS_WRITE)
  @ApiOperation({ summary: 'Record a stop search (supervisors: for their own teams or areas; audited)' })
  @ApiCreatedResponse({ type: StopSearchResponse })
  create(@CurrentActor() actor: Actor, @Body() body: StopSearchRequest): Promise<StopSearchResponse> {
    return this.stopSearches.create(actor, body);
  }

  @Patch(':id')
  @Authorize(Permission.RECORDS_WRITE)
  @ApiOperation({ summary: 'Replace a stop search’s fields (optimistic locking by `version`; audited with before/after)' })
  @ApiOkResponse({ type: StopSearchResponse })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: StopSearchUpdateRequest): Promise<StopSearchResponse> {
    const { version, ...input } = body;
    return this.stopSearches.update(actor, id, version, input);
  }
}
