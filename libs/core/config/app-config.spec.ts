import * as path from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { generateAuditKeyPair } from './audit-keys';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

const AUDIT_ENV = { AUDIT_SIGNING_KEY: generateAuditKeyPair().privateKey, AUDIT_CHECKPOINT_FILE: '/var/lib/x.jsonl' };

describe('loadConfig', () => {
  it('gives zero-setup defaults: embedded database under ./data, in-process jobs, port 3000', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'embedded', dataDir: path.resolve('./data') });
    expect(config.jobs.kind).toBe('in-process');
    expect(config.jwtSecretIsEphemeral).toBe(true);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('uses PostgreSQL and BullMQ when their URLs are set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@localhost/db', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@localhost/db' });
    expect(config.jobs).toMatchObject({ kind: 'bullmq', redisUrl: 'redis://127.0.0.1:6379', prefix: 'scrutiny' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).database.kind).toBe('embedded');
  });

  it('names each bad variable', () => {
    expect(problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
    ]);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: must be at most 65535/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a number$/m);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: must be one of: fatal, error/);
  });

  it('in production requires the JWT secret and refuses the embedded database', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).sort()).toEqual([
      'AUDIT_CHECKPOINT_FILE',
      'AUDIT_SIGNING_KEY',
      'DATABASE_URL',
      'JWT_SECRET',
      'PSEUDONYM_KEY',
    ]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: 'short',
        DATABASE_URL: 'postgres://x/y',
        PSEUDONYM_KEY: 'k'.repeat(32),
        ...AUDIT_ENV,
      }),
    ).toEqual(['JWT_SECRET']);
    const ok = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://x/y',
      PSEUDONYM_KEY: 'k'.repeat(32),
      ...AUDIT_ENV,
    });
    expect(ok.jwtSecretIsEphemeral).toBe(false);
  });

  it('seeds demo data by default only in embedded mode, and never in production', () => {
    expect(loadConfig({}).demo.enabled).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).demo.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y', DEMO_DATA: 'true' }).demo.enabled).toBe(true);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(32),
        DATABASE_URL: 'postgres://x/y',
        PSEUDONYM_KEY: 'k'.repeat(32),
        ...AUDIT_ENV,
        DEMO_DATA: 'true',
      }),
    ).toEqual(['DEMO_DATA']);
    expect(problemsOf({ DEMO_PASSWORD: 'short' })).toEqual(['DEMO_PASSWORD']);
    expect(loadConfig({}).demo.records).toBe(true);
    expect(loadConfig({ DEMO_RECORDS: 'false' }).demo).toMatchObject({ enabled: true, records: false });
  });

  it('parses CORS origins as a list, or * for any', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).http.corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toBe('*');
    expect(loadConfig({}).http.corsOrigins).toEqual([]);
  });

  it('takes a separate owner URL for migrations, and checks the audit signing key', () => {
    const two = loadConfig({ DATABASE_URL: 'postgres://app@h/db', MIGRATION_DATABASE_URL: 'postgres://owner@h/db' });
    expect(two.database).toMatchObject({ url: 'postgres://app@h/db', migrationUrl: 'postgres://owner@h/db' });
    expect(problemsOf({ MIGRATION_DATABASE_URL: 'postgres://owner@h/db' })).toEqual(['MIGRATION_DATABASE_URL']);
    expect(problemsOf({ AUDIT_SIGNING_KEY: 'nonsense!' })).toEqual(['AUDIT_SIGNING_KEY']);
    const audit = loadConfig({ AUDIT_SIGNING_KEY: AUDIT_ENV.AUDIT_SIGNING_KEY }).auditCheckpoints;
    expect(audit).toMatchObject({ every: 1000, intervalMs: 60_000, file: null });
    expect(audit.signingKey?.asymmetricKeyType).toBe('ed25519');
  });
});
