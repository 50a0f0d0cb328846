import 'reflect-metadata';
import { createLogger, DomainError, loadConfigOrExit } from '@scrutiny/core';
import { UsageError, type CliCommand } from './command';
import { migrateCommand, schemaCheckCommand } from './commands/migrate.command';
import { openApiCheckCommand, openApiWriteCommand } from './commands/openapi.command';
import { heartbeatCommand, jobsDiscardCommand, jobsFailedCommand, jobsRetryCommand } from './commands/jobs.command';
import { healthCommand } from './commands/health.command';
import { importCommand } from './commands/import.command';
import { recordsPlaceCommand } from './commands/places.command';
import { auditKeygenCommand, auditVerifyCommand, seedDemoCommand, usersCreateCommand } from './commands/users.command';
import { retentionCheckCommand, samplesDrawCommand, samplesVerifyCommand } from './commands/samples.command';
import { setupCommand } from './commands/setup.command';
import { complaintsExportCommand } from './commands/complaints.command';

const COMMANDS: CliCommand[] = [
  setupCommand,
  migrateCommand,
  schemaCheckCommand,
  openApiWriteCommand,
  openApiCheckCommand,
  jobsFailedCommand,
  jobsRetryCommand,
  jobsDiscardCommand,
  heartbeatCommand,
  healthCommand,
  usersCreateCommand,
  seedDemoCommand,
  auditVerifyCommand,
  auditKeygenCommand,
  samplesDrawCommand,
  samplesVerifyCommand,
  retentionCheckCommand,
  importCommand,
  recordsPlaceCommand,
  complaintsExportCommand,
];

function help(): string {
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Configuration comes from the environment (see README: Configuration).',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 64;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${help()}\n`);
    return 64;
  }
  const config = loadConfigOrExit();
  // Logs go to stderr so that a command's output on stdout stays clean for pipes.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', { app: 'cli', command: name }, 2);
  try {
    return await command.run(args, { config, logger, out: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nUsage: npm run cli -- ${command.usage}\n`);
      return 64;
    }
    if (error instanceof DomainError) {
      process.stderr.write(
        `${error.code}: ${error.message}\n${error.errors.map((e) => `  ${e.field}: ${e.message}\n`).join('')}`,
      );
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
