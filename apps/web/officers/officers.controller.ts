import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { OfficersService, type OfficerView } from '@scrutiny/records';
import { OfficerTimelineService, type TimelineEvent } from '@scrutiny/themes';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';

type FormBody = Record<string, string | string[] | undefined>;
const one = (v: FormBody[string]) => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? ''));

/**
 * Professional standards' officer register: officers (pseudonymous references) with their teams, record counts and
 * flags, and flagging or clearing a flag (a targeted dip-sample rule) through OfficersService.update, audited as
 * PATCH /api/v1/officers/:id is; and an officer's timeline (OfficerTimelineService, as GET
 * /api/v1/officers/:id/timeline: audited the same). For officers:manage, as those routes are.
 */
@WebController('officer-register')
export class OfficersPagesController {
  constructor(
    private readonly officers: OfficersService,
    private readonly timelines: OfficerTimelineService,
  ) {}

  @Get()
  @Page(Permission.OFFICERS_MANAGE)
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query('team') team?: string,
    @Query('flagged') flagged?: string,
    @Query('saved') saved?: string,
  ) {
    const teamFilter = team?.trim() || undefined;
    const { items, total } = await this.officers.list(actor, { team: teamFilter });
    const rows = flagged === 'yes' ? items.filter(isFlagged) : items;
    render(req, res, 'officers/list', {
      rows: rows.map(row),
      total,
      truncated: total > items.length,
      values: { team: teamFilter ?? '', flagged: flagged === 'yes' },
      saved,
    });
  }

  @Get(':id')
  @Page(Permission.OFFICERS_MANAGE)
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('before') before?: string,
  ) {
    const timeline = await this.timelines.timeline(actor, id, { limit: TIMELINE_PAGE, before: before || undefined });
    const { officer } = timeline;
    render(req, res, 'officers/show', {
      officer: { ...officer, flagged: !!officer.flag && !officer.flag.clearedAt },
      events: timeline.items.map(eventView),
      total: timeline.total,
      earlier: !!before,
      older: timeline.nextCursor
        ? `/officer-register/${officer.id}?before=${encodeURIComponent(timeline.nextCursor)}`
        : null,
    });
  }

  @Get(':id/flag')
  @Page(Permission.OFFICERS_MANAGE)
  async flagForm(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string) {
    const officer = await this.find(actor, id);
    render(req, res, 'officers/flag', { officer: row(officer), values: {} });
  }

  @Post(':id/flag')
  @Page(Permission.OFFICERS_MANAGE)
  async flag(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: FormBody,
  ) {
    const clear = one(form.action) === 'clear';
    const reason = one(form.reason).trim();
    const errors: FormErrors = {};
    if (!clear && !reason) errors.reason = 'officers.flag.errors.reason';
    if (!Object.keys(errors).length) {
      try {
        await this.officers.update(actor, id, clear ? { flagged: false } : { flagged: true, flagReason: reason });
        return redirect(res, `/officer-register?saved=${clear ? 'cleared' : 'flagged'}`);
      } catch (e) {
        Object.assign(
          errors,
          validationErrors(req, e, () => 'officers.flag.reason'),
        );
      }
    }
    const officer = await this.find(actor, id);
    render(req, res, 'officers/flag', { officer: row(officer), values: { reason }, ...errorView(req, errors) }, 400);
  }

  /** One officer as the register lists them (the service answers lists; the register is capped at OFFICERS_LISTED). */
  private async find(actor: Actor, id: string): Promise<OfficerView> {
    const { items } = await this.officers.list(actor, {});
    const officer = items.find((o) => o.id === id);
    if (!officer) throw DomainError.notFound('Officer', id);
    return officer;
  }
}

/** Events on one page of the officer's timeline. */
const TIMELINE_PAGE = 50;

/** The vocabulary that turns an outcome code into words, by what the event is. */
const OUTCOME_VOCABULARY: Record<string, string> = {
  stop_search: 'stop_search_outcome',
  vehicle_stop: 'vehicle_stop_outcome',
  use_of_force: 'uof_outcome',
  review: 'review_outcome',
  rating: 'review_outcome',
  finding: 'finding_outcome',
};

function eventView(e: TimelineEvent) {
  return {
    ...e,
    outcomeVocabulary: OUTCOME_VOCABULARY[e.kind === 'record' ? e.record.kind : e.kind] ?? null,
  };
}

const isFlagged = (o: OfficerView) => !!o.flag && !o.flag.clearedAt;

function row(o: OfficerView) {
  return {
    id: o.id,
    reference: o.reference,
    forceCode: o.forceCode,
    teamCode: o.teamCode,
    supervisor: o.supervisor?.username ?? null,
    flagged: isFlagged(o),
    flaggedAt: o.flag?.flaggedAt ?? null,
    flagReason: o.flag?.reason ?? null,
    records: o.records,
  };
}
