import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor } from '../actor';
import { Permission } from '../permissions';

export const ACCESS_RULE = 'scrutiny:access-rule';

/** A route's access rule: public, or a permission the caller's roles must grant. */
export type AccessRule = { kind: 'public' } | { kind: 'permission'; permission: Permission };

/** No authentication: probes, sign-in, token refresh. */
export const Public = () =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule),
    ApiExtension('x-access', { public: true }),
  );

/**
 * The permission a route needs (Permission.SELF: any signed-in user). Sets the guard's rule and documents it
 * in OpenAPI, so what is enforced and what is published cannot differ.
 */
export const Authorize = (permission: Permission) =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { kind: 'permission', permission } satisfies AccessRule),
    ApiBearerAuth(),
    ApiExtension('x-access', { permission }),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token (problem+json)' }),
    ...(permission === Permission.SELF
      ? []
      : [ApiForbiddenResponse({ description: `Requires permission \`${permission}\` (problem+json)` })]),
  );

/** The signed-in actor (set by the access guard). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<Request & { user?: Actor }>().user;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
