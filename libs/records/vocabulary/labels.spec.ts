import { CASE_KIND_SPECS } from '../cases/case-kinds';
import { labelOf, NOT_RECORDED, recordFieldVocabularies, VOCABULARIES } from './labels';

describe('vocabulary labels', () => {
  const specs = Object.values(CASE_KIND_SPECS);

  it('labels every code of every coded field of every record kind', () => {
    const byField = recordFieldVocabularies(specs);
    for (const spec of specs) {
      for (const field of spec.fields.filter((f) => f.vocabulary)) {
        const name = byField[spec.kind][field.name];
        expect([spec.kind, field.name, name]).toEqual([spec.kind, field.name, expect.any(String)]);
        for (const code of field.vocabulary!) {
          const label = labelOf(name, code);
          expect([name, code, label.length > 0 && label !== NOT_RECORDED]).toEqual([name, code, true]);
        }
      }
    }
  });

  it('gives words, not codes, for the codes people most often meet', () => {
    expect(labelOf('self_defined_ethnicity', 'B1')).toBe('Black/African/Caribbean/Black British - African');
    expect(labelOf('self_defined_ethnicity', 'NS')).toBe('Not stated');
    expect(labelOf('legislation', 'misuse_of_drugs_act_s23')).toBe('Misuse of Drugs Act 1971 (section 23)');
    expect(labelOf('stop_search_outcome', 'no_further_action')).toBe('No further action');
    expect(labelOf('age_range', '10_17')).toBe('10 to 17');
    expect(labelOf('uof_tactic', 'taser_drive_stun')).toBe('Taser drive-stun');
    expect(labelOf('vehicle_stop_reason', 'road_check_pace_s4')).toBe('Road check (PACE s4)');
    expect(labelOf('record_kind', 'use_of_force')).toBe('Use of force');
    expect(labelOf('form_criterion', 'lawfulness.grounds')).toMatch(/^Grounds/);
  });

  it('reads a blank as not recorded, and keeps a code it does not know', () => {
    expect(labelOf('legislation', null)).toBe('Not recorded');
    expect(labelOf('legislation', undefined)).toBe('Not recorded');
    expect(labelOf('legislation', 'repealed_power')).toBe('repealed_power');
    expect(labelOf('no_such_vocabulary', 'x')).toBe('x');
    // Inherited object keys are not codes.
    expect(labelOf('legislation', 'toString')).toBe('toString');
  });

  it('has a label for every vocabulary and no code labelled blank', () => {
    for (const [name, v] of Object.entries(VOCABULARIES)) {
      expect([name, v.label.length > 0, Object.keys(v.codes).length > 0]).toEqual([name, true, true]);
      for (const [code, label] of Object.entries(v.codes))
        expect([name, code, label.trim().length > 0]).toEqual([name, code, true]);
    }
  });
});
