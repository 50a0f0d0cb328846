import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { tap, type Observable } from 'rxjs';
import { executionContext } from '@scrutiny/core';

export const DATA_AS_OF_HEADER = 'x-data-as-of';

/**
 * An answer read (in part) from a read replica says how old its data may be: X-Data-As-Of is the moment the replica
 * had replayed everything up to, when it was read (see ReadSource). Absent: read from the primary, current.
 */
@Injectable()
export class DataAsOfInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      tap(() => {
        const asOf = executionContext.current()?.dataAsOf;
        if (asOf && !res.headersSent) res.setHeader(DATA_AS_OF_HEADER, asOf.toISOString());
      }),
    );
  }
}
