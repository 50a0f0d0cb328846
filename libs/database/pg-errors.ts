/**
 * Whether a query failed on a unique constraint (PostgreSQL 23505), optionally a named one. TypeORM wraps the
 * driver's error (driverError) on some paths and not on others, so both shapes are read.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && (constraint === undefined || name === undefined || name === constraint);
}

/**
 * SQLSTATEs meaning "the database is too busy for this now; the same request later may well succeed": a statement
 * cut off by statement_timeout (57014 query_canceled: the API cancels nothing else), a lock not had within
 * lock_timeout (55P03), the server out of connections (53300) or starting up or shutting down (57P03).
 */
const BUSY_SQLSTATES = new Set(['57014', '55P03', '53300', '57P03']);

/**
 * pg-pool's words when no pooled connection came free within connectionTimeoutMillis, and pg's when the server did
 * not answer a new connection in time: both plain Errors with no code.
 */
const BUSY_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];

/** Whether an error is the database being busy (pool exhausted, statement or lock time-out): a 503, never a 500. */
export function isDatabaseBusy(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code === 'string' && BUSY_SQLSTATES.has(code)) return true;
  const message = e?.driverError?.message ?? e?.message;
  return typeof message === 'string' && BUSY_MESSAGES.some((m) => message.includes(m));
}
