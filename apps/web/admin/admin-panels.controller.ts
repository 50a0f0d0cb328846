import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CASE_KINDS, CurrentActor, Permission, UsersService, type Actor } from '@scrutiny/auth';
import { PanelsService, type PanelView } from '@scrutiny/panels';
import { SamplingPlansService } from '@scrutiny/sampling';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';
import { isoDateOf } from '../panels/panels.view';

type Form = Record<string, string | string[] | undefined>;
const MEMBER_DATES = ['termStart', 'termEnd', 'vettedOn', 'confidentialitySignedOn'] as const;
const SAVED = ['created', 'updated', 'member', 'session'];

const one = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : '';
const listOf = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
const dateParts = (iso: string | null | undefined, prefix: string) => {
  const [y, m, d] = (iso ?? '').split('-');
  return {
    [`${prefix}-day`]: d ? String(Number(d)) : '',
    [`${prefix}-month`]: m ? String(Number(m)) : '',
    [`${prefix}-year`]: y ?? '',
  };
};

/** A London wall-clock date and time ("2024-06-20", "18:30") as an instant with its offset, BST or GMT. */
export function londonInstant(date: string, time: string): string | undefined {
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(time.trim());
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return undefined;
  const wall = Date.parse(`${date}T${match[1].padStart(2, '0')}:${match[2]}:00Z`);
  const offsetAt = (at: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(at)
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - at;
  };
  // Two passes settle the offset on either side of a clock change.
  const offset = offsetAt(wall - offsetAt(wall));
  const minutes = offset / 60_000;
  const sign = minutes < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `${date}T${match[1].padStart(2, '0')}:${match[2]}:00${sign}${hh}:${mm}`;
}

/**
 * Panels with their members' terms, vetting and confidentiality dates (created, changed and scheduled through the
 * same PanelsService calls as the JSON API, under panels:manage); sampling plans and their schedules.
 */
@WebController('admin')
export class AdminPanelsController {
  constructor(
    private readonly panels: PanelsService,
    private readonly plans: SamplingPlansService,
    private readonly users: UsersService,
  ) {}

  @Get('panels')
  @Page(Permission.PANELS_MANAGE)
  async panelList(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    const { items } = await this.panels.listPanels(actor);
    render(req, res, 'admin/panels', { panels: items });
  }

  @Get('panels/new')
  @Page(Permission.PANELS_MANAGE)
  newPanel(@Req() req: Request, @Res() res: Response): void {
    this.renderPanelForm(
      req,
      res,
      undefined,
      { kind: 'external', remit: ['stop_search'], quorum: '3', bwvRedacted: 'true' },
      {},
    );
  }

  @Post('panels')
  @Page(Permission.PANELS_MANAGE)
  async createPanel(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Body() form: Form) {
    const errors: FormErrors = {};
    const input = this.panelInput(form, errors);
    if (!Object.keys(errors).length) {
      try {
        const panel = await this.panels.createPanel(actor, { ...input, kind: input.kind as 'internal' | 'external' });
        return redirect(res, `/admin/panels/${panel.id}?saved=created`);
      } catch (error) {
        this.formErrors(req, error, errors);
      }
    }
    this.renderPanelForm(req, res, undefined, { ...form, remit: listOf(form.remit) }, errors, 400);
  }

  @Get('panels/:id')
  @Page(Permission.PANELS_MANAGE)
  async showPanel(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('saved') saved?: string,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    this.renderPanelForm(
      req,
      res,
      panel,
      this.panelValues(panel),
      {},
      200,
      SAVED.includes(saved ?? '') ? saved : undefined,
    );
  }

  @Post('panels/:id')
  @Page(Permission.PANELS_MANAGE)
  async updatePanel(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: Form,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    const errors: FormErrors = {};
    const { kind: _kind, ...input } = this.panelInput({ ...form, kind: panel.kind }, errors);
    if (!Object.keys(errors).length) {
      try {
        // A stale version is the service's 409 (the conflict page), as for the API.
        await this.panels.updatePanel(actor, id, { ...input, version: Number(one(form.version)) });
        return redirect(res, `/admin/panels/${id}?saved=updated`);
      } catch (error) {
        this.formErrors(req, error, errors);
      }
    }
    this.renderPanelForm(req, res, panel, { ...form, remit: listOf(form.remit) }, errors, 400);
  }

  @Get('panels/:id/members')
  @Page(Permission.PANELS_MANAGE)
  async memberForm(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('userId') userId?: string,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    const member = panel.members.find((m) => m.userId === userId);
    const values: Form = member
      ? {
          userId: member.userId,
          role: member.role,
          ...Object.assign({}, ...MEMBER_DATES.map((f) => dateParts(member[f], f))),
        }
      : { role: 'member' };
    await this.renderMemberForm(req, res, actor, panel, member?.userId, values, {});
  }

  @Post('panels/:id/members')
  @Page(Permission.PANELS_MANAGE)
  async putMember(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: Form,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    const errors: FormErrors = {};
    const userId = one(form.userId);
    if (!userId) errors.userId = 'admin.panels.member.errors.userId';
    const dates: Record<string, string | null> = {};
    for (const f of MEMBER_DATES) {
      const [d, m, y] = ['day', 'month', 'year'].map((p) => one(form[`${f}-${p}`]).trim());
      if (!d && !m && !y) dates[f] = null;
      else dates[f] = isoDateOf(d, m, y) ?? null;
      if ((d || m || y) && !dates[f]) errors[`${f}-day`] = `admin.panels.member.errors.date`;
    }
    if (!dates.termStart && !errors['termStart-day']) errors['termStart-day'] = 'admin.panels.member.errors.termStart';
    if (!Object.keys(errors).length) {
      try {
        await this.panels.putMember(actor, id, userId, {
          role: one(form.role) as 'chair' | 'member',
          termStart: dates.termStart!,
          termEnd: dates.termEnd,
          vettedOn: dates.vettedOn,
          confidentialitySignedOn: dates.confidentialitySignedOn,
        });
        return redirect(res, `/admin/panels/${id}?saved=member`);
      } catch (error) {
        this.formErrors(req, error, errors, 'member');
      }
    }
    const existing = panel.members.some((m) => m.userId === userId) ? userId : undefined;
    await this.renderMemberForm(req, res, actor, panel, existing, form, errors, 400);
  }

  @Get('panels/:id/sessions/new')
  @Page(Permission.PANELS_MANAGE)
  async sessionForm(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    render(req, res, 'admin/panel-session', { panel, values: { time: '18:30' }, errors: {} });
  }

  @Post('panels/:id/sessions')
  @Page(Permission.PANELS_MANAGE)
  async createSession(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: Form,
  ): Promise<void> {
    const panel = await this.panels.getPanel(actor, id);
    const errors: FormErrors = {};
    const date = isoDateOf(one(form['date-day']), one(form['date-month']), one(form['date-year']));
    if (!date) errors['date-day'] = 'admin.panels.session.errors.date';
    const scheduledAt = date ? londonInstant(date, one(form.time)) : undefined;
    if (!londonInstant('2000-01-01', one(form.time))) errors.time = 'admin.panels.session.errors.time';
    const online = one(form.online) === 'true';
    const venue = one(form.venue).trim();
    if (!online && !venue) errors.venue = 'admin.panels.session.errors.venue';
    if (!Object.keys(errors).length) {
      try {
        // The service emails each member in term an invitation with a calendar entry, through the outbox.
        await this.panels.createSession(actor, id, { scheduledAt: scheduledAt!, venue: venue || null, online });
        return redirect(res, `/admin/panels/${id}?saved=session`);
      } catch (error) {
        this.formErrors(req, error, errors, 'session');
      }
    }
    render(req, res, 'admin/panel-session', { panel, values: form, ...errorView(req, errors) }, 400);
  }

  @Get('plans')
  @Page(Permission.SAMPLING_PLANS_MANAGE)
  async planList(@Req() req: Request, @Res() res: Response, @Query('saved') saved?: string): Promise<void> {
    const { items } = await this.plans.list({ limit: 100 });
    render(req, res, 'admin/plans', { plans: items, saved: saved === 'on' || saved === 'off' ? saved : undefined });
  }

  /** Switches a plan's monthly schedule on (from the last ended month) or off, through the plans service. */
  @Post('plans/:id/schedule')
  @Page(Permission.SAMPLING_PLANS_MANAGE)
  async schedule(
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: { enabled?: string },
  ): Promise<void> {
    const enabled = form.enabled === 'true';
    await this.plans.setSchedule(actor, id, { enabled });
    redirect(res, `/admin/plans?saved=${enabled ? 'on' : 'off'}`);
  }

  /** The panel form as PanelsService takes it; the service checks the rest (its words shown on the fields). */
  private panelInput(form: Form, errors: FormErrors) {
    const quorum = one(form.quorum).trim();
    if (quorum && !/^\d+$/.test(quorum)) errors.quorum = 'admin.panels.form.errors.quorum';
    return {
      name: one(form.name).trim(),
      kind: one(form.kind),
      remit: listOf(form.remit),
      showGrounds: one(form.showGrounds) === 'true',
      bwvRedacted: one(form.bwvRedacted) === 'true',
      quorum: quorum ? Number(quorum) : undefined,
    };
  }

  private panelValues(panel: PanelView): Form {
    return {
      name: panel.name,
      kind: panel.kind,
      remit: panel.remit,
      showGrounds: String(panel.showGrounds),
      bwvRedacted: String(panel.bwvRedacted),
      quorum: String(panel.quorum),
      version: String(panel.version),
    };
  }

  private formErrors(req: Request, error: unknown, errors: FormErrors, form: 'form' | 'member' | 'session' = 'form') {
    const found = validationErrors(req, error, (field) => `admin.panels.${form}.labels.${field}`);
    // Date fields link to their day input, as the date inputs are named.
    for (const [field, e] of Object.entries(found)) {
      const key = (MEMBER_DATES as readonly string[]).includes(field)
        ? `${field}-day`
        : field === 'scheduledAt'
          ? 'date-day'
          : field;
      errors[key] = e;
    }
  }

  private renderPanelForm(
    req: Request,
    res: Response,
    panel: PanelView | undefined,
    values: Form,
    errors: FormErrors,
    status = 200,
    saved?: string,
  ): void {
    render(
      req,
      res,
      panel ? 'admin/panel' : 'admin/panel-new',
      { panel, values, caseKinds: CASE_KINDS, saved, ...errorView(req, errors) },
      status,
    );
  }

  /** The member form; its select offers active users whose role lets them sit on this kind of panel. */
  private async renderMemberForm(
    req: Request,
    res: Response,
    actor: Actor,
    panel: PanelView,
    memberId: string | undefined,
    values: Form,
    errors: FormErrors,
    status = 200,
  ): Promise<void> {
    const candidates = (await this.users.panelCandidates(actor, panel.kind)).map((u) => ({
      id: u.id,
      name: u.displayName ? `${u.displayName} (${u.username})` : u.username,
    }));
    const member = panel.members.find((m) => m.userId === memberId);
    render(req, res, 'admin/panel-member', { panel, member, candidates, values, ...errorView(req, errors) }, status);
  }
}
