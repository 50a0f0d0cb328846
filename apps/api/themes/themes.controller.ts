import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import {
  MeetingsService,
  QuarterlyReviewService,
  ReportPacksService,
  ThemesService,
  type PackFormat,
} from '@scrutiny/themes';
import { ActionRequest, ActionResponse } from '../panels/panels.dto';
import {
  MeetingRequest,
  PackRequest,
  QuarterlyReviewResponse,
  QuarterQuery,
  ReportPackListResponse,
  ReportPackResponse,
  ThemeCreateRequest,
  ThemeListQuery,
  ThemeResponse,
  ThemeUpdateRequest,
} from './themes.dto';

@ApiTags('themes')
@Controller('themes')
export class ThemesController {
  constructor(
    private readonly themes: ThemesService,
    private readonly reviews: QuarterlyReviewService,
    private readonly meetings: MeetingsService,
    private readonly packs: ReportPacksService,
  ) {}

  @Get()
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'The theme vocabulary in tree order (parents first); reviewers tag forms with its codes. Use counts for those who manage or read the themes review',
  })
  @ApiOkResponse({ type: [ThemeResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: ThemeListQuery) {
    const withUses = [Permission.THEMES_MANAGE, Permission.THEMES_READ, Permission.THEMES_REVIEW].some((p) =>
      actor.permissions.has(p),
    );
    return this.themes.list({ includeRetired: q.includeRetired === 'true', withUses });
  }

  @Post()
  @Authorize(Permission.THEMES_MANAGE)
  @ApiOperation({ summary: 'Add a theme (a stable code, never reused), at the top level or under a parent (audited)' })
  @ApiCreatedResponse({ type: ThemeResponse })
  create(@CurrentActor() actor: Actor, @Body() body: ThemeCreateRequest) {
    return this.themes.create(actor, body);
  }

  @Patch(':code')
  @Authorize(Permission.THEMES_MANAGE)
  @ApiOperation({ summary: 'Relabel, move, retire or reinstate a theme; themes are never deleted (audited)' })
  @ApiOkResponse({ type: ThemeResponse })
  update(@CurrentActor() actor: Actor, @Param('code') code: string, @Body() body: ThemeUpdateRequest) {
    return this.themes.update(actor, code, body);
  }

  @Get('quarters/:quarter')
  @Authorize(Permission.THEMES_READ)
  @ApiOperation({
    summary:
      'The quarterly themes review (e.g. 2024-Q2): themes from supervisor reviews and panel findings against the previous quarter and a year before, by area and team, RAG, referrals, actions and key rate ratios. Repeat concerns, referral and action detail, findings and the meeting record for professional standards only (audited)',
  })
  @ApiOkResponse({ type: QuarterlyReviewResponse })
  review(@CurrentActor() actor: Actor, @Param('quarter') quarter: string, @Query() q: QuarterQuery) {
    return this.reviews.review(actor, quarter, { force: q.force });
  }

  @Get('quarters/:quarter/meeting')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({
    summary: 'The quarter’s review meeting record: attendees, decisions and the actions raised (audited)',
  })
  meeting(@CurrentActor() actor: Actor, @Param('quarter') quarter: string) {
    return this.meetings.view(actor, quarter);
  }

  @Put('quarters/:quarter/meeting')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({ summary: 'Record the quarter’s review meeting, or change it (send its version) (audited)' })
  putMeeting(@CurrentActor() actor: Actor, @Param('quarter') quarter: string, @Body() body: MeetingRequest) {
    return this.meetings.put(actor, quarter, body);
  }

  @Post('quarters/:quarter/meeting/actions')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({
    summary:
      'Raise an action at the quarter’s meeting; it joins panel actions in the “you said, we did” tracker (/finding-actions)',
  })
  @ApiCreatedResponse({ type: ActionResponse })
  raiseAction(@CurrentActor() actor: Actor, @Param('quarter') quarter: string, @Body() body: ActionRequest) {
    return this.meetings.raiseAction(actor, quarter, body);
  }

  @Post('quarters/:quarter/packs')
  @HttpCode(202)
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({
    summary:
      'Generate the quarter’s report pack (HTML, PDF with charts, a CSV per table) as a job; poll GET /report-packs/:id',
  })
  @ApiAcceptedResponse({ type: ReportPackResponse })
  requestPack(@CurrentActor() actor: Actor, @Param('quarter') quarter: string, @Body() body: PackRequest) {
    return this.packs.request(actor, quarter, { force: body.force });
  }

  @Get('quarters/:quarter/packs')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({ summary: 'The quarter’s report packs, newest first' })
  @ApiOkResponse({ type: ReportPackListResponse })
  listPacks(@Param('quarter') quarter: string) {
    return this.packs.list(quarter);
  }
}

@ApiTags('themes')
@Controller('report-packs')
export class ReportPacksController {
  constructor(private readonly packs: ReportPacksService) {}

  @Get(':id')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiOperation({ summary: 'A report pack’s status, and its download links once ready' })
  @ApiOkResponse({ type: ReportPackResponse })
  get(@Param('id') id: string) {
    return this.packs.get(id);
  }

  @Get(':id/report.pdf')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The pack as PDF (audited)' })
  pdf(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response): Promise<void> {
    return this.send(actor, id, 'pdf', res);
  }

  @Get(':id/report.html')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'The pack as printable HTML with inline SVG charts (audited)' })
  html(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response): Promise<void> {
    return this.send(actor, id, 'html', res);
  }

  @Get(':id/tables/:table')
  @Authorize(Permission.THEMES_REVIEW)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'One table of the pack as CSV, e.g. themes.csv (names in the pack’s downloads) (audited)' })
  csv(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('table') table: string,
    @Res() res: Response,
  ): Promise<void> {
    return this.send(actor, id, 'csv', res, table.replace(/\.csv$/, ''));
  }

  private async send(actor: Actor, id: string, format: PackFormat, res: Response, table?: string): Promise<void> {
    const file = await this.packs.download(actor, id, format, table);
    // The HTML is a document to save or print, not a page of this API: no scripts, no framing.
    if (format === 'html')
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    res
      .status(200)
      .type(file.contentType)
      .setHeader('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.body);
  }
}
