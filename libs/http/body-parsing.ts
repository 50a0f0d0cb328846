import { json, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from '@scrutiny/core';
import { sendProblem, toProblem } from './problem';
import { requestIdOf } from './request-context.middleware';

/** JSON bodies only; anything body-parser rejects is answered here, before routing, as problem+json. */
export function jsonBodyParser(limit: string): RequestHandler {
  return json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
}

export function bodyErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { problem, internal } = toProblem(error, requestIdOf(req));
    if (internal) logger.error({ requestId: requestIdOf(req), err: { message: String(error?.message ?? error) } }, 'unhandled middleware error');
    sendProblem(res, problem);
  };
}
