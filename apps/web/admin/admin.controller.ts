import { Body, Get, Param, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService, AuditVerifier } from '@scrutiny/audit';
import {
  CurrentActor,
  NOTIFICATION_PREFERENCES,
  Permission,
  ROLES,
  UsersService,
  type Actor,
  type UserView,
} from '@scrutiny/auth';
import { FailedJobsService } from '@scrutiny/jobs';
import { EmailOutbox, OUTBOX_STATUSES } from '@scrutiny/notifications';
import { csvLine, IMPORT_FORMATS, IMPORT_STATUSES, ImportsService, type ImportSummary } from '@scrutiny/records';
import { uploadInterceptor } from '../../api/imports/imports.controller';
import { errorView, validationErrors, type FormErrors } from '../http/form-errors';
import { Page, WebController } from '../http/page-access';
import { redirect, render, webState } from '../http/web-request';
import { translate, type Locale } from '../i18n/messages';

type UserForm = {
  username?: string;
  displayName?: string;
  roles?: string | string[];
  email?: string;
  notificationPreference?: string;
  version?: string;
};

const listOf = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
/** A query value as one string (a repeated parameter keeps its first). */
const one = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;

/**
 * How far an import has gone, for the progress bar, its words and its JSON: a running import reports rows read so far,
 * against the data rows the uploaded file had (when the page knows them).
 */
export function progressOf(locale: Locale, view: ImportSummary, expectedRows?: number) {
  const done = view.status === 'completed' || view.status === 'failed';
  const max = done ? Math.max(view.rowsRead, 1) : expectedRows && expectedRows > 0 ? expectedRows : undefined;
  const value = done ? max! : Math.min(view.rowsRead, max ?? view.rowsRead);
  const stage = done || view.status === 'queued' ? view.status : 'running';
  return {
    done,
    value,
    max,
    percent: max ? Math.floor((100 * value) / max) : undefined,
    message: translate(locale, `admin.imports.progress.${stage}`, {
      read: view.rowsRead,
      imported: view.rowsImported,
      rejected: view.rowsRejected,
      duplicate: view.rowsDuplicate,
    }),
  };
}

/**
 * The administrator's pages: users, imports with their progress and rejected rows, the audit trail and its
 * verification, failed jobs and the email outbox. Each calls the same lib service as the JSON API's route, under the
 * same permission, with the signed-in Actor.
 */
@WebController('admin')
export class AdminController {
  constructor(
    private readonly users: UsersService,
    private readonly imports: ImportsService,
    private readonly audit: AuditService,
    private readonly verifier: AuditVerifier,
    private readonly failed: FailedJobsService,
    private readonly outbox: EmailOutbox,
  ) {}

  @Get()
  @Page(Permission.USERS_MANAGE)
  index(@Req() req: Request, @Res() res: Response): void {
    render(req, res, 'admin/index');
  }

  // Users

  @Get('users')
  @Page(Permission.USERS_MANAGE)
  async userList(@Req() req: Request, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    const { items, total } = await this.users.list(actor);
    render(req, res, 'admin/users', { users: items, total });
  }

  @Get('users/new')
  @Page(Permission.USERS_MANAGE)
  newUser(@Req() req: Request, @Res() res: Response): void {
    this.renderUserForm(req, res, undefined, { notificationPreference: 'immediate' }, {});
  }

  @Post('users')
  @Page(Permission.USERS_MANAGE)
  async createUser(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Body() form: UserForm,
  ): Promise<void> {
    const roles = listOf(form.roles);
    const errors: FormErrors = {};
    if (!form.username?.trim()) errors.username = 'admin.users.errors.usernameMissing';
    if (!roles.length) errors.roles = 'admin.users.errors.rolesMissing';
    if (!Object.keys(errors).length) {
      try {
        const created = await this.users.create(
          {
            username: form.username!.trim(),
            displayName: form.displayName?.trim() || undefined,
            roles,
            email: form.email?.trim() || null,
            notificationPreference: form.notificationPreference || undefined,
          },
          actor,
        );
        // The generated password is shown once, on this answer (never in a URL).
        return render(req, res, 'admin/password', {
          user: created.user,
          password: created.generatedPassword,
          created: true,
        });
      } catch (error) {
        this.formErrors(req, error, errors);
      }
    }
    this.renderUserForm(req, res, undefined, { ...form, roles }, errors, 400);
  }

  @Get('users/:id')
  @Page(Permission.USERS_MANAGE)
  async editUser(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('saved') saved?: string,
  ): Promise<void> {
    const user = await this.users.get(id, actor);
    this.renderUserForm(req, res, user, { ...user, version: String(user.version) }, {}, 200, saved);
  }

  @Post('users/:id')
  @Page(Permission.USERS_MANAGE)
  async updateUser(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: UserForm,
  ): Promise<void> {
    const user = await this.users.get(id, actor);
    const roles = listOf(form.roles);
    const errors: FormErrors = {};
    if (!roles.length) errors.roles = 'admin.users.errors.rolesMissing';
    if (!Object.keys(errors).length) {
      try {
        await this.users.update(
          id,
          {
            version: Number(form.version),
            displayName: form.displayName?.trim() || undefined,
            roles,
            email: form.email?.trim() || null,
            notificationPreference: form.notificationPreference || undefined,
          },
          actor,
        );
        return redirect(res, `/admin/users/${id}?saved=updated`);
      } catch (error) {
        this.formErrors(req, error, errors);
      }
    }
    this.renderUserForm(req, res, user, { ...form, username: user.username, roles }, errors, 400);
  }

  @Post('users/:id/disabled')
  @Page(Permission.USERS_MANAGE)
  async setDisabled(
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() form: { disabled?: string },
  ): Promise<void> {
    const disabled = form.disabled === 'true';
    await this.users.setDisabled(id, disabled, actor);
    redirect(res, `/admin/users/${id}?saved=${disabled ? 'disabled' : 'enabled'}`);
  }

  @Post('users/:id/password')
  @Page(Permission.USERS_MANAGE)
  async resetPassword(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
  ): Promise<void> {
    const { user, generatedPassword } = await this.users.resetPassword(id, undefined, actor);
    render(req, res, 'admin/password', { user, password: generatedPassword, created: false });
  }

  private formErrors(req: Request, error: unknown, errors: FormErrors): void {
    Object.assign(
      errors,
      validationErrors(req, error, (field) => `admin.users.labels.${field.split('.')[0]}`),
    );
  }

  private renderUserForm(
    req: Request,
    res: Response,
    user: UserView | undefined,
    values: Record<string, unknown>,
    errors: FormErrors,
    status = 200,
    saved?: string,
  ): void {
    render(
      req,
      res,
      'admin/user',
      {
        user,
        values,
        roles: ROLES,
        preferences: NOTIFICATION_PREFERENCES,
        saved: ['updated', 'disabled', 'enabled'].includes(saved ?? '') ? saved : undefined,
        ...errorView(req, errors),
      },
      status,
    );
  }

  // Imports

  @Get('imports')
  @Page(Permission.RECORDS_IMPORT)
  async importList(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query() q: Record<string, unknown>,
  ): Promise<void> {
    const status = one(q.status);
    const page = await this.imports.list(actor, {
      status: (IMPORT_STATUSES as readonly string[]).includes(status ?? '') ? status : undefined,
      cursor: one(q.cursor),
      limit: 50,
    });
    render(req, res, 'admin/imports', {
      imports: page.items,
      total: page.total,
      nextCursor: page.nextCursor,
      statuses: IMPORT_STATUSES,
      formats: IMPORT_FORMATS,
      filter: { status },
      values: { format: 'police-uk' },
      ...errorView(req, {}),
    });
  }

  @Post('imports')
  @Page(Permission.RECORDS_IMPORT)
  @UseInterceptors(uploadInterceptor())
  async upload(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Body() form: { format?: string; force?: string },
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
  ): Promise<void> {
    const errors: FormErrors = {};
    if (!form.format) errors.format = 'admin.imports.errors.formatMissing';
    if (!form.force?.trim()) errors.force = 'admin.imports.errors.forceMissing';
    if (!file || !file.buffer.length) errors.file = 'admin.imports.errors.fileMissing';
    if (!Object.keys(errors).length) {
      try {
        const queued = await this.imports.queueUpload(
          { format: form.format!, force: form.force!.trim(), filename: file!.originalname, content: file!.buffer },
          actor,
        );
        // Data rows in the file (lines after the header), so the progress bar has a maximum to fill.
        const lines =
          file!.buffer
            .toString('utf8')
            .split(/\r?\n/)
            .filter((line) => line.trim()).length - 1;
        return redirect(res, `/admin/imports/${queued.id}?rows=${Math.max(lines, 0)}`);
      } catch (error) {
        Object.assign(
          errors,
          validationErrors(req, error, (field) => `admin.imports.labels.${field}`),
        );
      }
    }
    const page = await this.imports.list(actor, { limit: 50 });
    render(
      req,
      res,
      'admin/imports',
      {
        imports: page.items,
        total: page.total,
        nextCursor: page.nextCursor,
        statuses: IMPORT_STATUSES,
        formats: IMPORT_FORMATS,
        filter: {},
        values: form,
        ...errorView(req, errors),
      },
      400,
    );
  }

  @Get('imports/:id')
  @Page(Permission.RECORDS_IMPORT)
  async importPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('rows') rows?: string,
  ): Promise<void> {
    const view = await this.imports.get(actor, id);
    const expected = Number(rows) || undefined;
    render(req, res, 'admin/import', {
      item: view,
      progress: progressOf(webState(req).locale, view, expected),
      expected,
    });
  }

  /**
   * The progress page's question while the import runs (polled by admin-progress.mjs every 2 s): the counters only,
   * unaudited, since the page view was audited once.
   */
  @Get('imports/:id/progress')
  @Page(Permission.RECORDS_IMPORT)
  async importProgress(@Req() req: Request, @Param('id') id: string, @Query('rows') rows?: string) {
    const view = await this.imports.progress(id);
    return {
      status: view.status,
      rowsRead: view.rowsRead,
      rowsImported: view.rowsImported,
      rowsUpdated: view.rowsUpdated,
      rowsDuplicate: view.rowsDuplicate,
      rowsRejected: view.rowsRejected,
      ...progressOf(webState(req).locale, view, Number(rows) || undefined),
    };
  }

  @Get('imports/:id/rejected.csv')
  @Page(Permission.RECORDS_IMPORT)
  async rejectedCsv(@Res() res: Response, @CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    const view = await this.imports.get(actor, id);
    const lines = [['line', 'field', 'reason'], ...view.rejected.map((r) => [String(r.line), r.field, r.reason])];
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', `attachment; filename="import-${view.id}-rejected.csv"`)
      .setHeader('Cache-Control', 'no-store')
      .send(lines.map((l) => csvLine(l)).join('\r\n') + '\r\n');
  }

  // Audit trail

  @Get('audit')
  @Page(Permission.AUDIT_READ)
  async auditTrail(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentActor() actor: Actor,
    @Query() q: Record<string, unknown>,
  ): Promise<void> {
    const filter = {
      action: one(q.action)?.trim() || undefined,
      actorId: one(q.actorId)?.trim() || undefined,
      targetType: one(q.targetType)?.trim() || undefined,
      targetId: one(q.targetId)?.trim() || undefined,
      from: one(q.from)?.trim() || undefined,
      to: one(q.to)?.trim() || undefined,
      cursor: one(q.cursor),
    };
    const errors: FormErrors = {};
    if (filter.actorId && !isUuid(filter.actorId)) errors.actorId = 'admin.audit.errors.actorId';
    for (const field of ['from', 'to'] as const)
      if (filter[field] && Number.isNaN(Date.parse(filter[field]))) errors[field] = 'admin.audit.errors.date';
    const page = Object.keys(errors).length
      ? { items: [], nextCursor: null }
      : await this.audit.list(actor, {
          action: filter.action,
          actorId: filter.actorId,
          targetType: filter.targetType,
          targetId: filter.targetId,
          from: filter.from ? new Date(filter.from) : undefined,
          to: filter.to ? new Date(filter.to) : undefined,
          beforeSeq: filter.cursor && /^\d+$/.test(filter.cursor) ? Number(filter.cursor) : undefined,
          limit: 50,
        });
    const { cursor: _cursor, ...kept } = filter;
    void _cursor;
    const next = page.nextCursor
      ? `/admin/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries(kept).filter(([, v]) => v)), cursor: page.nextCursor } as Record<string, string>)}`
      : undefined;
    render(
      req,
      res,
      'admin/audit',
      { events: page.items, filter, next, ...errorView(req, errors) },
      Object.keys(errors).length ? 400 : 200,
    );
  }

  @Get('audit/verify')
  @Page(Permission.AUDIT_READ)
  async verifyAudit(@Req() req: Request, @Res() res: Response): Promise<void> {
    render(req, res, 'admin/audit-verify', { result: await this.verifier.verify() });
  }

  // Failed jobs

  @Get('jobs')
  @Page(Permission.JOBS_MANAGE)
  async failedJobs(@Req() req: Request, @Res() res: Response, @Query('retried') retried?: string): Promise<void> {
    const { items, total } = await this.failed.page({ status: 'failed', limit: 200 });
    render(req, res, 'admin/jobs', { jobs: items, total, retried: retried && isUuid(retried) ? retried : undefined });
  }

  @Post('jobs/:id/retry')
  @Page(Permission.JOBS_MANAGE)
  async retryJob(@Res() res: Response, @Param('id') id: string): Promise<void> {
    await this.failed.retry(id);
    redirect(res, `/admin/jobs?retried=${encodeURIComponent(id)}`);
  }

  // Email outbox

  @Get('outbox')
  @Page(Permission.USERS_MANAGE)
  async outboxPage(@Req() req: Request, @Res() res: Response, @Query('status') status?: string): Promise<void> {
    const chosen = (OUTBOX_STATUSES as readonly string[]).includes(status ?? '') ? status : undefined;
    const { items, total } = await this.outbox.list({ status: chosen, limit: 200 });
    render(req, res, 'admin/outbox', { emails: items, total, statuses: OUTBOX_STATUSES, filter: { status: chosen } });
  }
}
