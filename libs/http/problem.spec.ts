import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError } from '@scrutiny/core';
import { toProblem } from './problem';

describe('toProblem', () => {
  it('takes status, title and field errors from the DomainError code', () => {
    const { problem, internal } = toProblem(
      DomainError.validation([{ field: 'period', message: 'must be YYYY-MM' }]),
      'r1',
    );
    expect(internal).toBe(false);
    expect(problem).toEqual({
      type: 'urn:scrutiny:problem:validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'period: must be YYYY-MM',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'period', message: 'must be YYYY-MM' }],
      requestId: 'r1',
    });
  });

  it('does not let extension members override the standard ones', () => {
    const error = new DomainError('NOT_FOUND', 'Case x not found', { extensions: { status: 200, hint: 'h' } });
    expect(toProblem(error, null).problem).toMatchObject({ status: 404, hint: 'h' });
  });

  it("recognises Nest's unknown-route 404 and other HTTP exceptions", () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'), null).problem.code).toBe('ROUTE_NOT_FOUND');
    expect(toProblem(new BadRequestException('nope'), null).problem).toMatchObject({ status: 400, detail: 'nope' });
  });

  it('keeps the status of other client errors (HTTP exceptions and http-errors from middleware)', () => {
    expect(toProblem(new HttpException('no such representation', 406), null).problem).toMatchObject({
      status: 406,
      code: 'NOT_ACCEPTABLE',
    });
    expect(toProblem(new HttpException('teapot', 418), null).problem).toMatchObject({
      status: 418,
      code: 'BAD_REQUEST',
    });
    expect(
      toProblem(Object.assign(new Error('incorrect header check'), { status: 400, expose: true }), null),
    ).toMatchObject({ problem: { status: 400 }, internal: false });
  });

  it('maps body-parser failures by their type', () => {
    expect(
      toProblem(Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed' }), null).problem.code,
    ).toBe('MALFORMED_BODY');
    expect(toProblem({ type: 'entity.too.large' }, null).problem.status).toBe(413);
  });

  it('turns anything else into a bare 500 marked internal, without its message', () => {
    const { problem, internal } = toProblem(new TypeError('password=hunter2'), 'r2');
    expect(internal).toBe(true);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL', requestId: 'r2' });
  });
});
