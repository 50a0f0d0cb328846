import { officerToken, opaqueId, pseudonymiseText, roundToHour } from './pseudonymise';

describe('pseudonymisation', () => {
  it('gives an officer a token stable within a panel, different across panels and keys', () => {
    const a = officerToken('k1', 'panel-1', 'PC-1234');
    expect(a).toMatch(/^Officer [A-Z2-9]{6}$/);
    expect(officerToken('k1', 'panel-1', 'PC-1234')).toBe(a);
    expect(officerToken('k1', 'panel-2', 'PC-1234')).not.toBe(a);
    expect(officerToken('k2', 'panel-1', 'PC-1234')).not.toBe(a);
    expect(a).not.toContain('1234');
  });
  it('rounds times down to the hour', () => {
    expect(roundToHour(new Date('2018-03-31T23:47:12.345Z'))).toBe('2018-03-31T23:00:00.000Z');
  });
  it('maps an id to a UUIDv4-shaped HMAC, stable within a panel, different across panels', () => {
    const real = '0190f2b4-7c1e-7a3b-8c9d-0123456789ab';
    const a = opaqueId('k1', 'panel-1', real);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(opaqueId('k1', 'panel-1', real)).toBe(a);
    expect(opaqueId('k1', 'panel-2', real)).not.toBe(a);
    expect(opaqueId('k2', 'panel-1', real)).not.toBe(a);
  });
  it('replaces officer references in free text by their token, as whole words, whatever the case', () => {
    const token = (ref: string) => `Officer <${ref.length}>`;
    expect(pseudonymiseText('PC-4471 and pc-4471 briefed; PC-44712 not; 4471 too', ['4471', 'PC-4471'], token)).toBe(
      'Officer <7> and Officer <7> briefed; PC-44712 not; Officer <4> too',
    );
    expect(pseudonymiseText('a (b)', ['(b)'], token)).toBe('a Officer <3>');
  });
});
