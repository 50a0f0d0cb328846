import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor, type CaseKind } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import {
  ACTION_KINDS,
  DeliberationService,
  PanelsService,
  type RatingView,
  type ShownSessionView,
} from '@scrutiny/panels';
import { CasesService, type CaseRecordView } from '@scrutiny/records';
import { ThemesService } from '@scrutiny/themes';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { translate } from '../i18n/messages';
import { parseReviewForm, reviewFormErrors, reviewFormView } from '../reviews/review-form.view';
import { answersSummary, recordSummary } from '../reviews/reviews.view';
import {
  actionRow,
  agendaRows,
  agreementRows,
  groupOf,
  isoDateOf,
  sessionRow,
  SESSION_GROUPS,
  type SessionGroup,
} from './panels.view';

type FormBody = Record<string, string | string[] | undefined>;
const one = (v: FormBody[string]) => (Array.isArray(v) ? v[v.length - 1] : v);
const many = (v: FormBody[string]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function tacticsOf(record: CaseRecordView | null): string[] {
  const tactics = record?.tactics;
  return Array.isArray(tactics)
    ? tactics.map((t) => (typeof t === 'string' ? t : (t as { tactic: string }).tactic))
    : [];
}

/**
 * The panel member's pages: My sessions, a session (agenda; the chair's attendance, quorum and moving it on), a case
 * (declare a conflict, rate it blind, then the others' ratings; the chair's consensus finding and actions), the
 * printable case pack and "You said, we did". Every read and write goes through PanelsService and
 * DeliberationService with the signed-in Actor, as the JSON API's panel routes do: membership, blindness, conflicts
 * and pseudonymisation are theirs.
 */
@WebController()
export class PanelPagesController {
  constructor(
    private readonly panels: PanelsService,
    private readonly deliberation: DeliberationService,
    private readonly cases: CasesService,
    private readonly themes: ThemesService,
  ) {}

  // ---- My sessions ----

  @Get('sessions')
  @Page(Permission.SELF)
  async list(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Query('show') show?: string) {
    const { items, total } = await this.panels.listSessions(actor, {});
    const group: SessionGroup = (SESSION_GROUPS as readonly string[]).includes(show ?? '')
      ? (show as SessionGroup)
      : 'upcoming';
    const counts = Object.fromEntries(
      SESSION_GROUPS.map((g) => [g, items.filter((s) => groupOf(s.status) === g).length]),
    );
    // Upcoming soonest first; the others newest first (the service's order).
    const rows = items.filter((s) => groupOf(s.status) === group).map(sessionRow);
    if (group === 'upcoming') rows.reverse();
    render(req, res, 'panels/sessions', {
      group,
      groups: SESSION_GROUPS,
      counts,
      rows,
      truncated: total > items.length,
    });
  }

  // ---- a session ----

  @Get('sessions/:id')
  @Page(Permission.SELF)
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() q: Record<string, string | undefined>,
  ) {
    await this.sessionPage(req, res, actor, await this.panels.getSession(actor, id), { flag: q.done });
  }

  @Post('sessions/:id/attendance')
  @Page(Permission.SELF)
  async attendance(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: FormBody,
  ) {
    const session = await this.panels.getSession(actor, id);
    const present = new Set(many(body.present));
    const members = await this.members(actor, session);
    await this.panels.setAttendance(
      actor,
      id,
      members.map((m) => ({ userId: m.userId, present: present.has(m.userId) })),
    );
    redirect(res, `/sessions/${id}?done=attendance#attendance`);
  }

  @Post('sessions/:id/status')
  @Page(Permission.SELF)
  async transition(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: FormBody,
  ) {
    const to = one(body.status) ?? '';
    try {
      await this.panels.transition(actor, id, to, Number(one(body.version)));
    } catch (error) {
      // The session cannot move on (no quorum, empty agenda) or moved meanwhile: say so on the session page.
      if (!(error instanceof DomainError) || !['CONFLICT', 'VERSION_CONFLICT'].includes(error.code)) throw error;
      const session = await this.panels.getSession(actor, id);
      return this.sessionPage(req, res, actor, session, { problem: error.message }, 409);
    }
    redirect(res, `/sessions/${id}?done=${encodeURIComponent(to)}`);
  }

  /** The printable case pack: every case of the agenda as the reader may see it (pseudonymised for an external member). */
  @Get('sessions/:id/pack')
  @Page(Permission.SELF)
  async pack(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string) {
    const session = await this.panels.getSession(actor, id);
    const t = this.t(req);
    const cases = [];
    for (const item of session.agenda) {
      const record = await this.caseOrNull(actor, item.caseKind as CaseKind, item.caseId);
      cases.push({ position: item.position, record: record ? recordSummary(record, t) : null });
    }
    render(req, res, 'panels/pack', { session: this.sessionModel(session), cases });
  }

  // ---- a case of the session ----

  @Get('sessions/:id/cases/:itemId')
  @Page(Permission.PANELS_PARTICIPATE)
  async casePage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Query('done') done?: string,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    const ratings = await this.deliberation.ratings(actor, id, itemId);
    const mine = ratings.find((r) => r.mine);
    await this.casePageOf(req, res, actor, session, item, ratings, {
      answers: (mine?.form ?? {}) as Record<string, unknown>,
      errors: {},
      done,
    });
  }

  @Post('sessions/:id/cases/:itemId/rating')
  @Page(Permission.PANELS_PARTICIPATE)
  async rate(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: FormBody,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    const { kind, record, tactics, form } = await this.postedForm(actor, item, body);
    const submit = one(body._action) === 'submit';
    const version = one(body._version);
    try {
      await this.deliberation.saveRating(actor, id, itemId, {
        form,
        submit,
        version: version ? Number(version) : undefined,
      });
    } catch (error) {
      const errors = this.ratingErrors(req, error, kind, tactics);
      const ratings = await this.deliberation.ratings(actor, id, itemId);
      return this.casePageOf(req, res, actor, session, item, ratings, { answers: form, errors, record }, 400);
    }
    redirect(res, `/sessions/${id}/cases/${itemId}?done=${submit ? 'submitted' : 'saved'}`);
  }

  @Get('sessions/:id/cases/:itemId/conflict')
  @Page(Permission.PANELS_PARTICIPATE)
  async conflictPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    render(req, res, 'panels/conflict', {
      session: this.sessionModel(session),
      item: { id: item.id, position: item.position },
      values: {},
      ...errorView(req, {}),
    });
  }

  @Post('sessions/:id/cases/:itemId/conflict')
  @Page(Permission.PANELS_PARTICIPATE)
  async conflict(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: FormBody,
  ) {
    const reason = one(body.reason) ?? '';
    const errors: FormErrors = {};
    try {
      await this.panels.declareConflict(actor, id, itemId, reason);
      return redirect(res, `/sessions/${id}?done=conflict`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      errors.reason = 'panels.conflict.errors.reason';
    }
    const { session, item } = await this.itemOf(actor, id, itemId);
    render(
      req,
      res,
      'panels/conflict',
      {
        session: this.sessionModel(session),
        item: { id: item.id, position: item.position },
        values: { reason },
        ...errorView(req, errors),
      },
      400,
    );
  }

  /** The chair's consensus finding, on the same form (its finding outcomes), while the session is open. */
  @Get('sessions/:id/cases/:itemId/finding')
  @Page(Permission.SELF)
  async findingPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    await this.findingPageOf(req, res, actor, session, item, null, {});
  }

  @Post('sessions/:id/cases/:itemId/finding')
  @Page(Permission.SELF)
  async finding(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: FormBody,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    const { kind, record, tactics, form } = await this.postedForm(actor, item, body);
    const version = one(body._version);
    try {
      await this.deliberation.saveFinding(actor, id, itemId, { form, version: version ? Number(version) : undefined });
    } catch (error) {
      const errors = this.ratingErrors(req, error, kind, tactics);
      return this.findingPageOf(req, res, actor, session, item, form, errors, record, 400);
    }
    redirect(res, `/sessions/${id}/cases/${itemId}?done=finding#finding`);
  }

  @Post('sessions/:id/cases/:itemId/actions')
  @Page(Permission.SELF)
  async raiseAction(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() body: FormBody,
  ) {
    const { session, item } = await this.itemOf(actor, id, itemId);
    const values = {
      kind: one(body.kind) ?? '',
      description: one(body.description) ?? '',
      owner: one(body.owner) ?? '',
      'dueOn-day': one(body['dueOn-day']) ?? '',
      'dueOn-month': one(body['dueOn-month']) ?? '',
      'dueOn-year': one(body['dueOn-year']) ?? '',
    };
    const errors: FormErrors = {};
    if (!item.finding) throw new DomainError('CONFLICT', 'Record the finding before raising actions from it');
    if (!values.kind) errors.kind = 'panels.action.errors.kind';
    if (!values.description.trim()) errors.description = 'panels.action.errors.description';
    if (!values.owner.trim()) errors.owner = 'panels.action.errors.owner';
    const dueOn = isoDateOf(values['dueOn-day'], values['dueOn-month'], values['dueOn-year']);
    // The error summary links to the date's first field (GOV.UK date input pattern).
    if (!dueOn) errors['dueOn-day'] = 'panels.action.errors.dueOn';
    if (!Object.keys(errors).length) {
      try {
        await this.deliberation.createAction(actor, item.finding.id, { ...values, dueOn: dueOn! });
        return redirect(res, `/sessions/${id}/cases/${itemId}?done=action#actions`);
      } catch (error) {
        Object.assign(
          errors,
          validationErrors(req, error, (field) => `panels.action.labels.${field}`),
        );
      }
    }
    const ratings = await this.deliberation.ratings(actor, id, itemId);
    const mine = ratings.find((r) => r.mine);
    await this.casePageOf(
      req,
      res,
      actor,
      session,
      item,
      ratings,
      { answers: (mine?.form ?? {}) as Record<string, unknown>, errors: {}, action: { values, errors } },
      400,
    );
  }

  // ---- You said, we did ----

  @Get('actions')
  @Page(Permission.SELF)
  async actions(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query('show') show?: string,
    @Query('cursor') cursor?: string,
  ) {
    const overdue = show === 'overdue';
    const page = await this.deliberation.listActions(actor, { overdue, cursor, limit: 50 });
    render(req, res, 'panels/actions', {
      overdue,
      rows: page.items.map(actionRow),
      total: page.total,
      nextHref: page.nextCursor
        ? `/actions?${new URLSearchParams({ ...(overdue ? { show: 'overdue' } : {}), cursor: page.nextCursor })}`
        : null,
    });
  }

  // ---- helpers ----

  private t(req: Request) {
    const { locale } = webState(req);
    return (key: string, params?: Record<string, unknown>) => translate(locale, key, params);
  }

  private sessionModel(session: ShownSessionView) {
    return {
      id: session.id,
      panel: session.panel.name,
      panelKind: session.panel.kind,
      scheduledAt: session.scheduledAt,
      venue: session.venue,
      online: session.online,
      status: session.status,
      role: session.yourRole,
      version: session.version,
      quorum: session.panel.quorum,
      pseudonymised: session.pseudonymised,
      minutes: session.minutes,
    };
  }

  /** The agenda item as the actor is shown it: 404 when it is not on their agenda (or they stood aside from it). */
  private async itemOf(actor: Actor, id: string, itemId: string) {
    const session = await this.panels.getSession(actor, id);
    const item = session.agenda.find((i) => i.id === itemId);
    if (!item) throw DomainError.notFound('Agenda item', itemId);
    return { session, item };
  }

  /** The panel's members, for the chair's attendance (the panel read refuses others). */
  private async members(actor: Actor, session: ShownSessionView) {
    return (await this.panels.getPanel(actor, session.panel.id)).members;
  }

  /** A member's rating or the chair's finding as posted: the review form of the item's case, read against the case. */
  private async postedForm(actor: Actor, item: { caseKind: string; caseId: string }, body: FormBody) {
    const kind = item.caseKind as CaseKind;
    const record = await this.caseOrNull(actor, kind, item.caseId);
    const tactics = tacticsOf(record);
    return { kind, record, tactics, form: parseReviewForm(kind, body, tactics) };
  }

  /** The deliberation service's refusal of a rating or finding as the form's errors; anything else is an error page. */
  private ratingErrors(req: Request, error: unknown, kind: CaseKind, tactics: string[]) {
    if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
    const { locale } = webState(req);
    return reviewFormErrors(error, kind, tactics, {
      required: (question) => translate(locale, 'panels.rating.errors.required', { question }),
    });
  }

  private async caseOrNull(actor: Actor, kind: CaseKind, shownId: string): Promise<CaseRecordView | null> {
    try {
      return await this.cases.get(actor, kind, shownId);
    } catch (error) {
      // Out of the member's reach now (e.g. some time after the session closed): the page says so.
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private async sessionPage(
    req: Request,
    res: Response,
    actor: Actor,
    session: ShownSessionView,
    state: { flag?: string; problem?: string },
    status = 200,
  ) {
    const chair = session.yourRole === 'chair';
    const members = chair ? await this.members(actor, session) : [];
    const presentIds = new Set(session.attendance.filter((a) => a.present).map((a) => a.userId));
    // The agreement: the chair's while the session is open, everyone's after (the service decides).
    let agreement: ReturnType<typeof agreementRows> | null = null;
    let ratingsCount = 0;
    if (session.status !== 'planned' && session.status !== 'cancelled') {
      try {
        const result = await this.deliberation.agreement(actor, session.id);
        agreement = agreementRows(result.criteria);
        ratingsCount = result.ratings;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'FORBIDDEN') throw error;
      }
    }
    const closed = session.status === 'closed' || session.status === 'published';
    let report: Awaited<ReturnType<DeliberationService['report']>> | null = null;
    if (closed) report = await this.deliberation.report(actor, session.id);
    render(
      req,
      res,
      'panels/session',
      {
        session: this.sessionModel(session),
        agenda: agendaRows(session),
        chair,
        attendance: members.map((m) => ({ userId: m.userId, username: m.username, present: presentIds.has(m.userId) })),
        present: presentIds.size,
        quorate: presentIds.size >= session.panel.quorum,
        conflicts: session.conflicts.length,
        agreement,
        ratingsCount,
        findings: (report?.items ?? []).map((i) => ({
          position: i.position,
          finding: i.finding ? answersSummary(i.case.kind, i.finding.form, []).slice(-2) : null,
          rag: (i.finding?.form as { assessment?: { rag?: string } } | undefined)?.assessment?.rag ?? null,
          outcome: (i.finding?.form as { outcome?: string } | undefined)?.outcome ?? null,
          actions: i.actions,
        })),
        flag: state.flag,
        ...(state.problem ? { errorList: [{ text: state.problem, href: '#move-on' }] } : {}),
      },
      status,
    );
  }

  /** The finding form: what was just posted, else the latest finding's answers, else the chair's own rating's. */
  private async findingPageOf(
    req: Request,
    res: Response,
    actor: Actor,
    session: ShownSessionView,
    item: ShownSessionView['agenda'][number],
    posted: Record<string, unknown> | null,
    formErrors: FormErrors,
    known?: CaseRecordView | null,
    status = 200,
  ) {
    // The service's rule (it refuses the save too): only the chair records the finding.
    this.panels.requireChair(session as unknown as Parameters<PanelsService['requireChair']>[0]);
    const kind = item.caseKind as CaseKind;
    const record = known !== undefined ? known : await this.caseOrNull(actor, kind, item.caseId);
    const [versions, ratings, themes] = await Promise.all([
      item.finding ? this.deliberation.findings(actor, session.id, item.id) : Promise.resolve([]),
      this.deliberation.ratings(actor, session.id, item.id),
      this.themes.list(),
    ]);
    const latest = versions[0];
    const mine = ratings.find((r) => r.mine);
    const { errors, errorList } = errorView(req, formErrors);
    render(
      req,
      res,
      'panels/finding',
      {
        session: this.sessionModel(session),
        item: { id: item.id, position: item.position },
        open: session.status === 'open',
        version: latest?.rowVersion ?? '',
        sections: reviewFormView(
          {
            kind,
            answers: posted ?? ((latest?.form ?? mine?.form ?? {}) as Record<string, unknown>),
            themes,
            tactics: tacticsOf(record),
            errors,
          },
          this.t(req)('panels.finding.outcomeSection'),
          'finding',
        ),
        errorList,
      },
      status,
    );
  }

  private async casePageOf(
    req: Request,
    res: Response,
    actor: Actor,
    session: ShownSessionView,
    item: ShownSessionView['agenda'][number],
    ratings: RatingView[],
    state: {
      answers: Record<string, unknown>;
      errors: FormErrors;
      done?: string;
      record?: CaseRecordView | null;
      action?: { values: Record<string, string>; errors: FormErrors };
    },
    status = 200,
  ) {
    const kind = item.caseKind as CaseKind;
    const [record, themes] = await Promise.all([
      state.record !== undefined ? state.record : this.caseOrNull(actor, kind, item.caseId),
      this.themes.list(),
    ]);
    const t = this.t(req);
    const tactics = tacticsOf(record);
    const mine = ratings.find((r) => r.mine);
    const submitted = mine?.status === 'submitted';
    const rating = errorView(req, state.errors);
    const canRate = session.yourRole !== 'manager' && session.status === 'open' && !submitted;
    const chair = session.yourRole === 'chair';
    // The finding (its latest version), and the actions raised from it.
    let findingView = null;
    let actions: ReturnType<typeof actionRow>[] = [];
    if (item.finding) {
      const [[latest], raised] = await Promise.all([
        this.deliberation.findings(actor, session.id, item.id),
        this.deliberation.listActions(actor, { sessionId: session.id, limit: 500 }),
      ]);
      if (latest)
        findingView = {
          sections: answersSummary(kind, latest.form, themes),
          status: latest.status,
          version: latest.rowVersion,
        };
      actions = raised.items.filter((a) => a.agendaItemId === item.id).map(actionRow);
    }
    const actionForm = errorView(req, state.action?.errors ?? {});
    render(
      req,
      res,
      'panels/case',
      {
        session: this.sessionModel(session),
        item: { id: item.id, position: item.position, kind: item.caseKind, hasFinding: !!item.finding },
        record: record ? recordSummary(record, t) : null,
        canRate,
        submitted,
        version: mine?.version ?? '',
        sections: canRate
          ? reviewFormView(
              { kind, answers: state.answers, themes, tactics, errors: rating.errors },
              t('panels.rating.outcomeSection'),
            )
          : [],
        mineAnswers: submitted ? answersSummary(kind, mine!.form, themes) : [],
        others: ratings
          .filter((r) => !r.mine)
          .map((r) => ({ rater: r.rater, submittedAt: r.submittedAt, sections: answersSummary(kind, r.form, themes) })),
        chair,
        finding: findingView,
        canRecordFinding: chair && session.status === 'open',
        actions,
        actionKinds: ACTION_KINDS,
        actionValues: state.action?.values ?? {},
        actionErrors: actionForm.errors,
        done: state.done,
        errorList: [...rating.errorList, ...actionForm.errorList],
      },
      status,
    );
  }
}
