import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { ACTION_KINDS } from '@scrutiny/panels';
import {
  MeetingsService,
  QuarterlyReviewService,
  ReportPacksService,
  reportTables,
  ThemesService,
  type PackFormat,
} from '@scrutiny/themes';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { translate } from '../i18n/messages';
import { pageTable, reviewCharts } from './themes.view';

type FormBody = Record<string, string | string[] | undefined>;
const one = (v: FormBody[string]) => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? ''));
const QUARTER = /^\d{4}-Q[1-4]$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Professional standards' quarterly themes review: the review as a page (the report pack's tables and charts, the
 * complaints sections included), the meeting record (attendees, decisions, actions raised), and the report pack
 * generated as a job, with its progress and downloads. All through the services the JSON API's /themes routes use,
 * with the signed-in Actor (the same audit); the pages are for themes:review, as the meeting and pack routes are.
 */
@WebController('quarterly-review')
export class ThemesPagesController {
  constructor(
    private readonly reviews: QuarterlyReviewService,
    private readonly meetings: MeetingsService,
    private readonly packs: ReportPacksService,
    private readonly themes: ThemesService,
  ) {}

  @Get()
  @Page(Permission.THEMES_REVIEW)
  index(@Res() res: Response, @Query('quarter') quarter?: string) {
    if (quarter && QUARTER.test(quarter.trim())) return redirect(res, `/quarterly-review/${quarter.trim()}`);
    const now = new Date();
    const q = Math.floor(now.getUTCMonth() / 3);
    const previous = q === 0 ? `${now.getUTCFullYear() - 1}-Q4` : `${now.getUTCFullYear()}-Q${q}`;
    redirect(res, `/quarterly-review/${previous}`);
  }

  @Get(':quarter')
  @Page(Permission.THEMES_REVIEW)
  async review(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('quarter') quarter: string,
    @Query('saved') saved?: string,
  ) {
    return this.showReview(req, res, actor, quarter, { saved });
  }

  @Post(':quarter/meeting')
  @Page(Permission.THEMES_REVIEW)
  async saveMeeting(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('quarter') quarter: string,
    @Body() form: FormBody,
  ) {
    const attendees = one(form.attendees)
      .split(/\r?\n/)
      .map((a) => a.trim())
      .filter(Boolean);
    const decisions = one(form.decisions).trim();
    const version = Number(one(form.version)) || undefined;
    const errors: FormErrors = {};
    if (!attendees.length) errors.attendees = 'themes.meeting.errors.attendees';
    else if (attendees.length > 50 || attendees.some((a) => a.length > 200))
      errors.attendees = 'themes.meeting.errors.attendeesLength';
    if (!decisions) errors.decisions = 'themes.meeting.errors.decisions';
    if (!Object.keys(errors).length) {
      try {
        await this.meetings.put(actor, quarter, { attendees, decisions, ...(version ? { version } : {}) });
        return redirect(res, `/quarterly-review/${quarter}?saved=meeting#meeting`);
      } catch (e) {
        Object.assign(
          errors,
          validationErrors(req, e, (field) => `themes.meeting.labels.${field}`),
        );
      }
    }
    return this.showReview(req, res, actor, quarter, {
      meetingValues: { attendees: one(form.attendees), decisions: one(form.decisions), version: one(form.version) },
      errors,
    });
  }

  @Post(':quarter/meeting/actions')
  @Page(Permission.THEMES_REVIEW)
  async raiseAction(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('quarter') quarter: string,
    @Body() form: FormBody,
  ) {
    const values = {
      kind: one(form.kind),
      description: one(form.description).trim(),
      owner: one(form.owner).trim(),
      dueOn: one(form.dueOn).trim(),
    };
    const errors: FormErrors = {};
    if (!(ACTION_KINDS as readonly string[]).includes(values.kind)) errors.kind = 'themes.action.errors.kind';
    if (!values.description) errors.description = 'themes.action.errors.description';
    if (!values.owner) errors.owner = 'themes.action.errors.owner';
    if (!DATE.test(values.dueOn)) errors.dueOn = 'themes.action.errors.dueOn';
    if (!Object.keys(errors).length) {
      try {
        await this.meetings.raiseAction(actor, quarter, values as Parameters<MeetingsService['raiseAction']>[2]);
        return redirect(res, `/quarterly-review/${quarter}?saved=action#meeting`);
      } catch (e) {
        Object.assign(
          errors,
          validationErrors(req, e, (field) => `themes.action.labels.${field}`),
        );
      }
    }
    return this.showReview(req, res, actor, quarter, { actionValues: values, errors });
  }

  @Post(':quarter/packs')
  @Page(Permission.THEMES_REVIEW)
  async requestPack(@Res() res: Response, @CurrentActor() actor: Actor, @Param('quarter') quarter: string) {
    const pack = await this.packs.request(actor, quarter, {});
    redirect(res, `/quarterly-review/packs/${pack.id}`);
  }

  @Get('packs/:id')
  @Page(Permission.THEMES_REVIEW)
  async pack(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const pack = await this.packs.get(id);
    const quarter = quarterOf(pack.quarter);
    render(req, res, 'themes/pack', {
      pack,
      quarter,
      done: pack.status === 'ready' || pack.status === 'failed',
      csv: pack.downloads
        ? Object.keys(pack.downloads.csv).map((name) => ({
            file: `${name}.csv`,
            href: `/quarterly-review/packs/${id}/tables/${name}.csv`,
          }))
        : [],
    });
  }

  /** The pack's status for the progress script (JSON; the page itself works without it). */
  @Get('packs/:id/status')
  @Page(Permission.THEMES_REVIEW)
  async packStatus(@Res() res: Response, @Param('id') id: string) {
    const pack = await this.packs.get(id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: pack.status });
  }

  @Get('packs/:id/report.pdf')
  @Page(Permission.THEMES_REVIEW)
  pdf(@Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.send(actor, id, 'pdf', res);
  }

  @Get('packs/:id/report.html')
  @Page(Permission.THEMES_REVIEW)
  html(@Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.send(actor, id, 'html', res);
  }

  @Get('packs/:id/tables/:table')
  @Page(Permission.THEMES_REVIEW)
  csv(@Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string, @Param('table') table: string) {
    return this.send(actor, id, 'csv', res, table.replace(/\.csv$/, ''));
  }

  /** As the API's /report-packs downloads: audited by the service; the HTML pack is a document, not a page. */
  private async send(actor: Actor, id: string, format: PackFormat, res: Response, table?: string): Promise<void> {
    const file = await this.packs.download(actor, id, format, table);
    res.setHeader(
      'content-security-policy',
      format === 'html' ? "default-src 'none'; style-src 'unsafe-inline'; img-src data:" : "default-src 'none'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(200)
      .type(file.contentType)
      .setHeader('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.body);
  }

  private async showReview(
    req: Request,
    res: Response,
    actor: Actor,
    quarter: string,
    state: {
      saved?: string;
      meetingValues?: Record<string, string>;
      actionValues?: Record<string, string>;
      errors?: FormErrors;
    },
  ) {
    const review = await this.reviews.review(actor, quarter, {});
    const themes = await this.themes.list({ includeRetired: true });
    const t = this.tr(req);
    const tables = reportTables(review, { themes: new Map(themes.map((th) => [th.code, th.label])) }).map(pageTable);
    const charts = reviewCharts(review, t);
    const { items: packs } = await this.packs.list(quarter);
    const meeting = review.meeting;
    const errors = state.errors ?? {};
    render(
      req,
      res,
      'themes/review',
      {
        review,
        quarter: review.quarter,
        all: review.ratings.find((r) => r.source === 'all') ?? null,
        charts,
        tables,
        packs: packs.slice(0, 5),
        meeting,
        meetingValues: state.meetingValues ?? {
          attendees: meeting?.attendees.join('\n') ?? '',
          decisions: meeting?.decisions ?? '',
          version: meeting ? String(meeting.version) : '',
        },
        actionValues: state.actionValues ?? {},
        actionKinds: ACTION_KINDS.map((k) => ({
          value: k,
          text: t(`themes.action.kinds.${k}`),
          selected: state.actionValues?.kind === k,
        })),
        saved: state.saved,
        ...errorView(req, errors),
      },
      Object.keys(errors).length ? 400 : 200,
    );
  }

  private tr(req: Request) {
    const { locale } = webState(req);
    return (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  }
}

/** 2024-04-01 → 2024-Q2. */
function quarterOf(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}
