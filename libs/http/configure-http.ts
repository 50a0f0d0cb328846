import { VersioningType, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { AppConfig, Logger } from '@scrutiny/core';
import { accessLogMiddleware } from './access-log.middleware';
import {
  bodyErrorHandler,
  jsonBodyParser,
  notFoundFallback,
  refuseUnacceptableInput,
  requireJsonBodies,
} from './body-parsing';
import { noStoreForApi, requestContextMiddleware } from './request-context.middleware';
import { createValidationPipe } from './validation';

/** Routes outside /api/v1: probes and the API documentation. */
export const UNVERSIONED_PATHS = ['health', 'health/ready'];

/**
 * Everything an HTTP app needs before its routes, in order: request id first (so even a body that fails to
 * parse gets one), security headers, CORS, access log, JSON parsing with its own problem+json errors, then
 * /api/v1 URI versioning and DTO validation.
 */
export function configureHttp(
  app: INestApplication,
  config: AppConfig,
  logger: Logger,
  /** Route paths served outside /api besides the probes: the web workspace's pages. */
  options: { unprefixed?: string[] } = {},
): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.http.trustProxy);
  express.disable('x-powered-by');
  app.use(requestContextMiddleware);
  app.use(noStoreForApi);
  const production = config.env === 'production';
  app.use(
    helmet({
      // Swagger UI at /docs loads its own script and styles; everything else is JSON and needs no more.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          // Only production sits behind TLS; over plain http these would break /docs on anything but localhost.
          'upgrade-insecure-requests': production ? [] : null,
        },
      },
      hsts: production,
    }),
  );
  const origins = config.http.corsOrigins;
  if (origins === '*' || origins.length) {
    app.enableCors({
      origin: origins === '*' ? true : origins,
      exposedHeaders: ['x-request-id', 'x-client-request-id', 'retry-after', 'etag', 'x-data-as-of'],
      maxAge: 600,
    });
  }
  app.use(accessLogMiddleware(logger));
  app.use(requireJsonBodies());
  app.use(jsonBodyParser(config.http.bodyLimit));
  app.use(bodyErrorHandler(logger));
  app.use(refuseUnacceptableInput());
  app.setGlobalPrefix('api', { exclude: [...UNVERSIONED_PATHS, ...(options.unprefixed ?? [])] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(createValidationPipe());
}

/** After the routes are registered (app.init): the problem+json answer for every path no route matched. */
export function finishHttp(app: INestApplication): void {
  app.use(notFoundFallback());
}
