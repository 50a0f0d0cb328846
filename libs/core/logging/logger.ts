import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { executionContext } from '../context/request-context';

/**
 * Structured JSON logs (one object per line on stdout), each carrying the request id or job id of the
 * work in progress.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'scrutiny', ...base },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = executionContext.current();
        return ctx ? { ...ctx } : {};
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd, sync: fd === 2 }),
  );
}

/** Adapts pino to Nest's LoggerService so framework messages come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    const err = message instanceof Error ? message : undefined;
    const ctx = context ?? (err ? stackOrContext : undefined);
    const stack = err ? err.stack : context ? stackOrContext : undefined;
    this.logger.error({ context: ctx, ...(stack ? { stack } : {}) }, err ? err.message : String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}

export type { Logger };
