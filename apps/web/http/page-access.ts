import { applyDecorators, Controller, SetMetadata, UseFilters, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Permission, Public } from '@scrutiny/auth';
import { WebErrorFilter } from './web-error.filter';
import { WebGuard } from './web.guard';

export const PAGE_RULE = 'scrutiny:page-rule';
/** Marks a controller as the web workspace's (the API's route table and access matrix leave these out). */
export const WEB_CONTROLLER = 'scrutiny:web-controller';

/** A page's access rule: open to anyone (sign-in), or to a signed-in user whose roles grant the permission. */
export type PageRule = { kind: 'anonymous' } | { kind: 'signed-in'; permission: Permission };

/**
 * A controller of web pages: outside /api and its versioning, hidden from OpenAPI, passed by the API's bearer-token
 * guard (@Public) to the web guard, which finds the browser's session and checks each page's rule (a page without one
 * is refused, like an API route without one), and with errors answered as GOV.UK error pages.
 */
export const WebController = (path = '') =>
  applyDecorators(
    Controller({ path, version: VERSION_NEUTRAL }),
    ApiExcludeController(),
    Public(),
    SetMetadata(WEB_CONTROLLER, true),
    UseGuards(WebGuard),
    UseFilters(WebErrorFilter),
  );

/** A page for signed-in users whose roles grant `permission` (Permission.SELF: anyone signed in). */
export const Page = (permission: Permission) =>
  SetMetadata(PAGE_RULE, { kind: 'signed-in', permission } satisfies PageRule);

/** A page anyone may open: sign-in. */
export const AnonymousPage = () => SetMetadata(PAGE_RULE, { kind: 'anonymous' } satisfies PageRule);
