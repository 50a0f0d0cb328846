import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LOGGER, type Logger } from '@scrutiny/core';
import { sendProblem, toProblem } from './problem';
import { requestIdOf } from './request-context.middleware';

/** Seconds a client is asked to wait after the database was too busy to answer (pool exhausted, statement time-out). */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/** The one place errors become HTTP responses: every error, every route, as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = requestIdOf(req);
    const { problem, internal } = toProblem(error, requestId);
    if (internal) {
      const err =
        error instanceof Error
          ? { message: error.message, stack: error.stack, name: error.name }
          : { value: String(error) };
      this.logger.error({ requestId, err }, 'unhandled error');
    } else if (problem.code === 'SERVICE_BUSY') {
      const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
      this.logger.warn({ requestId, err: { message, code } }, 'database busy: answered 503');
    }
    if (problem.status === 429 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '60');
    if (problem.code === 'SERVICE_BUSY' && !res.headersSent && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    sendProblem(res, problem);
  }
}
