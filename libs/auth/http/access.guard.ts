import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { DomainError, LOGGER, type Logger } from '@scrutiny/core';
import type { Actor } from '../actor';
import { ACCESS_RULE, type AccessRule } from './access.decorators';

/** Why passport-jwt refused a token, in words a client can act on. */
function reasonFor(info: unknown): string {
  const name = (info as { name?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return 'The access token has expired; refresh it or sign in again';
  if (message === 'No auth token') return 'A bearer access token is required (Authorization: Bearer <token>)';
  return 'The access token is not valid';
}

@Injectable()
class JwtGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error;
    if (!user) throw new DomainError('UNAUTHENTICATED', reasonFor(info));
    return user;
  }
}

/**
 * The global guard. Every route must state a rule (@Public or @Authorize); one that does not is refused, so a
 * forgotten decorator fails closed (and the access-matrix test names it).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwt = new JwtGuard();

  constructor(
    private readonly reflector: Reflector,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) {
      this.logger.error(
        { handler: `${context.getClass().name}.${context.getHandler().name}` },
        'route has no access rule: refused',
      );
      throw new DomainError('FORBIDDEN', 'This route has no access rule');
    }
    if (rule.kind === 'public') return true;
    await this.jwt.canActivate(context);
    const actor = context.switchToHttp().getRequest<Request & { user: Actor }>().user;
    if (!actor.permissions.has(rule.permission)) {
      throw new DomainError('FORBIDDEN', `Your roles (${actor.roles.join(', ')}) do not grant "${rule.permission}"`);
    }
    return true;
  }
}
