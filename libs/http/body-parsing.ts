import { json, type ErrorRequestHandler, type RequestHandler } from 'express';
import { DomainError, type Logger } from '@scrutiny/core';
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
    if (internal)
      logger.error(
        { requestId: requestIdOf(req), err: { message: String(error?.message ?? error) } },
        'unhandled middleware error',
      );
    sendProblem(res, problem);
  };
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A body the API cannot read is refused as such (415), rather than left unparsed and reported as missing fields. */
export function requireJsonBodies(): RequestHandler {
  return (req, res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (
      !BODY_METHODS.has(req.method) ||
      !hasBody ||
      req.is(['application/json', 'application/*+json', 'multipart/form-data'])
    )
      return next();
    sendProblem(res, {
      ...toProblem(
        new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Send JSON (Content-Type: application/json); got ${req.headers['content-type'] ?? 'no Content-Type'}`,
        ),
        requestIdOf(req),
      ).problem,
    });
  };
}

/** The last handler: any path no route matched (outside /api too) answers a problem, not Express's HTML page. */
export function notFoundFallback(): RequestHandler {
  return (req, res) => {
    sendProblem(
      res,
      toProblem(new DomainError('ROUTE_NOT_FOUND', `Cannot ${req.method} ${req.path}`), requestIdOf(req)).problem,
    );
  };
}
