import { DomainError } from './errors/domain-error';

/**
 * The reporting calendar: Europe/London months and quarters, written as in routes and reports (2024-05, 2024-Q2)
 * and as first days (2024-04-01). One place, because samples, findings, actions and the themes review must agree.
 */

/** A month as written in routes and reports: 2024-05. */
export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A quarter as written in routes and reports: 2024-Q2. */
export const QUARTER = /^(\d{4})-Q([1-4])$/;

/** First day of a quarter (YYYY-MM-DD), and the quarter `offset` quarters away (negative: earlier). */
export function quarterStart(quarter: string, offset = 0): string {
  const m = QUARTER.exec(quarter);
  if (!m) throw new Error(`not a quarter: ${quarter}`);
  const index = Number(m[1]) * 4 + (Number(m[2]) - 1) + offset;
  const year = Math.floor(index / 4);
  return `${year}-${String((index % 4) * 3 + 1).padStart(2, '0')}-01`;
}

/** The quarter a date or month (YYYY-MM-DD, YYYY-MM) falls in: 2024-Q2. */
export function quarterName(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** Today in Europe/London, YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** The Europe/London calendar month (YYYY-MM) of an instant. */
export function londonMonth(at: Date): string {
  return londonToday(at).slice(0, 7);
}

/** The month (YYYY-MM) before a month, or before the month a date falls in. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * A quarter from a request (2024-Q2): its first day and the first day after, or a validation error naming `field`.
 * `started` refuses quarters that have not begun (nothing can be reviewed or recorded for them yet).
 */
export function parseQuarter(
  quarter: string,
  options: { started?: boolean; field?: string } = {},
): { quarter: string; start: string; end: string } {
  const field = options.field ?? 'quarter';
  if (!QUARTER.exec(quarter ?? ''))
    throw DomainError.validation([{ field, message: 'must be a quarter like 2024-Q2' }]);
  const start = quarterStart(quarter);
  if (Number(start.slice(0, 4)) < 2000) throw DomainError.validation([{ field, message: 'must be 2000-Q1 or later' }]);
  if (options.started && start > londonToday())
    throw DomainError.validation([{ field, message: `${quarter} has not started yet` }]);
  return { quarter, start, end: quarterStart(quarter, 1) };
}

/** A real calendar date written YYYY-MM-DD (2024-02-31 is not: Date.parse would accept it and PostgreSQL refuse it). */
export function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An instant written in ISO 8601 with its offset (2024-06-12T18:00:00+01:00), on a real calendar date. */
export function isIsoInstant(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    ISO_INSTANT.test(value) &&
    isIsoDate((value as string).slice(0, 10)) &&
    !Number.isNaN(Date.parse(value))
  );
}
