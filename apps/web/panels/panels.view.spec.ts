import { agreementRows, criterionTitle, groupOf, isoDateOf } from './panels.view';

describe('panel pages: view models', () => {
  it('sorts sessions into upcoming, open and closed (cancelled among the closed)', () => {
    expect(['planned', 'open', 'closed', 'published', 'cancelled'].map(groupOf)).toEqual([
      'upcoming',
      'open',
      'closed',
      'closed',
      'closed',
    ]);
  });

  it('reads a GOV.UK date input as an ISO date, refusing days that do not exist', () => {
    expect(isoDateOf('26', '2', '2027')).toBe('2027-02-26');
    expect(isoDateOf(' 1 ', '12', '2026')).toBe('2026-12-01');
    expect(isoDateOf('31', '2', '2027')).toBeUndefined();
    expect(isoDateOf('', '2', '2027')).toBeUndefined();
    expect(isoDateOf('1', '1', '27')).toBeUndefined();
    expect(isoDateOf('1.5', '1', '2027')).toBeUndefined();
  });

  it('names each agreement criterion by its question in the form definition', () => {
    expect(criterionTitle('lawfulness.grounds')).not.toBe('lawfulness.grounds');
    expect(criterionTitle('useOfForce.tactics.necessary')).not.toBe('useOfForce.tactics.necessary');
    expect(criterionTitle('no.such.question')).toBe('no.such.question');
  });

  it('shows only the criteria some rating answered, alpha to two places', () => {
    const rows = agreementRows([
      {
        criterion: 'lawfulness.grounds',
        level: 'nominal',
        alpha: 0.6666,
        ci95: { lower: 0.1, upper: 1 },
        pairableCases: 4,
        pairableValues: 8,
        reason: null,
      },
      {
        criterion: 'bwv.availability',
        level: 'ordinal',
        alpha: null,
        ci95: null,
        pairableCases: 0,
        pairableValues: 0,
        reason: 'none',
      },
    ]);
    expect(rows).toEqual([
      {
        criterion: criterionTitle('lawfulness.grounds'),
        alpha: '0.67',
        interval: '0.10 to 1.00',
        cases: 4,
        reason: null,
      },
    ]);
  });
});
