import { CASE_KIND_SPECS, STOP_SEARCH, USE_OF_FORCE } from './case-kinds';
import { toCaseView, type CaseRow } from './case-view';

const common = {
  id: '0190a6f4-0000-7000-8000-000000000001',
  force_code: 'E23000003',
  area_code: 'E07000117',
  district_code: 'LANCS-EAST',
  occurred_at: new Date('2024-05-03T21:47:00Z'),
  period: '2024-05-01',
  latitude: 53.79,
  longitude: -2.24,
  officer_reference: 'PC-4471',
  team_code: 'BURNLEY-NPT',
  source_reference: 'FORM-8812',
  source: 'manual',
  version: 3,
};
const stopSearch: CaseRow = {
  ...common,
  search_type: 'person',
  legislation: 'misuse_of_drugs_act_s23',
  object_of_search: 'controlled_drugs',
  grounds: 'Smell of cannabis and seen passing a package',
  outcome: 'no_further_action',
  outcome_linked_to_object: null,
  clothing_removed: false,
  part_of_operation: true,
  operation_name: 'Op Nightjar',
  gender: 'male',
  age_range: '18_24',
  self_defined_ethnicity: 'B2',
  officer_defined_ethnicity: 'black',
  s60_authorisation_id: 'S60-2024-12',
  bwv_activated_before_encounter: true,
};
const external = (showGrounds: boolean) => ({
  kind: 'pseudonymised' as const,
  panelId: 'p1',
  key: 'secret-key',
  showGrounds,
});

describe('case views', () => {
  it('shows everything in full, grouping subject fields', () => {
    expect(toCaseView(STOP_SEARCH, stopSearch, { kind: 'full' })).toMatchObject({
      kind: 'stop_search',
      reference: 'FORM-8812',
      officer: 'PC-4471',
      occurredAt: '2024-05-03T21:47:00.000Z',
      location: { latitude: 53.79 },
      period: '2024-05',
      subject: { selfDefinedEthnicity: 'B2', officerDefinedEthnicity: 'black' },
      pseudonymised: false,
    });
  });

  it('pseudonymises for an external panel: no officer identity or identifiers, hour and district only, grounds by policy', () => {
    const v = toCaseView(STOP_SEARCH, stopSearch, external(false));
    expect(v).toMatchObject({
      occurredAt: '2024-05-03T21:00:00.000Z',
      areaCode: 'LANCS-EAST',
      location: null,
      operationName: null,
      s60AuthorisationId: null,
      teamCode: null,
      reference: null,
      grounds: null,
      pseudonymised: true,
    });
    expect(v.officer).toMatch(/^Officer [A-Z2-9]{6}$/);
    expect(JSON.stringify(v)).not.toMatch(/PC-4471|4471|Op Nightjar|53\.79|BURNLEY|S60-2024|FORM-8812/);
    expect(toCaseView(STOP_SEARCH, stopSearch, external(true)).grounds).toBe(stopSearch.grounds);
  });

  it('gives each panel its own officer token', () => {
    const a = toCaseView(STOP_SEARCH, stopSearch, external(false)).officer;
    const b = toCaseView(STOP_SEARCH, stopSearch, { ...external(false), panelId: 'p2' }).officer;
    expect(a).not.toBe(b);
  });

  it('never leaks a field marked hide or grounds, for every kind', () => {
    for (const spec of Object.values(CASE_KIND_SPECS)) {
      const row: CaseRow = { ...common };
      for (const f of spec.fields)
        row[f.column] =
          f.type === 'tactics'
            ? [{ tactic: 'shield', effective: true }]
            : f.type === 'codes'
              ? ['x']
              : f.type === 'boolean'
                ? true
                : `secret-${f.column}`;
      const v = JSON.stringify(toCaseView(spec, row, external(false)));
      for (const f of spec.fields.filter((x) => x.pseudonymised)) expect(v).not.toContain(`secret-${f.column}`);
    }
  });

  it('answers empty lists, not null, for list fields', () => {
    const row: CaseRow = { ...common, tactics: null, impact_factors: null };
    expect(toCaseView(USE_OF_FORCE, row, { kind: 'full' })).toMatchObject({ tactics: [], impactFactors: [] });
  });
});
