import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { CurrentActor, Permission, type Actor, type CaseKind } from '@scrutiny/auth';
import { DomainError, isUuid, MONTH } from '@scrutiny/core';
import { BwvClipsService, CasesService, findArea, type CaseRecordView } from '@scrutiny/records';
import { SampleReviewsService, type ReviewView } from '@scrutiny/sampling';
import { ThemesService } from '@scrutiny/themes';
import { errorView, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { translate } from '../i18n/messages';
import { recordSummary, reviewRow, clipRow, answersSummary, REVIEW_TABS, type ReviewTab } from './reviews.view';
import { parseReviewForm, reviewFormErrors, reviewFormView } from './review-form.view';

type ReviewBody = Record<string, string | string[] | undefined> & { _action?: string; _version?: string };

/**
 * The supervisor's reviews: the list (due, overdue, done; by month and team, filtered by the service) and one review
 * beside its record.
 */
@WebController('reviews')
export class ReviewsPagesController {
  constructor(
    private readonly reviews: SampleReviewsService,
    private readonly cases: CasesService,
    private readonly clips: BwvClipsService,
    private readonly themes: ThemesService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Page(Permission.SAMPLES_REVIEW)
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query('status') status?: string,
    @Query('month') month?: string,
    @Query('team') team?: string,
    @Query('submitted') submitted?: string,
  ): Promise<void> {
    const tab: ReviewTab = (REVIEW_TABS as readonly string[]).includes(status ?? '') ? (status as ReviewTab) : 'due';
    // Only the choices the form offers reach the service: anything else (a hand-edited address) shows every one.
    const teams = [...actor.teams].sort();
    const chosenTeam = typeof team === 'string' && teams.includes(team) ? team : undefined;
    const chosenMonth = typeof month === 'string' && MONTH.test(month) ? month : undefined;
    const filter = { team: chosenTeam, period: chosenMonth };
    const { counts, months } = await this.reviews.overview(actor, filter);
    const { items, total } = await this.reviews.list(actor, { ...filter, state: tab, limit: 200 });
    render(req, res, 'reviews/list', {
      tab,
      month: chosenMonth ?? '',
      // A month typed into the address with no reviews still shows as the one chosen.
      months: chosenMonth && !months.includes(chosenMonth) ? [...months, chosenMonth].sort().reverse() : months,
      team: chosenTeam ?? '',
      teams,
      counts,
      query: new URLSearchParams({
        ...(chosenMonth && { month: chosenMonth }),
        ...(chosenTeam && { team: chosenTeam }),
      }).toString(),
      truncated: total > items.length,
      rows: items.map(reviewRow),
      submitted: submitted === '1',
    });
  }

  @Get(':itemId')
  @Page(Permission.SAMPLES_REVIEW)
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('itemId') itemId: string,
    @Query('saved') saved?: string,
  ): Promise<void> {
    const review = await this.reviews.get(actor, await this.sampleOf(itemId), itemId);
    await this.page(req, res, actor, review, {
      answers: (review.form ?? {}) as Record<string, unknown>,
      errors: {},
      saved: saved === '1',
    });
  }

  @Post(':itemId')
  @Page(Permission.SAMPLES_REVIEW)
  async save(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('itemId') itemId: string,
    @Body() body: ReviewBody,
  ): Promise<void> {
    const sampleId = await this.sampleOf(itemId);
    const review = await this.reviews.get(actor, sampleId, itemId);
    const kind = review.recordKind as CaseKind;
    const record = await this.cases.get(actor, kind, review.recordId);
    const tactics = tacticsOf(record);
    const form = parseReviewForm(kind, body, tactics);
    const submit = body._action === 'submit';
    try {
      await this.reviews.save(actor, sampleId, itemId, { version: Number(body._version), form, submit });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      const { locale } = webState(req);
      const errors = reviewFormErrors(error, kind, tactics, {
        required: (question) => translate(locale, 'reviews.form.errors.required', { question }),
      });
      return this.page(req, res, actor, review, { answers: form, errors, record }, 400);
    }
    redirect(res, submit ? '/reviews?status=done&submitted=1' : `/reviews/${itemId}?saved=1`);
  }

  /** Opens a clip in the force's evidence system (the opening is audited by the service). */
  @Get(':itemId/clips/:clipId')
  @Page(Permission.SAMPLES_REVIEW)
  async openClip(@Res() res: Response, @CurrentActor() actor: Actor, @Param('clipId') clipId: string): Promise<void> {
    const { url } = await this.clips.open(actor, clipId);
    res.redirect(303, url);
  }

  private async page(
    req: Request,
    res: Response,
    actor: Actor,
    review: ReviewView,
    state: { answers: Record<string, unknown>; errors: FormErrors; saved?: boolean; record?: CaseRecordView },
    status = 200,
  ): Promise<void> {
    const kind = review.recordKind as CaseKind;
    const record = state.record ?? (await this.cases.get(actor, kind, review.recordId));
    const [clips, themes] = await Promise.all([this.clips.forCase(actor, kind, review.recordId), this.themes.list()]);
    // The area by its name (reference data; the record's code when the area is not known).
    const area = record.areaCode ? await findArea(this.dataSource, record.areaCode) : undefined;
    const { locale } = webState(req);
    const t = (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
    const { errors, errorList } = errorView(req, state.errors);
    const mine = review.assignedTo?.id === actor.id;
    render(
      req,
      res,
      'reviews/review',
      {
        review: reviewRow(review),
        version: review.version,
        completed: review.status === 'completed',
        mine,
        saved: state.saved,
        record: recordSummary(record, t, area?.name),
        clips: clips.map((c) => clipRow(c, review.itemId)),
        sections:
          review.status === 'completed' || !mine
            ? []
            : reviewFormView(
                { kind, answers: state.answers, themes, tactics: tacticsOf(record), errors },
                t('reviews.form.outcomeSection'),
              ),
        answers: review.status === 'completed' ? answersSummary(kind, review.form ?? {}, themes) : [],
        errorList,
      },
      status,
    );
  }

  /** The sample an item belongs to (its page's address names only the item); the service then checks access. */
  private async sampleOf(itemId: string): Promise<string> {
    if (!isUuid(itemId)) throw DomainError.notFound('Review', itemId);
    const [row] = (await this.dataSource.query(`SELECT sample_id FROM dip_sample_items WHERE id = $1`, [itemId])) as {
      sample_id: string;
    }[];
    if (!row) throw DomainError.notFound('Review', itemId);
    return row.sample_id;
  }
}

function tacticsOf(record: CaseRecordView): string[] {
  const tactics = record.tactics;
  return Array.isArray(tactics)
    ? tactics.map((t) => (typeof t === 'string' ? t : (t as { tactic: string }).tactic))
    : [];
}
