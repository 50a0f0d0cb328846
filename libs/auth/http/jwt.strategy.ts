import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, DomainError, type AppConfig } from '@scrutiny/core';
import type { Actor } from '../actor';
import { AuthService, JWT_AUDIENCE, JWT_ISSUER, type AccessTokenClaims } from '../tokens/auth.service';

/**
 * Bearer access tokens: HS256 only (a token signed any other way, or not at all, is refused), our issuer and audience,
 * and an expiry and issue time (a token without `exp` would otherwise never expire).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object, not the string: given a string, jsonwebtoken tries it as a PEM public key on every request and
      // builds the secret key from it after that throws (13% of the API's CPU under load).
      secretOrKey: createSecretKey(Buffer.from(config.jwtSecret)) as unknown as string,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims & { exp?: unknown; iat?: unknown }): Promise<Actor> {
    if (!Number.isFinite(claims.exp) || !Number.isFinite(claims.iat))
      throw new DomainError('UNAUTHENTICATED', 'The access token has no expiry or issue time; sign in again');
    const actor = await this.auth.actorFor(claims);
    if (!actor)
      throw new DomainError(
        'UNAUTHENTICATED',
        'This session has ended (signed out, password changed or reset, or account disabled); sign in again',
      );
    return actor;
  }
}
