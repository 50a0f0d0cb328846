import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { DeliberationService, PanelsService } from '@scrutiny/panels';
import {
  ActionQuery,
  ActionRequest,
  ActionListResponse,
  ActionResponse,
  ActionUpdateRequest,
  AgendaCandidateQuery,
  AgendaCandidateResponse,
  AgendaRequest,
  AgreementResponse,
  AttendanceRequest,
  ConflictRequest,
  CorrectionRequest,
  FindingRequest,
  FindingResponse,
  MemberRequest,
  PanelRequest,
  PanelListResponse,
  PanelResponse,
  PanelUpdateRequest,
  RatingRequest,
  RatingResponse,
  ReportResponse,
  SessionQuery,
  SessionRequest,
  SessionListResponse,
  SessionResponse,
  SessionUpdateRequest,
  TransitionRequest,
} from './panels.dto';

/*
 * Reading routes are open to any signed-in user and scoped in the service (a user sees only their panels' sessions;
 * professional standards and admins all); running a session is for its chair or professional standards, checked in
 * the service against the panel's membership.
 */

@ApiTags('panels')
@Controller('panels')
export class PanelsController {
  constructor(private readonly panels: PanelsService) {}

  @Get()
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Panels you sit on (all, for professional standards and admins)' })
  @ApiOkResponse({ type: PanelListResponse })
  list(@CurrentActor() actor: Actor): Promise<PanelListResponse> {
    return this.panels.listPanels(actor);
  }

  @Get(':id')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'One panel with its members (404 unless you sit on it or manage panels)' })
  @ApiOkResponse({ type: PanelResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PanelResponse> {
    return this.panels.getPanel(actor, id);
  }

  @Post()
  @Authorize(Permission.PANELS_MANAGE)
  @ApiOperation({ summary: 'Create a panel: kind, remit, policy (grounds shown, BWV redacted), quorum (audited)' })
  @ApiCreatedResponse({ type: PanelResponse })
  create(@CurrentActor() actor: Actor, @Body() body: PanelRequest): Promise<PanelResponse> {
    return this.panels.createPanel(actor, body);
  }

  @Patch(':id')
  @Authorize(Permission.PANELS_MANAGE)
  @ApiOperation({ summary: 'Change a panel (optimistic locking by `version`; audited)' })
  @ApiOkResponse({ type: PanelResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PanelUpdateRequest,
  ): Promise<PanelResponse> {
    return this.panels.updatePanel(actor, id, body);
  }

  @Put(':id/members/:userId')
  @Authorize(Permission.PANELS_MANAGE)
  @ApiOperation({ summary: 'Add a member or change their role, term, vetting and confidentiality dates (audited)' })
  @ApiOkResponse({ type: PanelResponse })
  putMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: MemberRequest,
  ): Promise<PanelResponse> {
    return this.panels.putMember(actor, id, userId, body);
  }

  @Post(':id/sessions')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Schedule a session (the panel’s chair, or professional standards; audited)' })
  @ApiCreatedResponse({ type: SessionResponse })
  createSession(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SessionRequest,
  ): Promise<SessionResponse> {
    return this.panels.createSession(actor, id, body);
  }
}

@ApiTags('panel-sessions')
@Controller('panel-sessions')
export class PanelSessionsController {
  constructor(
    private readonly panels: PanelsService,
    private readonly deliberation: DeliberationService,
  ) {}

  @Get()
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Sessions of your panels, newest first' })
  @ApiOkResponse({ type: SessionListResponse })
  list(@CurrentActor() actor: Actor, @Query() q: SessionQuery): Promise<SessionListResponse> {
    return this.panels.listSessions(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'One session: agenda (cases you declared a conflict with are left out), attendance, your role, and for the chair who declared a conflict with which case (audited)',
  })
  @ApiOkResponse({ type: SessionResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SessionResponse> {
    return this.panels.getSession(actor, id);
  }

  @Patch(':id')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Reschedule, venue, online, minutes (chair; optimistic locking)' })
  @ApiOkResponse({ type: SessionResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SessionUpdateRequest,
  ): Promise<SessionResponse> {
    return this.panels.updateSession(actor, id, body);
  }

  @Get(':id/agenda/candidates')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'Cases the chair may put on the agenda: issued dip samples’ items within the panel’s remit, with their supervisor review (chair or professional standards; audited)',
  })
  @ApiOkResponse({ type: [AgendaCandidateResponse] })
  candidates(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() q: AgendaCandidateQuery,
  ): Promise<AgendaCandidateResponse[]> {
    return this.panels.agendaCandidates(actor, id, { ...q, reviewed: q.reviewed === 'true' });
  }

  @Post(':id/agenda')
  @HttpCode(200)
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'Add cases to a planned or open session (within the panel’s remit): the chair from issued dip samples (see …/agenda/candidates), professional standards any record; audited',
  })
  @ApiOkResponse({ type: SessionResponse })
  addToAgenda(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AgendaRequest,
  ): Promise<SessionResponse> {
    return this.panels.addToAgenda(actor, id, body);
  }

  @Delete(':id/agenda/:itemId')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'Take a case off a planned or open session’s agenda (chair or professional standards; 409 once it has a submitted rating or a finding; audited)',
  })
  @ApiOkResponse({ type: SessionResponse })
  removeFromAgenda(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ): Promise<SessionResponse> {
    return this.panels.removeFromAgenda(actor, id, itemId);
  }

  @Put(':id/attendance')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Record who is present (chair); quorum is counted from it' })
  @ApiOkResponse({ type: SessionResponse })
  attendance(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AttendanceRequest,
  ): Promise<SessionResponse> {
    return this.panels.setAttendance(actor, id, body.entries);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'Move the session on: planned → open → closed (needs quorum; freezes findings) → published (chair; 409 names the reason)',
  })
  @ApiOkResponse({ type: SessionResponse })
  transition(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: TransitionRequest,
  ): Promise<SessionResponse> {
    return this.panels.transition(actor, id, body.status, body.version);
  }

  @Post(':id/agenda/:itemId/conflict')
  @HttpCode(200)
  @Authorize(Permission.PANELS_PARTICIPATE)
  @ApiOperation({
    summary: 'Declare a conflict of interest with a case: you can then neither see nor rate it (audited)',
  })
  @ApiOkResponse({ type: SessionResponse })
  conflict(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: ConflictRequest,
  ): Promise<SessionResponse> {
    return this.panels.declareConflict(actor, id, itemId, body.reason);
  }

  @Post(':id/agenda/:itemId/reveal')
  @HttpCode(200)
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Show every member the submitted ratings of a case (chair)' })
  @ApiOkResponse({ type: SessionResponse })
  reveal(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ): Promise<SessionResponse> {
    return this.panels.revealRatings(actor, id, itemId);
  }

  @Put(':id/agenda/:itemId/rating')
  @Authorize(Permission.PANELS_PARTICIPATE)
  @ApiOperation({
    summary: 'Your rating of a case (the review form), independently: draft, then submit (final); optimistic locking',
  })
  @ApiOkResponse({ type: RatingResponse })
  rate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: RatingRequest,
  ): Promise<RatingResponse> {
    return this.deliberation.saveRating(actor, id, itemId, body);
  }

  @Get(':id/agenda/:itemId/ratings')
  @Authorize(Permission.PANELS_PARTICIPATE)
  @ApiOperation({
    summary: 'Ratings of a case: yours; the others’ only once you have submitted yours or the chair revealed them',
  })
  @ApiOkResponse({ type: [RatingResponse] })
  ratings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ): Promise<RatingResponse[]> {
    return this.deliberation.ratings(actor, id, itemId);
  }

  @Get(':id/agreement')
  @Authorize(Permission.PANELS_PARTICIPATE)
  @ApiOperation({ summary: 'Inter-rater agreement per criterion (Krippendorff’s alpha) over the submitted ratings' })
  @ApiOkResponse({ type: AgreementResponse })
  agreement(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AgreementResponse> {
    return this.deliberation.agreement(actor, id);
  }

  @Put(':id/agenda/:itemId/finding')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary: 'The chair’s consensus finding on a case while the session is open (optimistic locking; audited)',
  })
  @ApiOkResponse({ type: FindingResponse })
  finding(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: FindingRequest,
  ): Promise<FindingResponse> {
    return this.deliberation.saveFinding(actor, id, itemId, body);
  }

  @Post(':id/agenda/:itemId/finding/corrections')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'Correct a closed session’s finding: a new version, the old one kept (chair or professional standards; audited)',
  })
  @ApiCreatedResponse({ type: FindingResponse })
  correct(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: CorrectionRequest,
  ): Promise<FindingResponse> {
    return this.deliberation.correctFinding(actor, id, itemId, body);
  }

  @Get(':id/agenda/:itemId/findings')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Every version of a case’s finding, newest first' })
  @ApiOkResponse({ type: [FindingResponse] })
  findings(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ): Promise<FindingResponse[]> {
    return this.deliberation.findings(actor, id, itemId);
  }

  @Get(':id/report')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'The session report: findings, actions and the force’s responses (pseudonymised for external panels; audited)',
  })
  @ApiOkResponse({ type: ReportResponse })
  report(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReportResponse> {
    return this.deliberation.report(actor, id);
  }

  @Get(':id/report.csv')
  @Authorize(Permission.SELF)
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The session report as CSV, one line per action' })
  async reportCsv(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const csv = await this.deliberation.reportCsv(actor, id);
    res
      .status(200)
      .type('text/csv')
      .setHeader('content-disposition', `attachment; filename="session-${id}.csv"`)
      .send(csv);
  }
}

@ApiTags('finding-actions')
@Controller()
export class FindingActionsController {
  constructor(private readonly deliberation: DeliberationService) {}

  @Post('findings/:id/actions')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary: 'Raise an action from a finding: owner, due date (the session’s chair or professional standards; audited)',
  })
  @ApiCreatedResponse({ type: ActionResponse })
  create(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ActionRequest): Promise<ActionResponse> {
    return this.deliberation.createAction(actor, id, body);
  }

  @Get('finding-actions')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      '"You said, we did": actions of your panels (all for professional standards), soonest due first; overdue=true; pages of limit (default 100) with nextCursor, and the total',
  })
  @ApiOkResponse({ type: ActionListResponse })
  list(@CurrentActor() actor: Actor, @Query() q: ActionQuery): Promise<ActionListResponse> {
    return this.deliberation.listActions(actor, {
      overdue: q.overdue === 'true',
      sessionId: q.sessionId,
      limit: q.limit,
      cursor: q.cursor,
    });
  }

  @Patch('finding-actions/:id')
  @Authorize(Permission.FINDINGS_WRITE)
  @ApiOperation({ summary: 'The force’s response: status, response, owner, due date (optimistic locking; audited)' })
  @ApiOkResponse({ type: ActionResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ActionUpdateRequest,
  ): Promise<ActionResponse> {
    return this.deliberation.updateAction(actor, id, body);
  }
}
