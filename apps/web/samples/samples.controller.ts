import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { labelOf } from '@scrutiny/records';
import {
  DEFAULT_PLAN_NAME,
  DipSamplesService,
  RetentionService,
  SamplingPlansService,
  type SampleItemView,
  type SampleView,
  type VerifyResult,
} from '@scrutiny/sampling';
import { errorView, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { translate } from '../i18n/messages';
import { selectionReason } from '../reviews/reviews.view';

type DrawForm = { month?: string; year?: string; planId?: string };

/** A sample's items in words: the record, why it was selected, its stratum, its review and its footage. */
function itemRow(i: SampleItemView) {
  return {
    position: i.position,
    recordKind: labelOf('record_kind', i.recordKind),
    reason: selectionReason(i.reason),
    matchedRules: i.matchedRules.map(selectionReason),
    stratum: i.stratum,
    stratumSize: i.stratumSize,
    probability: `${(i.inclusionProbability * 100).toFixed(1)}%`,
    reviewer: i.review?.assignedTo?.username ?? null,
    reviewStatus: i.review?.status ?? null,
    dueOn: i.review?.dueOn ?? null,
    footage: i.footage,
  };
}

function sampleHeader(s: Omit<SampleView, 'items'>) {
  return {
    id: s.id,
    href: `/samples/${s.id}`,
    period: s.period,
    plan: s.plan.name,
    planVersion: s.plan.version,
    status: s.status,
    scheduled: s.scheduled,
    itemCount: s.itemCount,
    eligibleCount: s.eligibleCount,
    drawnAt: s.drawnAt,
    issuedAt: s.issuedAt,
    seed: s.seed,
    algorithmVersion: s.algorithmVersion,
    teams: s.teams,
    version: s.version,
  };
}

/** Dip samples: draw a month with a plan, see its allocation and items (and why each), verify it, issue it. */
@WebController('samples')
export class SamplesPagesController {
  constructor(
    private readonly samples: DipSamplesService,
    private readonly plans: SamplingPlansService,
  ) {}

  @Get()
  @Page(Permission.SAMPLES_DRAW)
  async list(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    const { items, total } = await this.samples.list(actor, { limit: 100 });
    render(req, res, 'samples/list', { rows: items.map(sampleHeader), total });
  }

  @Get('new')
  @Page(Permission.SAMPLES_DRAW)
  async drawPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderDraw(req, res, {}, {});
  }

  @Post('new')
  @Page(Permission.SAMPLES_DRAW)
  async draw(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Body() form: DrawForm) {
    const errors: FormErrors = {};
    const month = Number(form.month);
    const year = Number(form.year);
    if (!form.month && !form.year) errors.period = 'samples.draw.errors.periodMissing';
    else if (!(
      Number.isInteger(month) &&
      month >= 1 &&
      month <= 12 &&
      Number.isInteger(year) &&
      year >= 2000 &&
      year <= 2999
    ))
      errors.period = 'samples.draw.errors.periodInvalid';
    if (!form.planId) errors.planId = 'samples.draw.errors.planMissing';
    if (!Object.keys(errors).length) {
      try {
        const period = `${year}-${String(month).padStart(2, '0')}`;
        // "default": the default plan, made on first use (as the API's draw without a planId).
        const planId = form.planId === 'default' ? undefined : form.planId;
        const sample = await this.samples.draw({ actor }, { period, planId });
        return redirect(res, `/samples/${sample.id}`);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
        const { locale } = webState(req);
        for (const e of error.errors) {
          const field = e.field === 'planId' ? 'planId' : 'period';
          errors[field] ??= { text: `${translate(locale, `samples.draw.labels.${field}`)} ${e.message}` };
        }
      }
    }
    await this.renderDraw(req, res, form, errors, 400);
  }

  @Get(':id')
  @Page(Permission.SAMPLES_DRAW)
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('issued') issued?: string,
  ): Promise<void> {
    const sample = await this.samples.get(actor, id);
    this.renderSample(req, res, sample, { issued: issued === '1' });
  }

  /** Verification recomputes the draw and changes nothing: a page of its own, not a form post. */
  @Get(':id/verification')
  @Page(Permission.SAMPLES_DRAW)
  async verify(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string) {
    const result = await this.samples.verify(id, actor);
    const sample = await this.samples.get(actor, id);
    this.renderSample(req, res, sample, { verification: verificationView(result) });
  }

  @Post(':id/issue')
  @Page(Permission.SAMPLES_DRAW)
  async issue(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: { version?: string },
  ): Promise<void> {
    try {
      await this.samples.issue({ actor }, id, Number(form.version));
    } catch (error) {
      // Refusals the drawer can act on (items nobody can review, records already sampled) are shown on the page.
      if (!(error instanceof DomainError) || !['UNPROCESSABLE', 'CONFLICT', 'VALIDATION_FAILED'].includes(error.code))
        throw error;
      const sample = await this.samples.get(actor, id);
      const { locale } = webState(req);
      return this.renderSample(
        req,
        res,
        sample,
        { issueProblem: translate(locale, 'samples.show.issueRefused', { reason: error.message }) },
        error.code === 'CONFLICT' ? 409 : 422,
      );
    }
    redirect(res, `/samples/${id}?issued=1`);
  }

  private renderSample(
    req: Request,
    res: Response,
    sample: SampleView,
    extra: { issued?: boolean; verification?: ReturnType<typeof verificationView>; issueProblem?: string },
    status = 200,
  ): void {
    render(
      req,
      res,
      'samples/show',
      {
        sample: sampleHeader(sample),
        allocation: sample.allocation,
        items: sample.items.map(itemRow),
        eligibility: sample.eligibility,
        ...extra,
      },
      status,
    );
  }

  private async renderDraw(req: Request, res: Response, form: DrawForm, errors: FormErrors, status = 200) {
    const { items } = await this.plans.list({ limit: 200 });
    const plans = items.map((p) => ({ id: p.id, name: p.name, isDefault: p.isDefault, version: p.version }));
    if (!plans.some((p) => p.isDefault))
      plans.unshift({ id: 'default', name: DEFAULT_PLAN_NAME, isDefault: true, version: 1 });
    render(
      req,
      res,
      'samples/draw',
      {
        plans,
        values: form,
        ...errorView(req, errors),
      },
      status,
    );
  }
}

function verificationView(v: VerifyResult) {
  return {
    verified: v.verified,
    eligibleStored: v.eligibleCount.stored,
    eligibleNow: v.eligibleCount.now,
    missing: v.missingItems.length,
    unexpected: v.unexpectedItems.length,
    differences: v.differences,
  };
}

/** Footage at risk: selected clips about to expire with no confirmed hold, across the samples the user can see. */
@WebController('footage-at-risk')
export class FootageAtRiskController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Page(Permission.BWV_HOLDS_MANAGE)
  async list(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    const holds = await this.retention.list(actor, { atRisk: true });
    render(req, res, 'samples/footage-at-risk', {
      rows: holds.map((h) => ({
        period: h.period,
        sampleHref: `/samples/${h.sampleId}`,
        reference: h.clip.reference,
        expiresAt: h.clip.retentionExpiresAt,
        requestedAt: h.requestedAt,
        warnedAt: h.warnedAt,
      })),
    });
  }
}
