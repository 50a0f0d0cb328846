import { quarterName, quarterStart } from '@scrutiny/core';
import { changeFrom, themeTrends } from './trends';

describe('quarterly trend arithmetic', () => {
  it('walks quarters across year ends', () => {
    expect(quarterStart('2024-Q2')).toBe('2024-04-01');
    expect(quarterStart('2024-Q1', -1)).toBe('2023-10-01');
    expect(quarterStart('2024-Q3', -4)).toBe('2023-07-01');
    expect(quarterStart('2024-Q4', 1)).toBe('2025-01-01');
    expect(quarterName('2023-10-01')).toBe('2023-Q4');
  });

  it('gives changes and percentages, and no percentage from a zero base', () => {
    expect(changeFrom(15, 10)).toEqual({ change: 5, changePct: 50 });
    expect(changeFrom(2, 3)).toEqual({ change: -1, changePct: -33.3 });
    expect(changeFrom(4, 0)).toEqual({ change: 4, changePct: null });
  });

  it('lines up every theme seen in any of the three quarters, most frequent first', () => {
    const trends = themeTrends(
      new Map([
        ['a', 3],
        ['b', 5],
      ]),
      new Map([
        ['a', 1],
        ['c', 2],
      ]),
      new Map([['b', 5]]),
    );
    expect(trends.map((t) => [t.theme, t.count, t.previousQuarter, t.sameQuarterLastYear])).toEqual([
      ['b', 5, 0, 5],
      ['a', 3, 1, 0],
      ['c', 0, 2, 0],
    ]);
    expect(trends[1].vsPreviousQuarter).toEqual({ change: 2, changePct: 200 });
    expect(trends[0].vsLastYear).toEqual({ change: 0, changePct: 0 });
  });
});
