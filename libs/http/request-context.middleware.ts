import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { executionContext } from '@scrutiny/core';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(req: Request): string | null {
  return (req as Request & { requestId?: string }).requestId ?? null;
}

/**
 * First middleware of every request: takes the caller's X-Request-Id if it is safe to log, or makes one,
 * echoes it on the response, and opens the context that tags every log line and audit event with it.
 */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  (req as Request & { requestId?: string }).requestId = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  executionContext.run({ requestId }, () => next());
}
