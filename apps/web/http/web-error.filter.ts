import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LOGGER, type Logger } from '@scrutiny/core';
import { requestIdOf, toProblem } from '@scrutiny/http';
import { CsrfRefused, WebRedirect } from './web-errors';
import { render } from './web-request';

/** The error page of each status a page can end in (anything else is the service's problem page). */
function viewOf(status: number): { view: string; status: number } {
  if (status === 404) return { view: 'errors/not-found', status };
  if (status === 403) return { view: 'errors/forbidden', status };
  if (status === 429) return { view: 'errors/too-many-requests', status };
  if (status === 409) return { view: 'errors/conflict', status };
  if (status >= 400 && status < 500) return { view: 'errors/bad-request', status };
  return { view: 'errors/problem', status: status === 503 ? 503 : 500 };
}

/**
 * The pages' errors as GOV.UK error pages, not problem+json: the same mapping of errors to statuses as the API
 * (toProblem), a page for each. Scoped to the web controllers; the API keeps its one problem+json filter.
 */
@Catch()
export class WebErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (error instanceof WebRedirect) {
      res.redirect(303, error.to);
      return;
    }
    if (error instanceof CsrfRefused) {
      render(req, res, 'errors/csrf', {}, 403);
      return;
    }
    const requestId = requestIdOf(req);
    const { problem, internal } = toProblem(error, requestId);
    if (internal) {
      const err =
        error instanceof Error
          ? { message: error.message, stack: error.stack, name: error.name }
          : { value: String(error) };
      this.logger.error({ requestId, err }, 'unhandled error on a page');
    }
    if (problem.status === 401) {
      res.redirect(303, '/sign-in?expired=1');
      return;
    }
    const page = viewOf(problem.status);
    if (page.status === 429) res.setHeader('Retry-After', '60');
    render(req, res, page.view, { requestId, detail: internal ? undefined : problem.detail }, page.status);
  }
}
