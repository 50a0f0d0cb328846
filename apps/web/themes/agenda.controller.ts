import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { DomainError } from '@scrutiny/core';
import { PanelsService } from '@scrutiny/panels';
import { errorView, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';

type FormBody = Record<string, string | string[] | undefined>;
const many = (v: FormBody[string]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Building a panel session's agenda (the chair, or professional standards): the issued dip samples' cases within the
 * panel's remit with their supervisor review, added or taken off through PanelsService.agendaCandidates,
 * addToAgenda and removeFromAgenda with the Actor, as POST/DELETE /panel-sessions/:id/agenda do (the service decides
 * who may: anyone else gets its 403 or 404).
 */
@WebController('sessions')
export class AgendaBuilderController {
  constructor(private readonly panels: PanelsService) {}

  @Get(':id/agenda')
  @Page(Permission.PANELS_PARTICIPATE)
  async builder(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() q: Record<string, string | undefined>,
  ) {
    return this.show(req, res, actor, id, q, {});
  }

  @Post(':id/agenda')
  @Page(Permission.PANELS_PARTICIPATE)
  async add(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: FormBody,
  ) {
    const cases = many(form.cases)
      .map((c) => c.split(':'))
      .filter((p) => p.length === 2)
      .map(([kind, caseId]) => ({ kind, id: caseId }));
    if (!cases.length) return this.show(req, res, actor, id, {}, { cases: 'themes.agenda.errors.cases' });
    await this.panels.addToAgenda(actor, id, { cases });
    redirect(res, `/sessions/${id}/agenda?saved=added`);
  }

  @Post(':id/agenda/:itemId/remove')
  @Page(Permission.PANELS_PARTICIPATE)
  async remove(
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
  ) {
    await this.panels.removeFromAgenda(actor, id, itemId);
    redirect(res, `/sessions/${id}/agenda?saved=removed`);
  }

  private async show(
    req: Request,
    res: Response,
    actor: Actor,
    id: string,
    q: Record<string, string | undefined>,
    errors: FormErrors,
  ) {
    const session = await this.panels.getSession(actor, id);
    const period = q.period && MONTH.test(q.period) ? q.period : undefined;
    const reviewed = q.reviewed === 'yes';
    const candidates = await this.panels.agendaCandidates(actor, id, { period, reviewed }).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === 'VALIDATION_FAILED') return [];
      throw e;
    });
    render(
      req,
      res,
      'themes/agenda',
      {
        session,
        agenda: session.agenda,
        candidates: candidates.filter((c) => !c.onAgenda),
        filters: { period: period ?? '', reviewed },
        saved: q.saved,
        ...errorView(req, errors),
      },
      Object.keys(errors).length ? 400 : 200,
    );
  }
}
