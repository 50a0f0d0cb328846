/**
 * Dates and times as the workspace writes them: in Europe/London, words not numbers ("3 May 2024, 22:00"), per the
 * GOV.UK style guide. Calendar dates (YYYY-MM-DD) and months (YYYY-MM) are days on the calendar, not instants: they are
 * written as they are, with no time-zone shift.
 */
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const CALENDAR_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const CALENDAR_MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "3 May 2024, 22:00" in Europe/London; empty for no value. */
export function formatDateTime(value: unknown): string {
  const date = toDate(value);
  if (!date) return '';
  const part = Object.fromEntries(DATE_TIME.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute}`;
}

/** "3 May 2024" for a calendar date (YYYY-MM-DD) or an instant (its day in Europe/London). */
export function formatDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return CALENDAR_DATE.format(new Date(`${value}T00:00:00Z`));
  const date = toDate(value);
  if (!date) return '';
  const london = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(date);
  return CALENDAR_DATE.format(new Date(`${london}T00:00:00Z`));
}

/** "May 2024" for a month (YYYY-MM). */
export function formatMonth(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}$/.test(value)) return '';
  return CALENDAR_MONTH.format(new Date(`${value}-01T00:00:00Z`));
}
