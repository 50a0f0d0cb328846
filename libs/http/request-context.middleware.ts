import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { executionContext } from '@scrutiny/core';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CLIENT_REQUEST_ID_HEADER = 'x-client-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(req: Request): string | null {
  return (req as Request & { requestId?: string }).requestId ?? null;
}

/**
 * First middleware of every request: makes the request's own id (sent back as X-Request-Id) and opens the context
 * that tags every log line and audit event with it. A client's X-Request-Id, if safe to log, is kept beside it as
 * `clientRequestId` and echoed as X-Client-Request-Id: a client chooses it, so it never stands in for the server's
 * id in the audit trail (a forged one could otherwise pin events on another request).
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const clientRequestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : undefined;
  const requestId = randomUUID();
  (req as Request & { requestId?: string }).requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  if (clientRequestId) res.setHeader(CLIENT_REQUEST_ID_HEADER, clientRequestId);
  executionContext.run({ requestId, ...(clientRequestId ? { clientRequestId } : {}) }, () => next());
}

/**
 * Nothing under /api may be kept by a browser or shared cache: tokens and personal data are in these answers, and
 * the rest depends on who asks.
 */
export function noStoreForApi(req: Request, res: Response, next: NextFunction): void {
  if (req.path === '/api' || req.path.startsWith('/api/')) res.setHeader('cache-control', 'no-store');
  next();
}
