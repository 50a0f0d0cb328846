import { formatDate, formatDateTime, formatMonth } from './format';

describe('web formatting', () => {
  it('writes instants in Europe/London, in words', () => {
    expect(formatDateTime('2024-05-03T21:00:00Z')).toBe('3 May 2024, 22:00');
    expect(formatDateTime('2024-01-15T09:05:00Z')).toBe('15 January 2024, 09:05');
    expect(formatDateTime(null)).toBe('');
  });

  it('writes calendar dates and months as they are', () => {
    expect(formatDate('2024-05-03')).toBe('3 May 2024');
    expect(formatDate('2024-05-03T23:30:00Z')).toBe('4 May 2024');
    expect(formatMonth('2024-05')).toBe('May 2024');
    expect(formatMonth('May')).toBe('');
  });
});
