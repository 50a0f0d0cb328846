import { parseArgs } from 'node:util';
import { AuditVerifier, describeVerification, SYSTEM_ACTOR } from '@scrutiny/audit';
import { DemoUsersSeeder, ROLES, UsersService } from '@scrutiny/auth';
import { generateAuditKeyPair } from '@scrutiny/core';
import { withCliContext } from '../cli-context';
import { UsageError, type CliCommand } from '../command';

/** The whole of standard input, less one trailing newline (a password piped in). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const usersCreateCommand: CliCommand = {
  name: 'users:create',
  usage: `users:create --username U --role R [--role R2] [--name "Display Name"] [--team T] [--area A] [--email E] [--daily-digest] [--password-stdin]`,
  summary: `Create a user (roles: ${ROLES.join(', ')}); the password comes from stdin or is generated and printed once`,
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        username: { type: 'string' },
        role: { type: 'string', multiple: true },
        name: { type: 'string' },
        team: { type: 'string', multiple: true },
        area: { type: 'string', multiple: true },
        email: { type: 'string' },
        'daily-digest': { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
      },
    });
    if (!values.username) throw new UsageError('--username is required');
    if (!values.role?.length) throw new UsageError(`--role is required (one of ${ROLES.join(', ')})`);
    // Without --password-stdin, a piped stdin still counts as the password: `echo pw | npm run cli -- users:create …`.
    const password = values['password-stdin'] || !process.stdin.isTTY ? await readStdin() : undefined;
    return withCliContext(env.config, env.logger, async (app) => {
      const { user, generatedPassword } = await app.get(UsersService).create(
        {
          username: values.username!,
          displayName: values.name,
          roles: values.role!,
          teams: values.team,
          areas: values.area,
          email: values.email,
          notificationPreference: values['daily-digest'] ? 'daily_digest' : undefined,
          password: password || undefined,
        },
        SYSTEM_ACTOR,
      );
      env.out(`Created ${user.username} (${user.roles.join(', ')}) id=${user.id}`);
      if (generatedPassword) env.out(`Password (shown once): ${generatedPassword}`);
      return 0;
    });
  },
};

export const seedDemoCommand: CliCommand = {
  name: 'seed:demo',
  usage: 'seed:demo',
  summary: 'Create the demo users (one per role, password DEMO_PASSWORD); refused in production',
  async run(_args, env) {
    if (env.config.env === 'production') throw new UsageError('demo data is refused when NODE_ENV=production');
    return withCliContext(
      env.config,
      env.logger,
      async (app) => {
        const created = await app.get(DemoUsersSeeder).seed();
        env.out(created.length ? `Created demo users: ${created.join(', ')}` : 'Demo users already exist.');
        return 0;
      },
      { migrateOnOpen: env.config.database.kind === 'embedded' },
    );
  },
};

export const auditVerifyCommand: CliCommand = {
  name: 'audit:verify',
  usage: 'audit:verify [--json] [--checkpoints FILE]',
  summary:
    'Recompute the audit hash chain and hold it against the signed checkpoints (AUDIT_CHECKPOINT_FILE, or FILE: a copy from the log store); exit 1 naming the first altered event, a removed tail or a bad checkpoint',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, checkpoints: { type: 'string' } } });
    return withCliContext(env.config, env.logger, async (app) => {
      const result = await app.get(AuditVerifier).verify({ checkpointFile: values.checkpoints });
      if (values.json) env.out(JSON.stringify(result, null, 2));
      else for (const line of describeVerification(result)) env.out(line);
      return result.verified ? 0 : 1;
    });
  },
};

export const auditKeygenCommand: CliCommand = {
  name: 'audit:keygen',
  usage: 'audit:keygen',
  summary:
    'Print a new Ed25519 key pair for AUDIT_SIGNING_KEY (private: keep it out of the database) and its public key',
  async run(_args, env) {
    const pair = generateAuditKeyPair();
    env.out(`AUDIT_SIGNING_KEY=${pair.privateKey}`);
    env.out(`# public key (key id ${pair.keyId}), for AUDIT_VERIFY_KEYS once this key is retired:`);
    env.out(`# ${pair.publicKey}`);
    return 0;
  },
};
