import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import { DomainError, ERROR_CODES, type ErrorCode, type FieldError } from '@scrutiny/core';
import { isDatabaseBusy } from '@scrutiny/database';

/** An RFC 9457 problem document, with this API's extension members (code, errors, requestId). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors: FieldError[];
  requestId: string | null;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: ErrorCode): string {
  return `urn:scrutiny:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

function fromCode(code: ErrorCode, detail: string, requestId: string | null, errors: FieldError[] = []): Problem {
  const { status, title } = ERROR_CODES[code];
  return { type: problemType(code), title, status, detail, code, errors, requestId };
}

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  410: 'GONE',
  412: 'PRECONDITION_FAILED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  423: 'ACCOUNT_LOCKED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors thrown by body-parser before any route runs, recognised by their `type`. */
const BODY_PARSER_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'MALFORMED_BODY',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'MALFORMED_BODY',
  'request.size.invalid': 'MALFORMED_BODY',
};

/**
 * Turns anything thrown into a problem document. Only DomainErrors and framework HTTP errors say what went
 * wrong; anything else becomes a bare 500 whose details stay in the log (`internal: true`).
 */
export function toProblem(error: unknown, requestId: string | null): { problem: Problem; internal: boolean } {
  // Load, not a fault (pool exhausted, statement or lock time-out): the same request may well succeed shortly.
  if (isDatabaseBusy(error))
    return { problem: fromCode('SERVICE_BUSY', 'The service is busy; try again shortly', requestId), internal: false };
  if (error instanceof DomainError) {
    const problem = fromCode(error.code, error.message, requestId, error.errors);
    return { problem: { ...error.extensions, ...problem }, internal: ERROR_CODES[error.code].status >= 500 };
  }
  if (error instanceof ThrottlerException) {
    return { problem: fromCode('RATE_LIMITED', 'Too many requests; wait and try again', requestId), internal: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status >= 500)
      return { problem: fromCode('INTERNAL', 'An unexpected error occurred', requestId), internal: true };
    // Nest's router answers unknown routes with a NotFoundException reading "Cannot GET /path".
    const code =
      status === 404 && /^Cannot [A-Z]+ /.test(error.message)
        ? 'ROUTE_NOT_FOUND'
        : (STATUS_TO_CODE[status] ?? 'BAD_REQUEST');
    return { problem: { ...fromCode(code, error.message, requestId), status }, internal: false };
  }
  const bodyParserType = (error as { type?: unknown } | null)?.type;
  if (typeof bodyParserType === 'string' && BODY_PARSER_CODES[bodyParserType]) {
    const code = BODY_PARSER_CODES[bodyParserType];
    const detail =
      code === 'MALFORMED_BODY'
        ? 'The request body is not valid JSON'
        : code === 'PAYLOAD_TOO_LARGE'
          ? 'The request body exceeds the size limit'
          : 'The request body encoding is not supported';
    return { problem: fromCode(code, detail, requestId), internal: false };
  }
  // Other middleware errors (http-errors, as body-parser and multer raise) carry a client status of their own.
  const clientStatus =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof clientStatus === 'number' && clientStatus >= 400 && clientStatus < 500) {
    const code = STATUS_TO_CODE[clientStatus] ?? 'BAD_REQUEST';
    return {
      problem: { ...fromCode(code, ERROR_CODES[code].title, requestId), status: clientStatus },
      internal: false,
    };
  }
  return { problem: fromCode('INTERNAL', 'An unexpected error occurred', requestId), internal: true };
}

export function sendProblem(res: Response, problem: Problem): void {
  if (res.headersSent) return;
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
