import { Readable } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, uuidv7, type AppConfig, type Logger } from '@scrutiny/core';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { ImportsService, type ImportView } from '../imports/imports.service';
import { DEMO_POLICE_UK_CSV, DEMO_POLICE_UK_FILENAME, DEMO_USE_OF_FORCE_CSV, DEMO_VEHICLE_STOPS_CSV } from './demo-csv';

/** Lancashire cases on the demo supervisor's team (TEAM-A), so supervisor scoping has something to show. */
const DEMO_CASES = [
  {
    at: '2024-05-03T21:47:00+01:00',
    power: 'misuse_of_drugs_act_s23',
    object: 'controlled_drugs',
    outcome: 'no_further_action',
    self: 'B2',
    officer: 'black',
    age: '18_24',
    ref: 'PC-4471',
    grounds: 'Smell of cannabis from the car; driver nervous',
  },
  {
    at: '2024-05-09T14:10:00+01:00',
    power: 'pace_s1',
    object: 'stolen_goods',
    outcome: 'arrest',
    self: 'W1',
    officer: 'white',
    age: '25_34',
    ref: 'PC-4471',
    grounds: 'Matched description of shoplifting suspect given by store staff minutes earlier',
  },
  {
    at: '2024-05-17T23:05:00+01:00',
    power: 'cjpoa_s60',
    object: 'offensive_weapons',
    outcome: 'no_further_action',
    self: 'A2',
    officer: 'asian',
    age: '10_17',
    ref: 'PC-5120',
    grounds: 'Section 60 authorisation in force after stabbing in the town centre',
  },
  {
    at: '2024-06-02T02:30:00+01:00',
    power: 'misuse_of_drugs_act_s23',
    object: 'controlled_drugs',
    outcome: 'drugs_warning',
    self: 'NS',
    officer: 'white',
    age: 'over_34',
    ref: 'PC-5120',
    grounds: 'Seen exchanging small items for cash outside the station',
  },
  {
    at: '2024-06-14T19:20:00+01:00',
    power: 'pace_s1',
    object: 'articles_to_threaten_or_harm',
    outcome: 'community_resolution',
    self: 'M1',
    officer: 'black',
    age: '10_17',
    ref: 'PC-6002',
    grounds: 'Reported by a member of the public as carrying a knife',
  },
];

/** Demo records in embedded mode: one real police.uk month (imported the normal way) and a few team cases. */
@Injectable()
export class DemoRecordsSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly imports: ImportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM stop_searches`)) as { n: number }[];
    if (n > 0) return;
    const imported = this.checked(
      await this.imports.importReadable(
        () => Readable.from([DEMO_POLICE_UK_CSV]),
        DEMO_POLICE_UK_FILENAME,
        'police-uk',
        'city-of-london',
        SYSTEM_ACTOR,
      ),
    );
    this.checked(
      await this.imports.importReadable(
        () => Readable.from([DEMO_VEHICLE_STOPS_CSV]),
        'demo-vehicle-stops.csv',
        'vehicle-stops',
        'lancashire',
        SYSTEM_ACTOR,
      ),
    );
    this.checked(
      await this.imports.importReadable(
        () => Readable.from([DEMO_USE_OF_FORCE_CSV]),
        'demo-use-of-force.csv',
        'use-of-force',
        'lancashire',
        SYSTEM_ACTOR,
      ),
    );
    const [supervisor] = (await this.dataSource.query(`SELECT id FROM users WHERE username = 'supervisor'`)) as {
      id: string;
    }[];
    const caseIds: string[] = [];
    await this.dataSource.transaction(async (m) => {
      for (const c of DEMO_CASES) {
        const [officer] = (await m.query(
          `INSERT INTO officers (reference, force_code, team_code, supervisor_user_id) VALUES ($1, 'E23000003', 'TEAM-A', $2)
           ON CONFLICT (force_code, reference) DO UPDATE SET team_code = EXCLUDED.team_code, supervisor_user_id = EXCLUDED.supervisor_user_id RETURNING id`,
          [c.ref, supervisor?.id ?? null],
        )) as { id: string }[];
        await m.query(
          `INSERT INTO stop_searches (id, force_code, area_code, occurred_at, period, search_type, legislation, object_of_search, grounds, outcome,
             gender, age_range, self_defined_ethnicity, officer_defined_ethnicity, officer_id, team_code, bwv_activated_before_encounter, source, version)
           VALUES ($1, 'E23000003', 'E07000117', $2, date_trunc('month', $2::timestamptz AT TIME ZONE 'Europe/London')::date, 'person', $3, $4, $5, $6,
             'male', $7, $8, $9, $10, 'TEAM-A', true, 'manual', 1)`,
          [
            caseIds[caseIds.push(uuidv7()) - 1],
            c.at,
            c.power,
            c.object,
            c.grounds,
            c.outcome,
            c.age,
            c.self,
            c.officer,
            officer.id,
          ],
        );
      }
      // A clip for each case, kept 31 days from recording (the Met's retention period for non-evidential footage).
      for (const [i, id] of caseIds.entries()) {
        const [clip] = (await m.query(
          `INSERT INTO bwv_clips (reference, force_code, officer_id, device_id, recorded_at, duration_seconds, retention_expires_at, status, version)
           SELECT $1, 'E23000003', s.officer_id, $2, s.occurred_at - interval '40 seconds', 300 + 37 * $3::int, s.occurred_at + interval '31 days', 'available', 1
           FROM stop_searches s WHERE s.id = $4 RETURNING id`,
          [`DEMO-EVD-${String(i + 1).padStart(4, '0')}`, `AXON-${88210 + i}`, i, id],
        )) as { id: string }[];
        await m.query(`INSERT INTO bwv_clip_links (clip_id, case_kind, case_id) VALUES ($1, 'stop_search', $2)`, [
          clip.id,
          id,
        ]);
      }
      // The first demo use-of-force report happened during the first stop search, and its footage is the search's clip.
      await m.query(
        `UPDATE use_of_force_reports SET linked_stop_search_id = $1 WHERE source_reference = 'UOF-2024-0001' AND force_code = 'E23000003'`,
        [caseIds[0]],
      );
      await m.query(
        `INSERT INTO bwv_clip_links (clip_id, case_kind, case_id)
         SELECT l.clip_id, 'use_of_force', u.id FROM bwv_clip_links l, use_of_force_reports u WHERE l.case_id = $1 AND u.source_reference = 'UOF-2024-0001'`,
        [caseIds[0]],
      );
      await this.seedPanels(m, caseIds);
    });
    this.logger.info(
      { imported: imported.rowsImported, teamCases: DEMO_CASES.length },
      'demo records (stop searches, vehicle stops, use of force) and panels created',
    );
  }

  /**
   * An import of the bundled demo files, which must go in whole: importReadable reports a failed file in its result
   * rather than throwing, and a failed or partial demo import would leave the rest of the demo (links, clips, panels)
   * built on missing cases. Logs the import's error and rejected rows, and stops start-up.
   */
  private checked(result: ImportView): ImportView {
    if (result.status === 'completed' && result.rowsRejected === 0) return result;
    this.logger.error(
      {
        importId: result.id,
        filename: result.filename,
        status: result.status,
        error: result.error,
        rowsRejected: result.rowsRejected,
        rejected: result.rejected.slice(0, 10),
      },
      'demo records: a bundled demo file did not import cleanly',
    );
    throw new Error(
      `Demo import of ${result.filename} ${result.status === 'completed' ? `rejected ${result.rowsRejected} row(s)` : `ended ${result.status}: ${result.error ?? 'no error recorded'}`} (import ${result.id})`,
    );
  }

  /**
   * An external panel (chaired by `external`) and an internal one (chaired by `internal`), each with an open session;
   * quorum 1, so a lone demo user can walk a session through to its close.
   */
  private async seedPanels(m: { query: DataSource['query'] }, caseIds: string[]): Promise<void> {
    const panels: [string, 'external' | 'internal', string, string[]][] = [
      ['Independent Community Scrutiny Panel (demo)', 'external', 'external', caseIds.slice(0, 3)],
      ['Internal Stop and Search Review Panel (demo)', 'internal', 'internal', caseIds.slice(2, 5)],
    ];
    for (const [name, kind, username, agenda] of panels) {
      const [user] = (await m.query(`SELECT id FROM users WHERE username = $1`, [username])) as { id: string }[];
      const [panel] = (await m.query(
        `INSERT INTO panels (name, kind, remit, show_grounds, quorum, version) VALUES ($1, $2, '{stop_search,vehicle_stop,use_of_force}', false, 1, 1) RETURNING id`,
        [name, kind],
      )) as { id: string }[];
      if (user) {
        await m.query(
          `INSERT INTO panel_members (panel_id, user_id, role, term_start, vetted_on, confidentiality_signed_on) VALUES ($1, $2, 'chair', current_date - 30, current_date - 30, current_date - 30)`,
          [panel.id, user.id],
        );
      }
      const [session] = (await m.query(
        `INSERT INTO panel_sessions (panel_id, scheduled_at, venue, status, opened_at, version) VALUES ($1, now(), 'Online', 'open', now(), 1) RETURNING id`,
        [panel.id],
      )) as { id: string }[];
      for (const [i, id] of agenda.entries()) {
        await m.query(
          `INSERT INTO session_agenda_items (session_id, case_kind, case_id, position) VALUES ($1, 'stop_search', $2, $3)`,
          [session.id, id, i + 1],
        );
      }
    }
  }
}
