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

/** A UTF-16 high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any request DTO goes (the deepest is a few levels); class-transformer recurses once per level. */
export const MAX_BODY_DEPTH = 32;

/**
 * The first thing in a parsed JSON value no request may carry, with its dotted path: nesting past MAX_BODY_DEPTH
 * (class-transformer and class-validator would overflow the stack on thousands of levels), a NUL character
 * (PostgreSQL text cannot hold one) or a lone UTF-16 surrogate (not Unicode; jsonb refuses it), in a value or a key.
 */
export function unacceptableJson(value: unknown, path = '', depth = 0): { field: string; message: string } | null {
  const field = path || '(body)';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { field, message: `${field} must not contain a NUL character (\\u0000)` };
    if (LONE_SURROGATE.test(value))
      return { field, message: `${field} must be valid Unicode text (it holds a lone surrogate)` };
    return null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_BODY_DEPTH)
    return { field, message: `the body is nested too deeply (at most ${MAX_BODY_DEPTH} levels of objects and lists)` };
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const bad = unacceptableJson(key, at, depth) ?? unacceptableJson(child, at, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** Refuses, before any DTO sees it, a JSON body or query string unacceptableJson finds wrong (400 naming the field). */
export function refuseUnacceptableInput(): RequestHandler {
  return (req, res, next) => {
    const bad = unacceptableJson(req.body) ?? unacceptableJson(req.query);
    if (!bad) return next();
    sendProblem(res, toProblem(DomainError.validation([bad]), requestIdOf(req)).problem);
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
      req.is(['application/json', 'application/*+json', 'multipart/form-data']) ||
      // The web workspace's HTML forms, outside /api (parsed by its own middleware).
      (!/^\/api(\/|$)/.test(req.path) && req.is('application/x-www-form-urlencoded'))
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
