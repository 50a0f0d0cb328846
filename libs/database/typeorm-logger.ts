import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from '@scrutiny/core';

/**
 * Routes TypeORM's messages into the structured log. Query parameters are never logged (they can hold
 * personal data); failed queries are logged at debug because callers handle or report them themselves.
 */
export class PinoTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    this.logger.debug(
      { context: 'TypeORM', query, err: { message: String(error instanceof Error ? error.message : error) } },
      'query failed',
    );
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ context: 'TypeORM', query, durationMs: time }, 'slow query');
  }
  logSchemaBuild(message: string): void {
    this.logger.debug({ context: 'TypeORM' }, message);
  }
  logMigration(message: string): void {
    this.logger.info({ context: 'migrations' }, message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    this.logger[level === 'warn' ? 'warn' : 'debug']({ context: 'TypeORM' }, String(message));
  }
}
