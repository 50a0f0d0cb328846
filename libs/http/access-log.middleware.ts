import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@scrutiny/core';
import { CLIENT_REQUEST_ID_HEADER, requestIdOf } from './request-context.middleware';

/** One structured line per request when it finishes: method, path, status, duration. */
export function accessLogMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    res.on('finish', () => {
      const status = res.statusCode;
      const line = {
        requestId: requestIdOf(req),
        clientRequestId: res.getHeader(CLIENT_REQUEST_ID_HEADER),
        req: { method: req.method, path: req.originalUrl.split('?')[0] },
        res: { status },
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      if (status >= 500) logger.error(line, 'request failed');
      else if (req.originalUrl.startsWith('/health')) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
