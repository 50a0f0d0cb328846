import { randomBytes, type KeyObject } from 'node:crypto';
import * as path from 'node:path';
import { envSchema, type Env } from './env.schema';
import { parseFields } from '../errors/plain-zod';
import { parseSigningKey, parseVerifyKeys } from './audit-keys';

export type DatabaseConfig =
  | {
      kind: 'postgres';
      /** The application's connection (a restricted role when migrationUrl is set). */
      url: string;
      poolSize: number;
      /** The owner's connection, for migrations and setup; absent: `url` is the owner's. */
      migrationUrl?: string;
      /** The API's statement time-out in ms (0: none); see DATABASE_STATEMENT_TIMEOUT_MS. */
      statementTimeoutMs?: number;
      /** How long a query waits for a pooled connection, in ms (absent: 10 s). */
      acquireTimeoutMs?: number;
      /** A streaming replica for reads that may lag; absent: they go to `url` (see libs/database/read-source.ts). */
      read?: { url: string; poolSize: number; maxLagSeconds: number };
    }
  | { kind: 'embedded'; dataDir: string };

/** Signed audit checkpoints (see libs/audit/checkpoints.ts). */
export interface AuditCheckpointConfig {
  /** Ed25519 private key; absent: embedded mode keeps one in DATA_DIR, services mode writes no checkpoints. */
  signingKey: KeyObject | null;
  /** Public keys of earlier signing keys, so checkpoints they signed still verify. */
  verifyKeys: KeyObject[];
  /** Absent: embedded mode writes DATA_DIR/audit-checkpoints.jsonl, services mode only the log line. */
  file: string | null;
  every: number;
  intervalMs: number;
}

export type JobsConfig =
  | { kind: 'bullmq'; redisUrl: string; prefix: string; attempts: number; backoffMs: number; concurrency: number }
  | { kind: 'in-process'; attempts: number; backoffMs: number; concurrency: number };

/** The typed, validated configuration every module receives. Built once, by `loadConfig`. */
export interface AppConfig {
  env: Env['NODE_ENV'];
  http: {
    host: string;
    port: number;
    corsOrigins: string[] | '*';
    rateLimitPerMinute: number;
    bodyLimit: string;
    trustProxy: number;
    /** Largest file accepted by POST /imports. */
    importMaxBytes: number;
  };
  database: DatabaseConfig;
  auditCheckpoints: AuditCheckpointConfig;
  jobs: JobsConfig;
  heartbeatIntervalMs: number;
  /** How often imports left queued (never handed to the queue) are swept: queued again or failed. */
  importSweepIntervalMs: number;
  /** How often audit events are sealed into the chain in the process running jobs (0: only on demand). */
  auditSealIntervalMs: number;
  shutdownTimeoutMs: number;
  sampling: {
    bwvRetentionDays: number;
    holdWarningDays: number;
    scheduleIntervalMs: number;
    retentionCheckIntervalMs: number;
  };
  bwvLinkTemplate: string;
  /** Email notifications: with `smtpUrl` null (embedded default) emails are held in the outbox for admins. */
  mail: {
    smtpUrl: string | null;
    from: string;
    tlsRejectUnauthorized: boolean;
    publicBaseUrl: string;
    sendIntervalMs: number;
    maxAttempts: number;
    overdueCheckIntervalMs: number;
    digestHour: number;
  };
  /** Present in production (required there); generated per process elsewhere so tokens die with it. */
  jwtSecret: string;
  jwtSecretIsEphemeral: boolean;
  /** Keys the per-panel officer tokens (HMAC). Generated per process outside production. */
  pseudonymKey: string;
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    loginMaxFailures: number;
    loginLockoutSeconds: number;
    loginRateLimitPerMinute: number;
    /** Web workspace sessions: idle and absolute time-outs. */
    webSessionIdleMinutes: number;
    webSessionMaxHours: number;
  };
  /** Demo users (and, unless `records` is off, demo records): on by default in embedded mode, never in production. */
  demo: { enabled: boolean; records: boolean; password: string };
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function blankToUndefined(source: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source)) out[key] = value === '' ? undefined : value;
  return out;
}

function demoSettings(env: Env): AppConfig['demo'] {
  const enabled = env.NODE_ENV !== 'production' && (env.DEMO_DATA ? env.DEMO_DATA === 'true' : !env.DATABASE_URL);
  return { enabled, records: enabled && env.DEMO_RECORDS !== 'false', password: env.DEMO_PASSWORD };
}

/** Validates the environment and derives the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = parseFields(envSchema, blankToUndefined(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.errors.map((e) => ({ variable: e.field === '(value)' ? '(environment)' : e.field, message: e.message })),
    );
  }
  const env = parsed.data;
  const origins = env.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const jobDefaults = { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS, concurrency: env.JOB_CONCURRENCY };
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      corsOrigins: origins.includes('*') ? '*' : origins,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      bodyLimit: env.BODY_LIMIT,
      trustProxy: env.TRUST_PROXY,
      importMaxBytes: env.IMPORT_MAX_MB * 1024 * 1024,
    },
    database: env.DATABASE_URL
      ? {
          kind: 'postgres',
          url: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          // Without a worker the API runs the jobs (imports among them) on its own pool: no time-out there.
          statementTimeoutMs: env.REDIS_URL ? env.DATABASE_STATEMENT_TIMEOUT_MS : 0,
          acquireTimeoutMs: env.DATABASE_POOL_ACQUIRE_TIMEOUT_MS,
          ...(env.MIGRATION_DATABASE_URL ? { migrationUrl: env.MIGRATION_DATABASE_URL } : {}),
          ...(env.DATABASE_READ_URL
            ? {
                read: {
                  url: env.DATABASE_READ_URL,
                  poolSize: env.DATABASE_READ_POOL_SIZE ?? env.DATABASE_POOL_SIZE,
                  maxLagSeconds: env.DATABASE_READ_MAX_LAG_SECONDS,
                },
              }
            : {}),
        }
      : { kind: 'embedded', dataDir: path.resolve(env.DATA_DIR) },
    auditCheckpoints: {
      signingKey: env.AUDIT_SIGNING_KEY ? parseSigningKey(env.AUDIT_SIGNING_KEY) : null,
      verifyKeys: env.AUDIT_VERIFY_KEYS ? parseVerifyKeys(env.AUDIT_VERIFY_KEYS) : [],
      file: env.AUDIT_CHECKPOINT_FILE ? path.resolve(env.AUDIT_CHECKPOINT_FILE) : null,
      every: env.AUDIT_CHECKPOINT_EVERY,
      intervalMs: env.AUDIT_CHECKPOINT_INTERVAL_MS,
    },
    jobs: env.REDIS_URL
      ? { kind: 'bullmq', redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX, ...jobDefaults }
      : { kind: 'in-process', ...jobDefaults },
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    importSweepIntervalMs: env.IMPORT_SWEEP_INTERVAL_MS,
    auditSealIntervalMs: env.AUDIT_SEAL_INTERVAL_MS,
    bwvLinkTemplate: env.BWV_LINK_TEMPLATE,
    sampling: {
      bwvRetentionDays: env.BWV_RETENTION_DAYS,
      holdWarningDays: env.BWV_HOLD_WARNING_DAYS,
      scheduleIntervalMs: env.SAMPLING_SCHEDULE_INTERVAL_MS,
      retentionCheckIntervalMs: env.RETENTION_CHECK_INTERVAL_MS,
    },
    mail: {
      smtpUrl: env.SMTP_URL ?? null,
      from: env.MAIL_FROM,
      tlsRejectUnauthorized: env.SMTP_TLS_REJECT_UNAUTHORIZED === 'true',
      publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
      sendIntervalMs: env.EMAIL_SEND_INTERVAL_MS,
      maxAttempts: env.EMAIL_MAX_ATTEMPTS,
      overdueCheckIntervalMs: env.OVERDUE_CHECK_INTERVAL_MS,
      digestHour: env.DIGEST_HOUR,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    jwtSecret: env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    jwtSecretIsEphemeral: !env.JWT_SECRET,
    pseudonymKey: env.PSEUDONYM_KEY ?? randomBytes(48).toString('base64url'),
    auth: {
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginLockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
      loginRateLimitPerMinute: env.LOGIN_RATE_LIMIT_PER_MINUTE,
      webSessionIdleMinutes: env.WEB_SESSION_IDLE_MINUTES,
      webSessionMaxHours: env.WEB_SESSION_MAX_HOURS,
    },
    demo: demoSettings(env),
    logLevel: env.LOG_LEVEL,
  };
}

/** Injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** For entry points: the configuration, or a message naming each bad variable and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
