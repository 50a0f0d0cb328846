import { officerToken, roundToHour } from './pseudonymise';

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
});
