import { hash } from 'node:crypto';
import { OccurrenceCounter } from './occurrences';

describe('OccurrenceCounter', () => {
  it('numbers each content key among identical ones, as numbering them by line would, past its first table size', () => {
    const counter = new OccurrenceCounter(4);
    const keys = Array.from({ length: 5000 }, (_, i) => hash('sha256', `row ${i % 1234}`, 'base64url'));
    const byLine = new Map<string, number>();
    for (const key of keys) {
      const n = (byLine.get(key) ?? 0) + 1;
      byLine.set(key, n);
      expect(counter.next(key)).toBe(n);
    }
  });

  it('tells keys apart by their first 20 characters and refuses a shorter one', () => {
    const counter = new OccurrenceCounter();
    expect(counter.next('AAAAAAAAAAAAAAAAAAAB')).toBe(1);
    expect(counter.next('AAAAAAAAAAAAAAAAAAAA')).toBe(1);
    expect(counter.next('_AAAAAAAAAAAAAAAAAAA')).toBe(1);
    expect(counter.next('AAAAAAAAAAAAAAAAAAAB')).toBe(2);
    expect(() => counter.next('short')).toThrow();
  });
});
