import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentActor, Permission, type Actor } from '@scrutiny/auth';
import { PanelsService } from '@scrutiny/panels';
import { SamplingPlansService } from '@scrutiny/sampling';
import { Page, WebController } from '../http/page-access';
import { redirect, render } from '../http/web-request';

/** Panels with their members' terms, vetting and confidentiality dates; sampling plans and their schedules. */
@WebController('admin')
export class AdminPanelsController {
  constructor(
    private readonly panels: PanelsService,
    private readonly plans: SamplingPlansService,
  ) {}

  @Get('panels')
  @Page(Permission.PANELS_MANAGE)
  async panelList(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    const { items } = await this.panels.listPanels(actor);
    render(req, res, 'admin/panels', { panels: items });
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
}
