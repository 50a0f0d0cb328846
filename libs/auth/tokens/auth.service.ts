import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, Clock, DomainError, isUuid, type AppConfig } from '@scrutiny/core';
import { AuditService, SYSTEM_ACTOR, type AuditActor } from '@scrutiny/audit';
import type { Actor } from '../actor';
import { permissionsOf } from '../permissions';
import { dummyVerify, hashPassword, passwordProblems, verifyPassword } from '../users/password';
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

interface ClaimedAttempt {
  /** The account's id; null when no account has the username. */
  userId: string | null;
  /** This attempt's number since the count last started. */
  failures: number;
  /** Past the limit or inside a lock: answered 423 without checking the password. */
  refused: boolean;
  /** Set when the account is locked (including by this attempt, the limit-th). */
  lockedUntil: Date | null;
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

  /**
   * Signs in. Every attempt first takes a numbered slot in one atomic statement (see `claimAttempt`), and only an
   * attempt within the limit has its password checked: concurrent wrong guesses cannot outrun the lockout. A username
   * no account has is counted, locked and answered (status, body, an argon2 verification's time) exactly as a real
   * account given a wrong password.
   */
  async login(rawUsername: string, password: string): Promise<TokenPair> {
    const username = rawUsername.trim().toLowerCase();
    const attempt = await this.claimAttempt(username, this.clock.now());
    const user = attempt.userId ? await this.dataSource.getRepository(User).findOneBy({ id: attempt.userId }) : null;
    const who = user ? actorOf(user) : SYSTEM_ACTOR;
    const about = user ? { target: { type: 'user', id: user.id } } : {};
    if (attempt.refused) {
      await this.audit.record(who, {
        action: 'auth.login.failed',
        ...about,
        details: { ...(user ? {} : { username }), reason: user ? 'locked' : 'unknown user, locked' },
      });
      throw this.locked(attempt.lockedUntil!);
    }
    const verified = user ? await verifyPassword(user.passwordHash, password) : await dummyVerify(password);
    if (!user || !verified) {
      await this.audit.record(who, {
        action: 'auth.login.failed',
        ...about,
        details: {
          ...(user ? { reason: 'wrong password' } : { username, reason: 'unknown user' }),
          failures: attempt.failures,
          ...(attempt.lockedUntil ? { lockedUntil: attempt.lockedUntil.toISOString() } : {}),
        },
      });
      if (attempt.lockedUntil) throw this.locked(attempt.lockedUntil);
      throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    if (user.disabledAt) {
      await this.clearFailures(this.dataSource.manager, user.id);
      await this.audit.record(actorOf(user), {
        action: 'auth.login.failed',
        target: { type: 'user', id: user.id },
        details: { reason: 'disabled' },
      });
      throw new DomainError('UNAUTHENTICATED', 'This account is disabled; ask an administrator');
    }
    return this.dataSource.transaction(async (m) => {
      await this.clearFailures(m, user.id);
      await this.audit.record(
        actorOf(user),
        { action: 'auth.login.succeeded', target: { type: 'user', id: user.id } },
        m,
      );
      return this.issue(m, user, randomUUID());
    });
  }

  /**
   * Self-service password change: checks the current password (counted against the lockout like a sign-in),
   * applies the policy, ends every session of the account (all refresh tokens revoked, every access token refused)
   * and answers a new pair for the caller.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<TokenPair> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: actor.id });
    if (!user) throw new DomainError('UNAUTHENTICATED', 'This session has ended; sign in again');
    const problems = passwordProblems(newPassword, user.username, 'newPassword');
    if (newPassword === currentPassword)
      problems.push({ field: 'newPassword', message: 'must differ from the current password' });
    if (problems.length) throw DomainError.validation(problems);
    const attempt = await this.claimAttempt(user.username, this.clock.now());
    if (attempt.refused) throw this.locked(attempt.lockedUntil!);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.audit.record(actorOf(user), {
        action: 'auth.password_change.failed',
        target: { type: 'user', id: user.id },
        details: {
          reason: 'wrong current password',
          failures: attempt.failures,
          ...(attempt.lockedUntil ? { lockedUntil: attempt.lockedUntil.toISOString() } : {}),
        },
      });
      if (attempt.lockedUntil) throw this.locked(attempt.lockedUntil);
      throw DomainError.validation([{ field: 'currentPassword', message: 'is not your current password' }]);
    }
    const passwordHash = await hashPassword(newPassword);
    return this.dataSource.transaction(async (m) => {
      const locked = await m
        .getRepository(User)
        .findOne({ where: { id: user.id }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.disabledAt || locked.passwordHash !== user.passwordHash) {
        // Disabled, or the password changed (reset, or a concurrent change) since it was checked.
        throw new DomainError('UNAUTHENTICATED', 'This session has ended; sign in again');
      }
      locked.passwordHash = passwordHash;
      locked.passwordChangedAt = this.clock.now();
      locked.sessionVersion += 1;
      locked.failedLoginCount = 0;
      locked.lockedUntil = null;
      const saved = await m.getRepository(User).save(locked);
      await m
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ revokedAt: () => 'now()' })
        .where('user_id = :userId AND revoked_at IS NULL', { userId: user.id })
        .execute();
      await this.audit.record(
        actorOf(user),
        { action: 'user.password_changed', target: { type: 'user', id: user.id }, details: { sessionsEnded: true } },
        m,
      );
      return this.issue(m, saved, randomUUID());
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
        // Whoever holds the family's newest tokens may be the thief: end the family, and every access token at once.
        await this.revokeFamily(m, token.familyId);
        await this.endAccessTokens(m, user.id);
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

  /**
   * Ends the sign-in the refresh token belongs to (its whole family) and every access token of the account: other
   * sign-ins' access tokens stop working too, and their holders get new ones at /auth/refresh.
   */
  async logout(actor: Actor, presented: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const token = await m.getRepository(RefreshToken).findOneBy({ tokenHash: sha256(presented) });
      if (!token || token.userId !== actor.id) throw new DomainError('UNAUTHENTICATED', INVALID_REFRESH);
      await this.revokeFamily(m, token.familyId);
      await this.endAccessTokens(m, actor.id);
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

  /**
   * Takes attempt number n for `username` in one statement, for an account (`users`) or else for a name no account
   * has (`unknown_username_failures`), the row locked while it runs. Attempt n = limit locks the account in the same
   * statement (its password is still checked; if right, the lock is lifted); attempts past the limit, or while a lock
   * lasts, are refused unchecked. A lock that has run out starts the count again.
   */
  private async claimAttempt(username: string, now: Date): Promise<ClaimedAttempt> {
    const max = this.config.auth.loginMaxFailures;
    const lockEnd = new Date(now.getTime() + this.config.auth.loginLockoutSeconds * 1000);
    const params = [username, now, max, lockEnd];
    const count = (
      t: string,
    ) => `CASE WHEN ${t}.locked_until > $2::timestamptz THEN GREATEST(${t}.failed_login_count, $3::int) + 1
      WHEN ${t}.locked_until IS NOT NULL THEN 1 ELSE ${t}.failed_login_count + 1 END`;
    const lock = (t: string) => `CASE WHEN ${t}.locked_until > $2::timestamptz THEN ${t}.locked_until
      WHEN (CASE WHEN ${t}.locked_until IS NOT NULL THEN 1 ELSE ${t}.failed_login_count + 1 END) >= $3::int
      THEN $4::timestamptz ELSE NULL END`;
    type Row = { id?: string; failures: number; locked_until: Date | string | null };
    // Each statement wrapped in a SELECT so both drivers answer plain rows.
    let [row] = (await this.dataSource.query(
      `WITH claimed AS (UPDATE users u SET failed_login_count = ${count('u')}, locked_until = ${lock('u')}
         WHERE u.username = $1 RETURNING u.id, u.failed_login_count AS failures, u.locked_until)
       SELECT * FROM claimed`,
      params,
    )) as Row[];
    if (!row) {
      [row] = (await this.dataSource.query(
        `WITH claimed AS (
           INSERT INTO unknown_username_failures AS f (username, failed_login_count, locked_until, last_failed_at)
           VALUES ($1, 1, CASE WHEN 1 >= $3::int THEN $4::timestamptz END, $2::timestamptz)
           ON CONFLICT (username) DO UPDATE SET failed_login_count = ${count('f')}, locked_until = ${lock('f')},
             last_failed_at = $2::timestamptz
           RETURNING f.failed_login_count AS failures, f.locked_until)
         SELECT * FROM claimed`,
        params,
      )) as Row[];
    }
    const failures = Number(row.failures);
    return {
      userId: row.id ?? null,
      failures,
      refused: failures > max,
      lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
    };
  }

  /** The right password: the count starts again and any lock taken by this very attempt is lifted. */
  private async clearFailures(m: EntityManager, userId: string): Promise<void> {
    await m.query(`UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1`, [userId]);
  }

  /** Every access token issued so far carries an older session version and is refused from now on. */
  private async endAccessTokens(m: EntityManager, userId: string): Promise<void> {
    await m.query(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [userId]);
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
