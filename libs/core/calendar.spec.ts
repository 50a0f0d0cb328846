import {
  isIsoDate,
  isIsoInstant,
  londonMonth,
  londonToday,
  parseQuarter,
  previousMonth,
  quarterName,
  quarterStart,
} from './calendar';

describe('reporting calendar', () => {
  it('names quarters and their first days, across year ends', () => {
    expect(quarterStart('2024-Q4', 1)).toBe('2025-01-01');
    expect(quarterStart('2024-Q1', -5)).toBe('2022-10-01');
    expect(['2024-01-01', '2024-03', '2024-04-01', '2024-12-31'].map(quarterName)).toEqual([
      '2024-Q1',
      '2024-Q1',
      '2024-Q2',
      '2024-Q4',
    ]);
    expect(previousMonth('2024-01')).toBe('2023-12');
    expect(previousMonth('2024-07-01')).toBe('2024-06');
  });

  it('uses the Europe/London calendar (BST moves midnight)', () => {
    expect(londonToday(new Date('2024-06-30T23:30:00Z'))).toBe('2024-07-01');
    expect(londonMonth(new Date('2024-12-31T23:30:00Z'))).toBe('2024-12');
  });

  it('parses a quarter from a request or names the field that is wrong', () => {
    expect(parseQuarter('2024-Q2')).toEqual({ quarter: '2024-Q2', start: '2024-04-01', end: '2024-07-01' });
    for (const bad of ['2024-Q5', '2024Q2', '1999-Q4'])
      expect(() => parseQuarter(bad, { field: 'q' })).toThrow(
        expect.objectContaining({ errors: [expect.objectContaining({ field: 'q' })] }),
      );
  });

  it('accepts only real calendar dates', () => {
    expect(['2024-02-29', '2023-12-31'].every(isIsoDate)).toBe(true);
    expect(['2023-02-29', '2024-02-31', '2024-13-01', '2024-1-01', '1', null].some(isIsoDate)).toBe(false);
  });

  it('accepts only instants with an offset on real dates', () => {
    expect(isIsoInstant('2024-06-12T18:00:00+01:00')).toBe(true);
    expect(['2024-02-31T10:00Z', '2024-06-12T18:00:00', '1', 42].some(isIsoInstant)).toBe(false);
  });
});
