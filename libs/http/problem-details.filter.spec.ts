import type { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { Logger } from '@scrutiny/core';
import { ProblemDetailsFilter } from './problem-details.filter';

/** What the filter answered: status, headers and the problem document. */
function answer(error: unknown): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const out = { status: 0, headers: {} as Record<string, string>, body: {} as Record<string, unknown> };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => void (out.headers[name.toLowerCase()] = value),
    getHeader: (name: string) => out.headers[name.toLowerCase()],
    status(code: number) {
      out.status = code;
      return res;
    },
    type(value: string) {
      out.headers['content-type'] = value;
      return res;
    },
    send(text: string) {
      out.body = JSON.parse(text) as Record<string, unknown>;
      return res;
    },
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ requestId: 'r1' }), getResponse: () => res }),
  } as unknown as ArgumentsHost;
  const quiet = { warn: () => undefined, error: () => undefined } as unknown as Logger;
  new ProblemDetailsFilter(quiet).catch(error, host);
  return out;
}

/** A driver error as pg raises it, wrapped by TypeORM as a query's failure is. */
const failed = (code: string, message: string) =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('ProblemDetailsFilter: a busy database is a 503 with Retry-After, never a 500', () => {
  it.each([
    ['pool exhausted (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['no answer to a new connection (pg)', new Error('Connection terminated due to connection timeout')],
    ['statement_timeout (57014)', failed('57014', 'canceling statement due to statement timeout')],
    ['lock_timeout (55P03)', failed('55P03', 'canceling statement due to lock timeout')],
    ['too many connections (53300)', failed('53300', 'sorry, too many clients already')],
    ['server starting or stopping (57P03)', failed('57P03', 'the database system is shutting down')],
  ])('%s', (_name, error) => {
    const { status, headers, body } = answer(error);
    expect({ status, retryAfter: headers['retry-after'], type: headers['content-type'] }).toEqual({
      status: 503,
      retryAfter: '5',
      type: 'application/problem+json',
    });
    expect(body).toMatchObject({ code: 'SERVICE_BUSY', status: 503, requestId: 'r1' });
  });

  it('other database failures stay a bare 500 without Retry-After', () => {
    const { status, headers, body } = answer(failed('42P01', 'relation "x" does not exist'));
    expect({ status, retryAfter: headers['retry-after'], code: body.code }).toEqual({
      status: 500,
      retryAfter: undefined,
      code: 'INTERNAL',
    });
  });
});
