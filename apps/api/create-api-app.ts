import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { PGlite } from '@electric-sql/pglite';
import { PinoNestLogger, type AppConfig, type Logger } from '@scrutiny/core';
import { configureHttp, finishHttp } from '@scrutiny/http';
import { configureWeb, finishWeb, WEB_PATHS } from '../web/web-http';
import { ApiModule } from './api.module';
import { buildOpenApiDocument, serveOpenApi } from './openapi';

/** Builds and initialises the HTTP application (not yet listening). main.ts, the OpenAPI writer and the e2e tests share it. */
export async function createApiApp(
  config: AppConfig,
  logger: Logger,
  options: { pglite?: PGlite } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    ApiModule.forRoot({ config, logger, pglite: options.pglite }),
    { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
  );
  configureHttp(app, config, logger, { unprefixed: WEB_PATHS });
  configureWeb(app);
  serveOpenApi(app, () => buildOpenApiDocument(app));
  app.enableShutdownHooks();
  await app.init();
  finishWeb(app);
  finishHttp(app);
  return app;
}
