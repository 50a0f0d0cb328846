import { toStopSearchView, type StopSearchRow } from './stop-search.view';

const row: StopSearchRow = {
  id: '0190a6f4-0000-7000-8000-000000000001', force_code: 'E23000003', area_code: 'E07000117', district_code: 'LANCS-EAST',
  occurred_at: new Date('2024-05-03T21:47:00Z'), period: '2024-05-01', search_type: 'person', legislation: 'misuse_of_drugs_act_s23',
  object_of_search: 'controlled_drugs', grounds: 'Smell of cannabis and seen passing a package', outcome: 'no_further_action',
  outcome_linked_to_object: null, clothing_removed: false, part_of_operation: true, operation_name: 'Op Nightjar', latitude: 53.79, longitude: -2.24,
  gender: 'male', age_range: '18_24', self_defined_ethnicity: 'B2', officer_defined_ethnicity: 'black', officer_reference: 'PC-4471',
  team_code: 'BURNLEY-NPT', s60_authorisation_id: 'S60-2024-12', bwv_activated_before_encounter: true, source: 'manual', import_id: null, version: 3,
  created_at: new Date(), updated_at: new Date(),
};

describe('stop search views', () => {
  it('shows everything in full', () => {
    expect(toStopSearchView(row, { kind: 'full' })).toMatchObject({ officer: 'PC-4471', occurredAt: '2024-05-03T21:47:00.000Z', location: { latitude: 53.79 }, period: '2024-05', pseudonymised: false });
  });

  it('pseudonymises for an external panel: no officer identity, no subject identifiers, hour and district only', () => {
    const v = toStopSearchView(row, { kind: 'pseudonymised', panelId: 'p1', key: 'secret-key', showGrounds: false });
    expect(v).toMatchObject({ occurredAt: '2024-05-03T21:00:00.000Z', areaCode: 'LANCS-EAST', location: null, operationName: null, s60AuthorisationId: null, teamCode: null, grounds: null, pseudonymised: true });
    expect(v.officer).toMatch(/^Officer [A-Z2-9]{6}$/);
    expect(JSON.stringify(v)).not.toMatch(/PC-4471|4471|Op Nightjar|53\.79|BURNLEY|S60-2024/);
    expect(toStopSearchView(row, { kind: 'pseudonymised', panelId: 'p1', key: 'secret-key', showGrounds: true }).grounds).toBe(row.grounds);
  });
});
