import { parseCell, renderCell, checkFields } from './case-fields';
import { checkTemplateHeader, parseTemplateRow, renderTemplateRow, templateColumns } from './case-csv';
import { USE_OF_FORCE, VEHICLE_STOP } from './case-kinds';
import { toCaseView } from './case-view';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('CSV template cells', () => {
  const tactics = USE_OF_FORCE.fields.find((f) => f.name === 'tactics')!;
  const outcomes = USE_OF_FORCE.fields.find((f) => f.name === 'outcomes')!;
  const assaulted = USE_OF_FORCE.fields.find((f) => f.name === 'officerAssaulted')!;

  it('reads tactics with their effectiveness, blank as not recorded, and renders them back', () => {
    const parsed = parseCell(tactics, 'taser_drawn:yes; baton_used:no ;shield:');
    expect(parsed).toEqual({
      value: [
        { tactic: 'taser_drawn', effective: true },
        { tactic: 'baton_used', effective: false },
        { tactic: 'shield', effective: null },
      ],
    });
    expect(renderCell(tactics, (parsed as { value: unknown }).value)).toBe('taser_drawn:yes;baton_used:no;shield:');
    expect(parseCell(tactics, 'taser_drawn:maybe')).toEqual({
      problem: expect.stringMatching(/effectiveness must be yes, no or blank/),
    });
  });

  it('reads blank yes/no cells as unknown, never as false', () => {
    expect(parseCell(assaulted, '')).toEqual({ value: null });
    expect(parseCell(assaulted, 'TRUE')).toEqual({ value: true });
    expect(parseCell(assaulted, 'n')).toEqual({ value: false });
    expect(parseCell(assaulted, 'perhaps')).toHaveProperty('problem');
  });

  it('checks lists against their vocabulary and refuses repeats', () => {
    expect(checkFields([outcomes], { outcomes: ['arrested', 'banished'] })).toEqual([
      { field: 'outcomes', message: expect.stringMatching(/unknown value "banished"/) },
    ]);
    expect(checkFields([outcomes], { outcomes: ['arrested', 'arrested'] })).toEqual([
      { field: 'outcomes', message: 'lists a value twice' },
    ]);
  });
});

describe('CSV template rows', () => {
  const header = templateColumns(VEHICLE_STOP);
  const row = (over: Record<string, string> = {}) => {
    const values: Record<string, string> = {
      reference: 'VS-1',
      occurred_at: '2024-05-03T21:47:00+01:00',
      reason: 'vehicle_defect',
      ...over,
    };
    return header.map((c) => values[c] ?? '');
  };

  it('accepts columns in any order, but not unknown, missing or repeated ones', () => {
    expect(checkTemplateHeader(VEHICLE_STOP, [...header].reverse())).toBeNull();
    expect(checkTemplateHeader(VEHICLE_STOP, ['\uFEFFreference', 'occurred_at', 'reason'])).toBeNull();
    expect(checkTemplateHeader(VEHICLE_STOP, ['reference', 'occurred_at'])).toMatch(/missing column\(s\) reason/);
    expect(checkTemplateHeader(VEHICLE_STOP, ['reference', 'occurred_at', 'reason', 'colour'])).toMatch(
      /unknown column\(s\) "colour"/,
    );
    expect(checkTemplateHeader(VEHICLE_STOP, ['reference', 'occurred_at', 'reason', 'reason'])).toMatch(
      /repeated column\(s\) reason/,
    );
  });

  it('maps a row to the same input the API takes', () => {
    expect(
      parseTemplateRow(
        VEHICLE_STOP,
        header,
        row({ latitude: '53.5', longitude: '-2.1', bwv_activated_before_encounter: 'yes' }),
        'E23000003',
        NOW,
      ),
    ).toEqual({
      input: expect.objectContaining({
        force: 'E23000003',
        reference: 'VS-1',
        reason: 'vehicle_defect',
        latitude: 53.5,
        longitude: -2.1,
        bwvActivatedBeforeEncounter: true,
        outcome: null,
      }),
    });
  });

  it('reports every problem in a row, each by its column', () => {
    const result = parseTemplateRow(
      VEHICLE_STOP,
      header,
      row({
        reference: '',
        occurred_at: '2024-13-45',
        reason: 'speeding',
        latitude: 'north',
        linked_stop_search_id: 'abc',
      }),
      'E23000003',
      NOW,
    );
    expect('rejections' in result && result.rejections.map((r) => r.field).sort()).toEqual([
      'latitude',
      'linked_stop_search_id',
      'occurred_at',
      'reason',
      'reference',
    ]);
    expect(
      parseTemplateRow(VEHICLE_STOP, header, row({ occurred_at: '2030-01-01T00:00:00Z' }), 'E23000003', NOW),
    ).toEqual({ rejections: [{ field: 'occurred_at', reason: 'must not be in the future' }] });
    expect(parseTemplateRow(VEHICLE_STOP, header, ['a', 'b'], 'E23000003', NOW)).toEqual({
      rejections: [{ field: '(row)', reason: `expected ${header.length} columns, found 2` }],
    });
  });

  it('renders a record back into the row it came from', () => {
    const cells = row({
      area_code: 'E07000117',
      officer_reference: 'PC-1',
      team_code: 'T',
      outcome: 'arrest',
      self_defined_ethnicity: 'W1',
      bwv_activated_before_encounter: 'no',
    });
    const parsed = parseTemplateRow(VEHICLE_STOP, header, cells, 'E23000003', NOW) as {
      input: Record<string, unknown>;
    };
    const view = toCaseView(
      VEHICLE_STOP,
      {
        id: 'x',
        force_code: 'E23000003',
        area_code: 'E07000117',
        district_code: null,
        occurred_at: new Date('2024-05-03T20:47:00Z'),
        period: '2024-05-01',
        latitude: null,
        longitude: null,
        officer_reference: 'PC-1',
        team_code: 'T',
        source_reference: 'VS-1',
        source: 'csv-template',
        version: 1,
        ...Object.fromEntries(VEHICLE_STOP.fields.map((f) => [f.column, parsed.input[f.name]])),
      },
      { kind: 'full' },
    );
    const rendered = renderTemplateRow(VEHICLE_STOP, view);
    expect(rendered).toEqual(cells.map((c, i) => (header[i] === 'occurred_at' ? '2024-05-03T20:47:00.000Z' : c)));
  });
});
