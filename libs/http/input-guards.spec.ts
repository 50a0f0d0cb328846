import { isCalendarDate, unacceptableJson } from '@scrutiny/http';

describe('input refused before any DTO (issue 15, 9)', () => {
  it('names the field holding a NUL or a lone surrogate, in a value or a key, at any depth', () => {
    expect(unacceptableJson({ a: { b: ['ok', 'x\u0000y'] } })?.field).toBe('a.b.1');
    expect(unacceptableJson({ text: 'a\uD800b' })?.message).toMatch(/^text must be valid Unicode/);
    expect(unacceptableJson({ text: 'a\uDC00' })?.field).toBe('text');
    expect(unacceptableJson({ ['k\u0000']: 1 })?.field).toBe('k\u0000');
    expect(unacceptableJson({ emoji: 'ok \uD83D\uDE00', n: 1, none: null })).toBeNull();
  });

  it('refuses nesting past 32 levels without recursing through the rest', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unacceptableJson(deep)?.message).toMatch(/nested too deeply/);
    let ok: unknown = 1;
    for (let i = 0; i < 32; i++) ok = { a: ok };
    expect(unacceptableJson(ok)).toBeNull();
  });

  it('a calendar date is one that exists', () => {
    expect(['2024-02-29', '2017-12-31'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2017-02-31', '2023-02-29', '2024-13-01', '2024-1-01', 20240101].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
