import type { AppConfig, Logger } from '@scrutiny/core';

export interface CommandEnv {
  config: AppConfig;
  logger: Logger;
  out: (line: string) => void;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** Returns the process exit code. */
  run(args: string[], env: CommandEnv): Promise<number>;
}

/** Thrown for a wrong invocation: printed with the command's usage, exit code 64 (EX_USAGE). */
export class UsageError extends Error {}
