import * as path from 'node:path';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ImportsService } from '@scrutiny/records';
import { parsePlanSpec, readPopulation, type PlanSpec } from '@scrutiny/sampling';
import { insertClip, insertStopSearch } from '../factories/records';
import { createTestApp, type TestApp } from '../setup/test-app';

const TEMPLATES = path.join(__dirname, '../../docs/csv-templates');

/** The features the targeted rules read, as the population query computes them from real rows of each kind. */
describe('dip-sample population features', () => {
  let t: TestApp;
  const spec = (over: Record<string, unknown> = {}): PlanSpec => {
    const parsed = parsePlanSpec({
      kinds: ['stop_search', 'vehicle_stop', 'use_of_force'],
      rules: [{ rule: 'repeat_subject', params: { minEncounters: 2, lookbackDays: 30 } }],
      ...over,
    });
    if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
    return parsed.spec;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const imports = t.app.get(ImportsService);
    await imports.importFile(path.join(TEMPLATES, 'vehicle-stops.csv'), 'vehicle-stops', 'lancashire', SYSTEM_ACTOR);
    await imports.importFile(path.join(TEMPLATES, 'use-of-force.csv'), 'use-of-force', 'lancashire', SYSTEM_ACTOR);
  });
  afterAll(() => t.close());

  const population = async (over: Record<string, unknown> = {}, asOf = new Date()) =>
    readPopulation(t.dataSource, { period: '2024-05', spec: spec(over), teams: [], asOf });

  it('reads each kind’s features from its own columns', async () => {
    const child = await insertStopSearch(t.dataSource, {
      ageRange: '10_17',
      clothingRemoved: true,
      legislation: 'cjpoa_s60',
      selfDefinedEthnicity: 'B2',
      officerDefinedEthnicity: 'white',
      bwvActivatedBeforeEncounter: false,
    });
    await insertClip(t.dataSource, child, 30);
    await t.dataSource.query(
      `UPDATE stop_searches SET outcome = 'no_further_action', outcome_linked_to_object = true WHERE id = $1`,
      [child],
    );
    const rows = await population();
    const search = rows.find((r) => r.id === child)!;
    expect(search).toMatchObject({ kind: 'stop_search', power: 'cjpoa_s60', team: 'TEAM-A', area: 'E07000117' });
    expect(search.features).toMatchObject({
      under18: true,
      clothingRemoved: true,
      findNoFurtherAction: true,
      bwvMissingOrLate: true,
      ethnicityMismatch: true,
      injury: false,
    });

    const [taser] = await t.dataSource.query(
      `SELECT id FROM use_of_force_reports WHERE source_reference = 'UOF-2024-0002'`,
    );
    expect(rows.find((r) => r.id === taser.id)!.features).toMatchObject({
      tactics: ['taser_drawn', 'taser_red_dot'],
      injury: true,
      under18: false,
      bwvMissingOrLate: true,
    });
    const [calm] = await t.dataSource.query(
      `SELECT id FROM use_of_force_reports WHERE source_reference = 'UOF-2024-0001'`,
    );
    expect(rows.find((r) => r.id === calm.id)!.features).toMatchObject({ injury: false, ethnicityMismatch: false });

    const [young] = await t.dataSource.query(`SELECT id FROM vehicle_stops WHERE source_reference = 'VS-2024-0002'`);
    expect(rows.find((r) => r.id === young.id)).toMatchObject({
      kind: 'vehicle_stop',
      power: 'road_traffic_act_s163',
      features: { under18: false, ethnicityMismatch: false },
    });
  });

  it('counts repeat encounters with one subject across kinds within the look-back window', async () => {
    // SUBJ-0193 was stopped in a vehicle on 3 May and had force used on them the same night (the templates).
    const rows = await population();
    const [vs] = await t.dataSource.query(`SELECT id FROM vehicle_stops WHERE source_reference = 'VS-2024-0001'`);
    const [uof] = await t.dataSource.query(
      `SELECT id FROM use_of_force_reports WHERE source_reference = 'UOF-2024-0001'`,
    );
    expect(rows.find((r) => r.id === vs.id)!.features.subjectEncounters).toBe(1);
    expect(rows.find((r) => r.id === uof.id)!.features.subjectEncounters).toBe(2);
    const off = await population({ rules: [] });
    expect(off.find((r) => r.id === uof.id)!.features.subjectEncounters).toBe(0); // not computed unless the rule is on
  });

  it('counts an officer as flagged only between the flag and its clearing, as of the draw', async () => {
    const id = await insertStopSearch(t.dataSource, { officerReference: 'PC-FLAG' });
    const before = new Date();
    await t.dataSource.query(
      `UPDATE officers SET flagged_at = now() + interval '1 second', flag_reason = 'test' WHERE reference = 'PC-FLAG'`,
    );
    expect((await population({}, before)).find((r) => r.id === id)!.features.officerFlagged).toBe(false);
    expect((await population({}, new Date(Date.now() + 5000))).find((r) => r.id === id)!.features.officerFlagged).toBe(
      true,
    );
    await t.dataSource.query(
      `UPDATE officers SET flag_cleared_at = now() + interval '2 seconds' WHERE reference = 'PC-FLAG'`,
    );
    expect(
      (await population({}, new Date(Date.now() + 60_000))).find((r) => r.id === id)!.features.officerFlagged,
    ).toBe(false);
  });
});
