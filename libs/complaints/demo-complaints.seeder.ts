import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadActor } from '@scrutiny/auth';
import { APP_CONFIG, LOGGER, seededStream, type AppConfig, type Logger } from '@scrutiny/core';
import { DeliberationService } from '@scrutiny/panels';
import type { AllegationInput, ComplaintInput } from './complaint-input';
import { ComplaintsService } from './complaints.service';

const FORCE = 'E23000003';
const TEAM_A = ['PC-4471', 'PC-5120', 'PC-6002'];
const TEAM_B = ['PC-7001', 'PC-7002', 'PC-7003'];
export const DEMO_COMPLAINT_PREFIX = 'CO/DEMO/';

type Pick = () => number;
const choose = <T>(rand: Pick, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const weighted = <T>(rand: Pick, items: readonly [T, number][]): T => {
  let r = rand() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
};
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const ALLEGATIONS: [Omit<AllegationInput, 'officerReferences'>, number][] = [
  [{ category: 'individual_behaviours', subCategory: 'impolite_language_or_tone' }, 5],
  [{ category: 'individual_behaviours', subCategory: 'unprofessional_attitude_and_disrespect' }, 4],
  [{ category: 'individual_behaviours', subCategory: 'overbearing_or_harassing_behaviours' }, 2],
  [{ category: 'delivery_of_duties_and_service', subCategory: 'police_action_following_contact' }, 4],
  [{ category: 'delivery_of_duties_and_service', subCategory: 'general_level_of_service' }, 3],
  [{ category: 'police_powers_policies_and_procedures', subCategory: 'stop_and_search' }, 3],
  [{ category: 'police_powers_policies_and_procedures', subCategory: 'use_of_force' }, 2],
  [{ category: 'police_powers_policies_and_procedures', subCategory: 'arrest' }, 2],
  [{ category: 'discriminatory_behaviour', subCategory: 'race' }, 3],
  [{ category: 'discriminatory_behaviour', subCategory: 'age' }, 1],
  [{ category: 'discriminatory_behaviour', subCategory: 'sex' }, 1],
  [{ category: 'discriminatory_behaviour', subCategory: 'religion_or_belief' }, 1],
  [{ category: 'access_and_disclosure_of_information', subCategory: 'disclosure_of_information' }, 1],
];
const THEMES = [
  'communication_and_respect',
  'de_escalation',
  'grounds_insufficient',
  'stereotyping_or_personal_factors',
];
const ETHNICITIES = ['W1', 'W1', 'W1', 'A2', 'A1', 'B2', 'B1', 'M1', 'O1', 'NS'];
const AGE_BANDS = ['18_24', '25_34', '35_44', '45_54', '55_64'];

/**
 * Demo complaints (embedded demo data): April 2023 to June 2024 for the demo teams (TEAM-A, the demo supervisor's;
 * TEAM-B, the quarterly review's), drawn from a seeded stream so every start seeds the same register, plus a few in
 * 2024-Q2 arising from TEAM-A's demo encounters (one of them race discrimination in a stop search, upheld, with an
 * action in the tracker) and one about PC-7003, whose amber-rated search makes them a repeat concern from two sources.
 */
@Injectable()
export class DemoComplaintsSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: ComplaintsService,
    private readonly deliberation: DeliberationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [done] = (await this.dataSource.query(`SELECT 1 FROM complaints WHERE reference LIKE $1 LIMIT 1`, [
      `${DEMO_COMPLAINT_PREFIX}%`,
    ])) as unknown[];
    const psd = await loadActor(this.dataSource, { username: 'psd' });
    if (done || !psd) return;
    // TEAM-B's officers may not be recorded yet (the themes demo creates their searches): the register names them.
    for (const reference of TEAM_B)
      await this.dataSource.query(
        `INSERT INTO officers (reference, force_code, team_code) VALUES ($1, $2, 'TEAM-B') ON CONFLICT DO NOTHING`,
        [reference, FORCE],
      );

    const rand = seededStream('demo-complaints-v1');
    const inputs: ComplaintInput[] = [];
    let n = 0;
    for (let m = 0; m < 15; m++) {
      const month = new Date(Date.UTC(2023, 3 + m, 1)).toISOString().slice(0, 7);
      const count = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < count; i++) {
        n++;
        const receivedOn = `${month}-${String(1 + Math.floor(rand() * 27)).padStart(2, '0')}`;
        // TEAM-B's officers have the quarterly review's scripted history; the random register is TEAM-A's.
        const officer = choose(rand, TEAM_A);
        const allegations: AllegationInput[] = [{ ...weighted(rand, ALLEGATIONS), officerReferences: [officer] }];
        if (rand() < 0.3) allegations.push({ ...weighted(rand, ALLEGATIONS), officerReferences: [officer] });
        // Older complaints are mostly finalised; the last months' mostly open.
        const finalised = receivedOn < '2024-04-01' ? rand() < 0.85 : rand() < 0.4;
        const days = 10 + Math.floor(rand() * 110);
        const finalisedOn = finalised && addDays(receivedOn, days) <= '2024-06-30' ? addDays(receivedOn, days) : null;
        const handling = weighted(rand, [
          ['outside_schedule_3', 5],
          ['schedule_3_reasonable_and_proportionate', 4],
          ['local_investigation', 2],
        ] as const);
        for (const a of allegations)
          a.outcome = finalisedOn
            ? handling === 'local_investigation'
              ? weighted(rand, [
                  ['no_case_to_answer', 3],
                  ['reflective_practice', 2],
                  ['case_to_answer_misconduct', 1],
                ] as const)
              : weighted(rand, [
                  ['service_acceptable', 4],
                  ['service_not_acceptable', 2],
                  ['no_further_action', 1],
                ] as const)
            : null;
        inputs.push({
          force: FORCE,
          reference: `${DEMO_COMPLAINT_PREFIX}${String(n).padStart(4, '0')}`,
          receivedOn,
          loggedOn: addDays(receivedOn, Math.floor(rand() * 4)),
          finalisedOn,
          handling,
          complainant: {
            reference: `CP-${String(1000 + n)}`,
            ethnicity: choose(rand, ETHNICITIES),
            sex: choose(rand, ['female', 'male', 'male'] as const),
            ageBand: choose(rand, AGE_BANDS),
          },
          themes: rand() < 0.5 ? [choose(rand, THEMES)] : [],
          allegations,
        });
      }
    }
    inputs.push(...(await this.linked()));
    let raised = 0;
    for (const input of inputs) {
      const created = await this.complaints.create(psd, input);
      if (input.reference === `${DEMO_COMPLAINT_PREFIX}0101`) {
        await this.deliberation.raiseComplaintAction(psd, created.id, {
          kind: 'feedback_to_officer',
          description: 'Debrief PC-4471 on grounds and explaining the search; dip-sample their searches next month',
          owner: 'Inspector, Burnley NPT',
          dueOn: '2024-07-31',
        });
        raised++;
      }
    }
    this.logger.info({ complaints: inputs.length, actions: raised }, 'demo complaints register created');
  }

  /** 2024-Q2 complaints arising from TEAM-A's demo encounters (looked up by team and time), and one about PC-7003. */
  private async linked(): Promise<ComplaintInput[]> {
    const first = async (table: string) =>
      (
        (await this.dataSource.query(
          `SELECT id FROM ${table} WHERE force_code = $1 AND team_code = 'TEAM-A' ORDER BY occurred_at, id`,
          [FORCE],
        )) as { id: string }[]
      ).map((r) => r.id);
    const [searches, vehicleStops, uses] = [
      await first('stop_searches'),
      await first('vehicle_stops'),
      await first('use_of_force_reports'),
    ];
    const out: ComplaintInput[] = [];
    const complainant = { reference: null, ethnicity: 'B2', sex: 'male', ageBand: '18_24' };
    if (searches[0])
      out.push({
        force: FORCE,
        reference: `${DEMO_COMPLAINT_PREFIX}0101`,
        receivedOn: '2024-05-06',
        loggedOn: '2024-05-07',
        finalisedOn: '2024-06-20',
        handling: 'schedule_3_reasonable_and_proportionate',
        complainant: { ...complainant, reference: 'CP-2101' },
        themes: ['stereotyping_or_personal_factors', 'grounds_insufficient'],
        allegations: [
          {
            category: 'discriminatory_behaviour',
            subCategory: 'race',
            officerReferences: ['PC-4471'],
            encounter: { kind: 'stop_search', id: searches[0] },
            outcome: 'service_not_acceptable',
          },
          {
            category: 'police_powers_policies_and_procedures',
            subCategory: 'stop_and_search',
            officerReferences: ['PC-4471'],
            encounter: { kind: 'stop_search', id: searches[0] },
            outcome: 'service_not_acceptable',
          },
        ],
      });
    if (vehicleStops[0])
      out.push({
        force: FORCE,
        reference: `${DEMO_COMPLAINT_PREFIX}0102`,
        receivedOn: '2024-05-12',
        loggedOn: '2024-05-13',
        handling: 'outside_schedule_3',
        complainant: { reference: 'CP-2102', ethnicity: 'W1', sex: 'female', ageBand: '35_44' },
        themes: ['communication_and_respect'],
        allegations: [
          {
            category: 'individual_behaviours',
            subCategory: 'impolite_language_or_tone',
            officerReferences: ['PC-4471'],
            encounter: { kind: 'vehicle_stop', id: vehicleStops[0] },
          },
        ],
      });
    if (searches[4])
      out.push({
        force: FORCE,
        reference: `${DEMO_COMPLAINT_PREFIX}0103`,
        receivedOn: '2024-06-17',
        handling: 'local_investigation',
        complainant: { reference: 'CP-2103', ethnicity: 'M1', sex: 'male', ageBand: null },
        themes: ['children_and_safeguarding'],
        allegations: [
          {
            category: 'discriminatory_behaviour',
            subCategory: 'age',
            officerReferences: ['PC-6002'],
            encounter: { kind: 'stop_search', id: searches[4] },
          },
        ],
      });
    if (uses[0])
      out.push({
        force: FORCE,
        reference: `${DEMO_COMPLAINT_PREFIX}0104`,
        receivedOn: '2024-05-25',
        loggedOn: '2024-05-25',
        finalisedOn: '2024-06-28',
        handling: 'local_investigation',
        complainant: { reference: 'CP-2104', ethnicity: 'W1', sex: 'male', ageBand: '25_34' },
        themes: ['handcuffing_routine'],
        allegations: [
          {
            category: 'police_powers_policies_and_procedures',
            subCategory: 'use_of_force',
            officerReferences: ['PC-5120'],
            encounter: { kind: 'use_of_force', id: uses[0] },
            outcome: 'no_case_to_answer',
          },
        ],
      });
    out.push({
      force: FORCE,
      reference: `${DEMO_COMPLAINT_PREFIX}0105`,
      receivedOn: '2024-05-20',
      loggedOn: '2024-05-21',
      handling: 'schedule_3_reasonable_and_proportionate',
      complainant: { reference: 'CP-2105', ethnicity: 'A2', sex: 'female', ageBand: '45_54' },
      themes: ['communication_and_respect'],
      allegations: [
        {
          category: 'individual_behaviours',
          subCategory: 'overbearing_or_harassing_behaviours',
          officerReferences: ['PC-7003'],
        },
      ],
    });
    return out;
  }
}
