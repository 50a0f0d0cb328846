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
