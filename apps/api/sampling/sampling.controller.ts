import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import {
  DipSamplesService,
  NotificationsService,
  RetentionService,
  RULE_KINDS,
  SampleReviewsService,
  SamplingPlansService,
  TARGETED_RULES,
  type RuleName,
} from '@scrutiny/sampling';
import {
  AssignmentRequest,
  BulkAssignmentRequest,
  DrawRequest,
  EstimatesResponse,
  HoldQuery,
  HoldResponse,
  IssueRequest,
  NotificationQuery,
  PageQuery,
  NotificationResponse,
  PlanPageResponse,
  PlanRequest,
  PlanResponse,
  PlanScheduleRequest,
  PlanUpdateRequest,
  RedrawRequest,
  ReviewPageResponse,
  ReviewQuery,
  ReviewRequest,
  ReviewResponse,
  RuleResponse,
  SamplePageResponse,
  SampleQuery,
  SampleResponse,
  UnassignedReviewQuery,
  VerifyResponse,
} from './sampling.dto';

@ApiTags('sampling-plans')
@Controller('sampling-plans')
export class SamplingPlansController {
  constructor(private readonly plans: SamplingPlansService) {}

  @Get()
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'A page of the sampling plans, the default first, with the total; reading creates nothing (the default plan is made by the first draw naming no plan)',
  })
  @ApiOkResponse({ type: PlanPageResponse })
  list(@Query() q: PageQuery): Promise<PlanPageResponse> {
    return this.plans.list(q);
  }

  @Get('rules')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({ summary: 'The targeted-inclusion rules a plan can switch on, with their parameters’ defaults' })
  @ApiOkResponse({ type: [RuleResponse] })
  rules(): RuleResponse[] {
    return TARGETED_RULES.map((r) => ({
      name: r.name,
      description: r.description,
      kinds: RULE_KINDS[r.name as RuleName],
      defaults: r.params.parse({}) as Record<string, unknown>,
    }));
  }

  @Get(':id')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({ summary: 'One plan, at its current version' })
  @ApiOkResponse({ type: PlanResponse })
  get(@Param('id') id: string): Promise<PlanResponse> {
    return this.plans.get(id);
  }

  @Post()
  @Authorize(Permission.SAMPLING_PLANS_MANAGE)
  @ApiOperation({ summary: 'Create a plan (audited)' })
  @ApiCreatedResponse({ type: PlanResponse })
  create(@CurrentActor() actor: Actor, @Body() body: PlanRequest): Promise<PlanResponse> {
    return this.plans.create(actor, body);
  }

  @Put(':id/schedule')
  @Authorize(Permission.SAMPLING_PLANS_MANAGE)
  @ApiOperation({
    summary:
      'Switch the monthly schedule on (from a month: missed months are caught up; a month with a sample from the plan is never drawn again) or off; audited',
  })
  @ApiOkResponse({ type: PlanResponse })
  schedule(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PlanScheduleRequest,
  ): Promise<PlanResponse> {
    return this.plans.setSchedule(actor, id, body);
  }

  @Patch(':id')
  @Authorize(Permission.SAMPLING_PLANS_MANAGE)
  @ApiOperation({
    summary: 'Rename, or give new rules (a new version); optimistic locking by `version`; audited',
  })
  @ApiOkResponse({ type: PlanResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PlanUpdateRequest,
  ): Promise<PlanResponse> {
    return this.plans.update(actor, id, body);
  }
}

@ApiTags('dip-samples')
@Controller()
export class DipSamplesController {
  constructor(
    private readonly samples: DipSamplesService,
    private readonly reviews: SampleReviewsService,
  ) {}

  @Post('dip-samples')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Draw a draft sample of a month (default plan and a generated seed unless given; a supervisor samples their own teams; audited)',
  })
  @ApiCreatedResponse({ type: SampleResponse })
  draw(@CurrentActor() actor: Actor, @Body() body: DrawRequest): Promise<SampleResponse> {
    return this.samples.draw({ actor }, body);
  }

  @Get('dip-samples')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({ summary: 'A page of the samples you can see (without items), newest month first, with the total' })
  @ApiOkResponse({ type: SamplePageResponse })
  list(@CurrentActor() actor: Actor, @Query() q: SampleQuery): Promise<SamplePageResponse> {
    return this.samples.list(actor, q) as Promise<SamplePageResponse>;
  }

  @Get('dip-samples/:id')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({ summary: 'One sample with its items, their reviews and footage state (audited)' })
  @ApiOkResponse({ type: SampleResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<SampleResponse> {
    return this.samples.get(actor, id);
  }

  @Post('dip-samples/:id/redraw')
  @HttpCode(200)
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({ summary: 'Draw a draft again (new seed unless given); an issued sample never changes (409)' })
  @ApiOkResponse({ type: SampleResponse })
  redraw(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: RedrawRequest): Promise<SampleResponse> {
    return this.samples.redraw(actor, id, body);
  }

  @Post('dip-samples/:id/issue')
  @HttpCode(200)
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Issue a draft: it becomes immutable; BWV hold requests are made, reviews assigned and supervisors notified. Refused (422, items named) when an item would have nobody to review it, unless assignTo names a supervisor; refused (409) when the sample has no items, or when its plan excludes records already sampled and another sample issued since the draw holds some of its records (items named in errors and alreadySampled: redraw, then issue)',
  })
  @ApiOkResponse({ type: SampleResponse })
  issue(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: IssueRequest): Promise<SampleResponse> {
    return this.samples.issue({ actor }, id, body.version, { assignTo: body.assignTo }) as Promise<SampleResponse>;
  }

  @Get('dip-samples/:id/verify')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary: 'Recompute the draw and compare: { verified, differences, missingItems, unexpectedItems } (audited)',
  })
  @ApiOkResponse({ type: VerifyResponse })
  verify(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<VerifyResponse> {
    return this.samples.verify(id, actor);
  }

  @Get('dip-samples/:id/estimates')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Estimates with 95% intervals (Korn–Graubard) from the completed reviews: of the records no targeted rule selected (random items), and month-wide (random and targeted items); each names the population and the strata it does not cover; the targeted part’s counts by rule',
  })
  @ApiOkResponse({ type: EstimatesResponse })
  estimates(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<EstimatesResponse> {
    return this.samples.estimates(actor, id) as unknown as Promise<EstimatesResponse>;
  }

  @Put('dip-samples/:id/items/:itemId/assignment')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Assign (or reassign) an item’s review to a supervisor who is not the record’s officer (audited; they are notified); a completed review is not reassigned (409)',
  })
  @ApiOkResponse({ type: ReviewResponse })
  assign(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: AssignmentRequest,
  ): Promise<ReviewResponse> {
    return this.reviews.assign(actor, id, itemId, body) as Promise<ReviewResponse>;
  }

  @Get('dip-samples/:id/items/:itemId/review')
  @Authorize(Permission.SAMPLES_REVIEW)
  @ApiOperation({ summary: 'An item’s review (yours, or in a sample you can see)' })
  @ApiOkResponse({ type: ReviewResponse })
  review(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ): Promise<ReviewResponse> {
    return this.reviews.get(actor, id, itemId) as Promise<ReviewResponse>;
  }

  @Put('dip-samples/:id/items/:itemId/review')
  @Authorize(Permission.SAMPLES_REVIEW)
  @ApiOperation({
    summary:
      'Save your review form (every field checked; optimistic locking by `version`; `submit` completes it; audited)',
  })
  @ApiOkResponse({ type: ReviewResponse })
  saveReview(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: ReviewRequest,
  ): Promise<ReviewResponse> {
    return this.reviews.save(actor, id, itemId, body) as Promise<ReviewResponse>;
  }

  @Get('sample-reviews')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Your reviews (or everyone’s with all=true, for professional standards and admins); overdue=true for the overdue ones, period=YYYY-MM for one month’s samples, team for one team’s records',
  })
  @ApiOkResponse({ type: ReviewPageResponse })
  listReviews(@CurrentActor() actor: Actor, @Query() q: ReviewQuery): Promise<ReviewPageResponse> {
    return this.reviews.list(actor, q) as Promise<ReviewPageResponse>;
  }

  @Get('sample-reviews/unassigned')
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Open reviews nobody can do (no assignee, or one disabled or no longer a supervisor), in the samples you can see, with the total',
  })
  @ApiOkResponse({ type: ReviewPageResponse })
  unassigned(@CurrentActor() actor: Actor, @Query() q: UnassignedReviewQuery): Promise<ReviewPageResponse> {
    return this.reviews.listUnassigned(actor, q) as Promise<ReviewPageResponse>;
  }

  @Post('sample-reviews/assignments')
  @HttpCode(200)
  @Authorize(Permission.SAMPLES_DRAW)
  @ApiOperation({
    summary:
      'Assign many reviews to one supervisor in one transaction (all or nothing; each audited; the supervisor notified once); 409 naming any review that is completed',
  })
  @ApiOkResponse({ type: [ReviewResponse] })
  assignMany(@CurrentActor() actor: Actor, @Body() body: BulkAssignmentRequest): Promise<ReviewResponse[]> {
    return this.reviews.assignMany(actor, body) as Promise<ReviewResponse[]>;
  }
}

@ApiTags('bwv-holds')
@Controller('bwv-holds')
export class BwvHoldsController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Authorize(Permission.BWV_HOLDS_MANAGE)
  @ApiOperation({
    summary:
      'Hold requests for selected footage: status=pending is the feed the evidence system reads; atRisk=true those about to expire',
  })
  @ApiOkResponse({ type: [HoldResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: HoldQuery): Promise<HoldResponse[]> {
    return this.retention.list(actor, q);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Authorize(Permission.BWV_HOLDS_MANAGE)
  @ApiOperation({
    summary: 'Confirm a hold placed in the evidence system: the clip goes on hold for scrutiny (audited)',
  })
  @ApiOkResponse({ type: HoldResponse })
  confirm(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<HoldResponse> {
    return this.retention.confirm(actor, id);
  }
}

@ApiTags('auth')
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Your notifications, newest first (unread=true for unread only)' })
  @ApiOkResponse({ type: [NotificationResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: NotificationQuery): Promise<NotificationResponse[]> {
    return this.notifications.forUser(actor.id, q.unread === true);
  }

  @Post(':id/read')
  @HttpCode(204)
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  async read(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.notifications.markRead(actor.id, id);
  }
}
