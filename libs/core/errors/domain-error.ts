import { ERROR_CODES, type ErrorCode, type FieldError } from './error-codes';

/** The one error type domain code throws. The HTTP layer turns it into application/problem+json. */
export class DomainError extends Error {
  readonly errors: FieldError[];
  /** Extra members added to the problem document (RFC 9457 extension members). */
  readonly extensions: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.errors = options.errors ?? [];
    this.extensions = options.extensions ?? {};
  }

  static notFound(what: string, id?: string): DomainError {
    return new DomainError('NOT_FOUND', id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }

  static validation(errors: FieldError[], detail?: string): DomainError {
    return new DomainError('VALIDATION_FAILED', detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
      errors,
    });
  }
}
