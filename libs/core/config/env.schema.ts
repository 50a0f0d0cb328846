import { z } from 'zod';
import { parseSigningKey, parseVerifyKeys } from './audit-keys';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: string[]) =>
  z
    .string()
    .min(1)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

/**
 * Every environment variable the system reads, in one place. Empty strings count as "not set" so that
 * `FOO=` in a compose file or shell behaves like an absent variable instead of an invalid one.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    // Loopback by default: a zero-setup start with demo users must not be reachable from the network.
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    /**
     * The owner's URL, for migrate, schema:check and setup only; DATABASE_URL is then the application's restricted
     * role (INSERT and SELECT only on audit_events). Unset: DATABASE_URL does both, as the owner.
     */
    MIGRATION_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_POOL_SIZE: positiveInt.max(100).default(10),
    /**
     * The API's longest statement (0: none); a statement cut off answers 503 with Retry-After. Only the API's own
     * pool, and only when a worker runs the jobs (REDIS_URL): imports, scheduled draws and migrations are never cut off.
     */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
    /** How long a request waits for a pooled connection before answering 503 with Retry-After. */
    DATABASE_POOL_ACQUIRE_TIMEOUT_MS: positiveInt.default(5_000),
    /**
     * A streaming read replica, for reads that may lag (lists and statistics); writes and reads that must see their
     * own writes stay on DATABASE_URL. Unset: every read goes to DATABASE_URL.
     */
    DATABASE_READ_URL: url(['postgres:', 'postgresql:']).optional(),
    DATABASE_READ_POOL_SIZE: positiveInt.max(100).optional(),
    /** A replica further behind than this is not read from: reads go to the primary until it catches up. */
    DATABASE_READ_MAX_LAG_SECONDS: z.coerce.number().min(0).max(3600).default(10),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
      .default('scrutiny'),
    JOB_ATTEMPTS: positiveInt.max(25).default(5),
    JOB_BACKOFF_MS: positiveInt.default(2000),
    JOB_CONCURRENCY: positiveInt.max(64).default(4),
    HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
    /** Days a non-evidential BWV clip is kept when its record gives no expiry (31 in the Met, 90 in Hertfordshire). */
    BWV_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(31),
    /** Where a clip reference opens in the force's evidence system: {reference} and {redacted} are filled in. */
    BWV_LINK_TEMPLATE: z
      .string()
      .refine(
        (v) => v.includes('{reference}') && /^https?:\/\//.test(v),
        'must be an http(s) URL containing {reference}',
      )
      .default('https://evidence.example.invalid/clips/{reference}?redacted={redacted}'),
    /** Warn this many days before a selected clip expires without a confirmed hold. */
    BWV_HOLD_WARNING_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    /** How often the sampling schedule looks for months to draw (0: never; the draw itself is once per plan and month). */
    SAMPLING_SCHEDULE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** How often the retention check runs (0: never). */
    RETENTION_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(86_400_000),
    /** How often imports saved but never queued are queued again or failed (0: never; only at start-up). */
    IMPORT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(20_000),
    /** How often the process running jobs seals new audit events into the chain (0: only on demand). */
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(25_000),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Mail server (smtp:// or smtps://, credentials in the URL). Unset: emails are held in the outbox for admins. */
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    /** The sender of every email. */
    MAIL_FROM: z.string().min(3).default('Scrutiny <scrutiny@localhost>'),
    /** false only for a mail server with a self-signed certificate on a trusted network. */
    SMTP_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
    /** Where people reach the workspace: every link in an email starts with it. */
    PUBLIC_BASE_URL: url(['http:', 'https:']).default('http://localhost:3000'),
    /** How often queued emails are sent (0: never). */
    EMAIL_SEND_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
    /** Tries before an email is marked failed (each after an exponentially longer wait). */
    EMAIL_MAX_ATTEMPTS: positiveInt.max(50).default(8),
    /** How often overdue reviews and actions are looked for (0: never; each is told once). */
    OVERDUE_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** London hour (0–23) after which the day's digests are sent. */
    DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(14 * 86_400),
    LOGIN_MAX_FAILURES: positiveInt.max(100).default(5),
    LOGIN_LOCKOUT_SECONDS: positiveInt.default(900),
    LOGIN_RATE_LIMIT_PER_MINUTE: positiveInt.default(10),
    /** The web workspace's session ends after this many minutes without a request… */
    WEB_SESSION_IDLE_MINUTES: positiveInt.max(24 * 60).default(30),
    /** …and this many hours after sign-in, however active. */
    WEB_SESSION_MAX_HOURS: positiveInt.max(7 * 24).default(12),
    /** Ed25519 private key signing the audit checkpoints: PEM (\\n for line breaks) or base64 PKCS#8 DER. */
    AUDIT_SIGNING_KEY: z.string().min(1).optional(),
    /** Public keys (PEM or base64 SPKI DER, comma-separated) of earlier signing keys, for verifying old checkpoints. */
    AUDIT_VERIFY_KEYS: z.string().min(1).optional(),
    /** Append-only JSON-lines file the signed checkpoints are written to, outside the database. */
    AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_EVERY: positiveInt.max(1_000_000).default(1000),
    AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
    DEMO_DATA: z.enum(['true', 'false']).optional(),
    DEMO_RECORDS: z.enum(['true', 'false']).optional(),
    DEMO_PASSWORD: z.string().min(12, 'must be at least 12 characters').default('scrutiny-demo-2026'),
    CORS_ORIGINS: z.string().default(''),
    RATE_LIMIT_PER_MINUTE: positiveInt.default(300),
    IMPORT_MAX_MB: positiveInt.max(2048).default(50),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'a size such as 1mb or 512kb')
      .default('1mb'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_READ_URL'],
        message: 'is a replica of DATABASE_URL (the embedded database has none); set DATABASE_URL too',
      });
    }
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['MIGRATION_DATABASE_URL'],
        message: "is used only with DATABASE_URL (the application's role); set DATABASE_URL too",
      });
    }
    for (const [name, check] of [
      ['AUDIT_SIGNING_KEY', () => env.AUDIT_SIGNING_KEY && parseSigningKey(env.AUDIT_SIGNING_KEY)],
      ['AUDIT_VERIFY_KEYS', () => env.AUDIT_VERIFY_KEYS && parseVerifyKeys(env.AUDIT_VERIFY_KEYS)],
    ] as const) {
      try {
        check();
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [name], message: (error as Error).message });
      }
    }
    if (env.NODE_ENV !== 'production') return;
    if (!env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (!env.PSEUDONYM_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['PSEUDONYM_KEY'],
        message: 'is required when NODE_ENV=production (it keys the officer tokens external panels see)',
      });
    }
    if (!env.AUDIT_SIGNING_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_SIGNING_KEY'],
        message:
          'is required when NODE_ENV=production (it signs the audit checkpoints; make one with `npm run cli -- audit:keygen`)',
      });
    }
    if (!env.AUDIT_CHECKPOINT_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_CHECKPOINT_FILE'],
        message:
          'is required when NODE_ENV=production (where the signed audit checkpoints are kept, outside the database)',
      });
    }
    if (env.DEMO_DATA === 'true') {
      ctx.addIssue({
        code: 'custom',
        path: ['DEMO_DATA'],
        message: 'demo users and data are refused when NODE_ENV=production',
      });
    }
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required when NODE_ENV=production (the embedded database is for development and demos only)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
