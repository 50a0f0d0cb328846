import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, Clock, type AppConfig } from '@scrutiny/core';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../i18n/messages';

/** A browser session as the web layer uses it (the row holds only the token's hash). */
export interface WebSession {
  id: string;
  userId: string;
  sessionVersion: number;
  csrfToken: string;
  locale: Locale;
  lastSeenAt: Date;
  absoluteExpiresAt: Date;
}

export type SessionLookup = { session: WebSession; idleExpiresAt: Date } | { expired: true } | { missing: true };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const token = () => randomBytes(32).toString('base64url');

type Row = {
  id: string;
  user_id: string;
  session_version: number;
  csrf_token: string;
  locale: string;
  last_seen_at: Date;
  absolute_expires_at: Date;
};

/**
 * Server-side sessions of the web workspace (table web_sessions). The cookie carries a random token; the row is found
 * by its SHA-256. A session ends after WEB_SESSION_IDLE_MINUTES without a request and WEB_SESSION_MAX_HOURS after
 * sign-in, whichever comes first; an ended session's row is deleted when it is next presented (and by sign-out).
 */
@Injectable()
export class WebSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get idleMs(): number {
    return this.config.auth.webSessionIdleMinutes * 60_000;
  }

  /** Starts a session for a signed-in user; answers the cookie's token. */
  async start(userId: string, sessionVersion: number, locale: Locale = DEFAULT_LOCALE): Promise<string> {
    const presented = token();
    const now = this.clock.now();
    await this.dataSource.query(
      `INSERT INTO web_sessions (id, user_id, session_version, csrf_token, locale, created_at, last_seen_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [
        sha256(presented),
        userId,
        sessionVersion,
        token(),
        locale,
        now,
        new Date(now.getTime() + this.config.auth.webSessionMaxHours * 3_600_000),
      ],
    );
    return presented;
  }

  /**
   * The live session of a cookie token, its last-seen time moved to now when `touch` (a request the user made, not
   * the time-out warning's own check); an expired one is deleted and reported as such.
   */
  async find(presented: string | undefined, touch: boolean): Promise<SessionLookup> {
    if (!presented) return { missing: true };
    const id = sha256(presented);
    const [row] = (await this.dataSource.query(
      `SELECT id, user_id, session_version, csrf_token, locale, last_seen_at, absolute_expires_at FROM web_sessions WHERE id = $1`,
      [id],
    )) as Row[];
    if (!row) return { missing: true };
    const now = this.clock.now();
    if (row.absolute_expires_at <= now || row.last_seen_at.getTime() + this.idleMs <= now.getTime()) {
      await this.end(id);
      return { expired: true };
    }
    if (touch) await this.dataSource.query(`UPDATE web_sessions SET last_seen_at = $2 WHERE id = $1`, [id, now]);
    const lastSeenAt = touch ? now : row.last_seen_at;
    return {
      session: {
        id,
        userId: row.user_id,
        sessionVersion: row.session_version,
        csrfToken: row.csrf_token,
        locale: isLocale(row.locale) ? row.locale : DEFAULT_LOCALE,
        lastSeenAt,
        absoluteExpiresAt: row.absolute_expires_at,
      },
      idleExpiresAt: new Date(Math.min(lastSeenAt.getTime() + this.idleMs, row.absolute_expires_at.getTime())),
    };
  }

  /** After a password change the user's session version moves on: this session follows it (the others end). */
  async follow(id: string, sessionVersion: number): Promise<void> {
    await this.dataSource.query(`UPDATE web_sessions SET session_version = $2, csrf_token = $3 WHERE id = $1`, [
      id,
      sessionVersion,
      token(),
    ]);
  }

  /** The language switch: the session keeps the chosen language. */
  async setLocale(id: string, locale: Locale): Promise<void> {
    await this.dataSource.query(`UPDATE web_sessions SET locale = $2 WHERE id = $1`, [id, locale]);
  }

  async end(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM web_sessions WHERE id = $1`, [id]);
  }
}
