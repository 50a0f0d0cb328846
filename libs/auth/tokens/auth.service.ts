import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, Clock, DomainError, isUuid, type AppConfig } from '@scrutiny/core';
import { AuditService, SYSTEM_ACTOR, type AuditActor } from '@scrutiny/audit';
import type { Actor } from '../actor';
import { permissionsOf } from '../permissions';
import { dummyVerify, verifyPassword } from '../users/password';
import { User } from '../users/user.entity';
import { RefreshToken } from './refresh-token.entity';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface AccessTokenClaims {
  sub: string;
  username: string;
  roles: string[];
  /** The user's session version when the token was issued. */
  sv: number;
}

export const JWT_ISSUER = 'scrutiny';
export const JWT_AUDIENCE = 'scrutiny-api';

const INVALID_CREDENTIALS = 'Invalid username or password';
const INVALID_REFRESH = 'Invalid or expired refresh token; sign in again';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const actorOf = (u: User): AuditActor => ({ id: u.id, username: u.username, roles: u.roles });

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(rawUsername: string, password: string): Promise<TokenPair> {
    const username = rawUsername.trim().toLowerCase();
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    if (!user) {
      await dummyVerify(password);
      await this.audit.record(SYSTEM_ACTOR, {
        action: 'auth.login.failed',
        details: { username, reason: 'unknown user' },
      });
      throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    const now = this.clock.now();
    if (user.lockedUntil && user.lockedUntil > now) {
      await this.audit.record(actorOf(user), {
        action: 'auth.login.failed',
        target: { type: 'user', id: user.id },
        details: { reason: 'locked' },
      });
      throw this.locked(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const lockedUntil = await this.countFailure(user, now);
      if (lockedUntil) throw this.locked(lockedUntil);
      throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    if (user.disabledAt) {
      await this.audit.record(actorOf(user), {
        action: 'auth.login.failed',
        target: { type: 'user', id: user.id },
        details: { reason: 'disabled' },
      });
      throw new DomainError('UNAUTHENTICATED', 'This account is disabled; ask an administrator');
    }
    return this.dataSource.transaction(async (m) => {
      await m.getRepository(User).update({ id: user.id }, { failedLoginCount: 0, lockedUntil: null });
      await this.audit.record(
        actorOf(user),
        { action: 'auth.login.succeeded', target: { type: 'user', id: user.id } },
        m,
      );
      return this.issue(m, user, randomUUID());
    });
  }

  /** Exchanges a refresh token for a new pair. Each refresh token works once; a second use revokes its family. */
  async refresh(presented: string): Promise<TokenPair> {
    const now = this.clock.now();
    const outcome = await this.dataSource.transaction(async (m) => {
      const token = await m
        .getRepository(RefreshToken)
        .findOne({ where: { tokenHash: sha256(presented) }, lock: { mode: 'pessimistic_write' } });
      if (!token || token.revokedAt || token.expiresAt <= now) return { error: INVALID_REFRESH } as const;
      const user = await m.getRepository(User).findOneBy({ id: token.userId });
      if (!user || user.disabledAt) return { error: INVALID_REFRESH } as const;
      if (token.usedAt) {
        await this.revokeFamily(m, token.familyId);
        await this.audit.record(
          actorOf(user),
          {
            action: 'auth.refresh.reuse_detected',
            target: { type: 'user', id: user.id },
            details: { familyId: token.familyId, tokenId: token.id },
          },
          m,
        );
        return {
          error: 'This refresh token was already used; every session from that sign-in has been ended. Sign in again.',
        } as const;
      }
      await m.getRepository(RefreshToken).update({ id: token.id }, { usedAt: now });
      return { pair: await this.issue(m, user, token.familyId) } as const;
    });
    if ('error' in outcome) throw new DomainError('UNAUTHENTICATED', outcome.error);
    return outcome.pair;
  }

  /** Ends the sign-in the refresh token belongs to (its whole family). */
  async logout(actor: Actor, presented: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const token = await m.getRepository(RefreshToken).findOneBy({ tokenHash: sha256(presented) });
      if (!token || token.userId !== actor.id) throw new DomainError('UNAUTHENTICATED', INVALID_REFRESH);
      await this.revokeFamily(m, token.familyId);
      await this.audit.record(actor, { action: 'auth.logout', target: { type: 'user', id: actor.id } }, m);
    });
  }

  /** Turns verified access-token claims into the actor, refusing disabled users and ended sessions. */
  async actorFor(claims: AccessTokenClaims): Promise<Actor | null> {
    if (!isUuid(claims.sub)) return null;
    const user = await this.dataSource.getRepository(User).findOneBy({ id: claims.sub });
    if (!user || user.disabledAt || user.sessionVersion !== claims.sv) return null;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: [...user.roles],
      permissions: permissionsOf(user.roles),
      teams: [...user.teams],
      areas: [...user.areas],
    };
  }

  private async issue(m: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await m.getRepository(RefreshToken).insert({
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(this.clock.now().getTime() + this.config.auth.refreshTokenTtlSeconds * 1000),
    });
    const claims: AccessTokenClaims = {
      sub: user.id,
      username: user.username,
      roles: user.roles,
      sv: user.sessionVersion,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'HS256',
      expiresIn: this.config.auth.accessTokenTtlSeconds,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    return { accessToken, refreshToken, expiresIn: this.config.auth.accessTokenTtlSeconds, tokenType: 'Bearer' };
  }

  /** Counts a wrong password; locks the account once the limit is reached. Returns the lock's end, if locked now. */
  private async countFailure(user: User, now: Date): Promise<Date | null> {
    return this.dataSource.transaction(async (m) => {
      const result = await m
        .createQueryBuilder()
        .update(User)
        .set({ failedLoginCount: () => 'failed_login_count + 1' })
        .where('id = :id', { id: user.id })
        .returning('failed_login_count')
        .execute();
      const failures = Number((result.raw as { failed_login_count: number }[])[0].failed_login_count);
      let lockedUntil: Date | null = null;
      if (failures >= this.config.auth.loginMaxFailures) {
        lockedUntil = new Date(now.getTime() + this.config.auth.loginLockoutSeconds * 1000);
        await m.getRepository(User).update({ id: user.id }, { failedLoginCount: 0, lockedUntil });
      }
      await this.audit.record(
        actorOf(user),
        {
          action: 'auth.login.failed',
          target: { type: 'user', id: user.id },
          details: {
            reason: 'wrong password',
            failures,
            ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
          },
        },
        m,
      );
      return lockedUntil;
    });
  }

  private locked(until: Date): DomainError {
    return new DomainError(
      'ACCOUNT_LOCKED',
      `Too many failed sign-in attempts: the account is locked until ${until.toISOString()}. Try again then, or ask an administrator to reset the password.`,
      { extensions: { lockedUntil: until.toISOString() } },
    );
  }

  private async revokeFamily(m: EntityManager, familyId: string): Promise<void> {
    await m
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }
}
