import { RowIds } from './row-ids';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('RowIds', () => {
  it('makes version 7 ids that ascend, within a millisecond and across one, and never repeat', () => {
    const ids = new RowIds();
    const made: string[] = [];
    for (let i = 0; i < 10_000; i++) made.push(ids.next(1_700_000_000_000 + Math.floor(i / 3000)));
    for (const id of made) expect(id).toMatch(V7);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    // The time is the millisecond given, in the first 48 bits.
    expect(parseInt(made[0].replace(/-/g, '').slice(0, 12), 16)).toBe(1_700_000_000_000);
  });

  it('borrows the next millisecond when one holds more than 4,096 ids, so they keep ascending', () => {
    const ids = new RowIds();
    const made = Array.from({ length: 9000 }, () => ids.next(1_700_000_000_000));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(parseInt(made[8999].replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThan(1_700_000_000_000);
    // A clock that has fallen behind the borrowed milliseconds does not take ids backwards.
    expect(ids.next(1_700_000_000_001) > made[8999]).toBe(true);
  });
});
