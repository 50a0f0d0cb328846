import { DomainError } from '@scrutiny/core';
import { QUARTER, quarterStart } from './trends';

/** Today in Europe/London, YYYY-MM-DD: the calendar the reporting periods use. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * A quarter from a route (2024-Q2): its first day. `started` refuses quarters that have not begun (nothing can be
 * reviewed or recorded for them yet).
 */
export function parseQuarter(quarter: string, options: { started?: boolean } = {}): { quarter: string; start: string; end: string } {
  if (!QUARTER.exec(quarter ?? '')) throw DomainError.validation([{ field: 'quarter', message: 'must be a quarter like 2024-Q2' }]);
  const start = quarterStart(quarter);
  if (Number(start.slice(0, 4)) < 2000) throw DomainError.validation([{ field: 'quarter', message: 'must be 2000-Q1 or later' }]);
  if (options.started && start > londonToday()) throw DomainError.validation([{ field: 'quarter', message: `${quarter} has not started yet` }]);
  return { quarter, start, end: quarterStart(quarter, 1) };
}
