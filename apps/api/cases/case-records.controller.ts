import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, Param, Patch, Post, Query, Res, type Type } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  IntersectionType,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, CurrentActor, Permission, type Actor, type CaseKind } from '@scrutiny/auth';
import {
  CASE_KIND_SPECS,
  CasesService,
  type CaseInput,
  type CasePage,
  type CaseRecordView,
  type CsvFormat,
} from '@scrutiny/records';
import { CaseExportOptions } from './case.dto';
import {
  StopSearchPageResponse,
  StopSearchQuery,
  StopSearchRequest,
  StopSearchResponse,
  StopSearchUpdateRequest,
} from './stop-searches.dto';
import {
  VehicleStopPageResponse,
  VehicleStopQuery,
  VehicleStopRequest,
  VehicleStopResponse,
  VehicleStopUpdateRequest,
} from './vehicle-stops.dto';
import {
  UseOfForcePageResponse,
  UseOfForceQuery,
  UseOfForceRequest,
  UseOfForceResponse,
  UseOfForceUpdateRequest,
} from './use-of-force.dto';

interface CaseRoutes {
  kind: CaseKind;
  path: string;
  /** Plural noun for summaries, e.g. "stop searches". */
  plural: string;
  defaultExport: CsvFormat;
  Query: Type;
  Request: Type;
  UpdateRequest: Type;
  Response: Type;
  PageResponse: Type;
}

/**
 * The same five routes for every record kind (list, export, read, create, replace), each a one-line call into the
 * cases service. The request types differ per kind; they are set as the handlers' parameter types below, which is
 * where the validation pipe and OpenAPI read them from.
 */
function caseRecordsController(r: CaseRoutes): Type {
  const noun = CASE_KIND_SPECS[r.kind].noun.toLowerCase();

  @ApiTags(r.path)
  @Controller(r.path)
  class CaseRecordsController {
    constructor(readonly cases: CasesService) {}

    @Get()
    @Authorize(Permission.RECORDS_READ)
    @ApiOperation({
      summary: `${r.plural[0].toUpperCase()}${r.plural.slice(1)} in your scope, newest first (filters; cursor paging; audited)`,
    })
    @ApiOkResponse({ type: r.PageResponse })
    list(@CurrentActor() actor: Actor, @Query() q: object): Promise<CasePage> {
      return this.cases.list(actor, r.kind, q);
    }

    @Get('export.csv')
    @Authorize(Permission.RECORDS_EXPORT)
    @ApiProduces('text/csv')
    @ApiOperation({
      summary: `The filtered ${r.plural} as CSV: ${r.defaultExport === 'police-uk' ? 'data.police.uk format, or format=template' : 'the CSV template (imports back)'}; UTC dates; audited`,
    })
    async export(@CurrentActor() actor: Actor, @Query() q: object, @Res() res: Response): Promise<void> {
      const { format, ...filter } = q as CaseExportOptions;
      const lines = await this.cases.exportCsv(actor, r.kind, filter, format ?? r.defaultExport);
      res.status(200).type('text/csv').setHeader('content-disposition', `attachment; filename="${r.path}.csv"`);
      // pipeline waits for drain and also for the client going away: then it stops reading the rows (which ends the
      // generator, whose finally audits the export as not completed) and rejects with a premature close, which is
      // not an error of ours. Any other failure destroys the response (the client sees a cut-off download) and is logged.
      await pipeline(lines, res).catch((error: unknown) => {
        if ((error as { code?: string } | null)?.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
      });
    }

    @Get(':id')
    @Authorize(Permission.RECORDS_READ)
    @ApiOperation({ summary: `One ${noun} (404 if missing or outside your scope; audited)` })
    @ApiOkResponse({ type: r.Response })
    get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<CaseRecordView> {
      return this.cases.get(actor, r.kind, id);
    }

    @Post()
    @Authorize(Permission.RECORDS_WRITE)
    @ApiOperation({ summary: `Record a ${noun} (supervisors: for their own teams or areas; audited)` })
    @ApiCreatedResponse({ type: r.Response })
    create(@CurrentActor() actor: Actor, @Body() body: object): Promise<CaseRecordView> {
      return this.cases.create(actor, r.kind, body as CaseInput);
    }

    @Patch(':id')
    @Authorize(Permission.RECORDS_WRITE)
    @ApiOperation({
      summary: `Replace a ${noun}'s fields (optimistic locking by \`version\`; audited with before/after)`,
    })
    @ApiOkResponse({ type: r.Response })
    update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: object): Promise<CaseRecordView> {
      const { version, ...input } = body as CaseInput & { version: number };
      return this.cases.update(actor, r.kind, id, version, input as CaseInput);
    }
  }

  const paramTypes: Record<string, unknown[]> = {
    list: [Object, r.Query],
    export: [Object, IntersectionType(r.Query, CaseExportOptions), Object],
    get: [Object, String],
    create: [Object, r.Request],
    update: [Object, String, r.UpdateRequest],
  };
  for (const [method, types] of Object.entries(paramTypes))
    Reflect.defineMetadata('design:paramtypes', types, CaseRecordsController.prototype, method);
  Object.defineProperty(CaseRecordsController, 'name', {
    value: `${r.Response.name.replace(/Response$/, '')}Controller`,
  });
  return CaseRecordsController;
}

export const StopSearchesController = caseRecordsController({
  kind: 'stop_search',
  path: 'stop-searches',
  plural: 'stop searches',
  defaultExport: 'police-uk',
  Query: StopSearchQuery,
  Request: StopSearchRequest,
  UpdateRequest: StopSearchUpdateRequest,
  Response: StopSearchResponse,
  PageResponse: StopSearchPageResponse,
});

export const VehicleStopsController = caseRecordsController({
  kind: 'vehicle_stop',
  path: 'vehicle-stops',
  plural: 'vehicle stops',
  defaultExport: 'template',
  Query: VehicleStopQuery,
  Request: VehicleStopRequest,
  UpdateRequest: VehicleStopUpdateRequest,
  Response: VehicleStopResponse,
  PageResponse: VehicleStopPageResponse,
});

export const UseOfForceController = caseRecordsController({
  kind: 'use_of_force',
  path: 'use-of-force',
  plural: 'use-of-force reports',
  defaultExport: 'template',
  Query: UseOfForceQuery,
  Request: UseOfForceRequest,
  UpdateRequest: UseOfForceUpdateRequest,
  Response: UseOfForceResponse,
  PageResponse: UseOfForcePageResponse,
});
