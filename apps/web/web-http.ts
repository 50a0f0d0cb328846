import * as path from 'node:path';
import { static as serveStatic, urlencoded, type NextFunction, type Request, type Response } from 'express';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { render } from './http/web-request';
import { GOVUK_DIR, MOJ_DIR } from './render/views';

/**
 * The web workspace's top-level paths, served outside /api (the API's global prefix leaves them out). A journey
 * adding a section adds its path here.
 */
export const WEB_PATHS = [
  '/',
  'sign-in',
  'sign-out',
  'language',
  'admin',
  'admin/{*rest}',
  'session/{*rest}',
  'account/{*rest}',
  'reviews',
  'reviews/{*rest}',
  'samples',
  'samples/{*rest}',
  'footage-at-risk',
  'sessions',
  'sessions/{*rest}',
  'actions',
  'notifications',
  'notifications/{*rest}',
  'explorer',
  'explorer/{*rest}',
  'quarterly-review',
  'quarterly-review/{*rest}',
  'officer-register',
  'officer-register/{*rest}',
];

const OUTSIDE_WEB = /^\/(api|health|docs)(\/|$)/;
const ASSET_OPTIONS = { index: false, fallthrough: true, maxAge: '1h' } as const;

/**
 * Before the routes: the assets (GOV.UK Frontend's and MOJ Frontend's precompiled CSS, JS, fonts and images, and the
 * workspace's own), and HTML form bodies for the pages (the API reads JSON only).
 */
export function configureWeb(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.use('/assets/web', serveStatic(path.join(__dirname, 'assets'), ASSET_OPTIONS));
  express.use('/assets/moj', serveStatic(path.join(MOJ_DIR, 'moj'), ASSET_OPTIONS));
  express.use('/assets', serveStatic(path.join(GOVUK_DIR, 'govuk', 'assets'), ASSET_OPTIONS));
  for (const file of ['govuk-frontend.min.css', 'govuk-frontend.min.js'])
    express.use(`/assets/${file}`, (req: Request, res: Response, next: NextFunction) =>
      req.method === 'GET' || req.method === 'HEAD'
        ? res.sendFile(path.join(GOVUK_DIR, 'govuk', file), { maxAge: '1h' })
        : next(),
    );
  const forms = urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 });
  express.use((req: Request, res: Response, next: NextFunction) =>
    OUTSIDE_WEB.test(req.path) ? next() : forms(req, res, next),
  );
}

/** After the routes: a page (not problem+json) for a browser's request of a path nothing serves. */
export function finishWeb(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    // Only a browser's request (it asks for HTML by name): other clients keep the API's problem+json.
    const browser = (req.headers.accept ?? '').includes('text/html');
    if (OUTSIDE_WEB.test(req.path) || !['GET', 'HEAD'].includes(req.method) || !browser) return next();
    render(req, res, 'errors/not-found', {}, 404);
  });
}
