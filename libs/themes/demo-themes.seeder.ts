import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadActor } from '@scrutiny/auth';
import { APP_CONFIG, londonMonth, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { CasesService } from '@scrutiny/records';
import { EXAMPLE_REVIEW_FORM, type ReviewForm } from '@scrutiny/review';
import { DipSamplesService, SampleReviewsService, SamplingPlansService } from '@scrutiny/sampling';
import { DisproportionalityService } from '@scrutiny/statistics';
import { MeetingsService } from './meetings.service';

const DEMO_PLAN = 'TEAM-B review history (demo)';
const BURNLEY = 'E07000117';
const PRESTON = 'E07000123';

type Script = {
  at: string;
  officer: string;
  area: string;
  rag: 'green' | 'amber' | 'red';
  themes: string[];
  outcome: ReviewForm['outcome'];
  learning?: string;
};

/**
 * A year of TEAM-B's reviewed searches, so the quarterly themes review has something to compare: 2024-Q2 against
 * 2024-Q1 and 2023-Q2. PC-7001 and PC-7002 each have two amber/red cases within 12 months (repeat concerns);
 * PC-7003 has one (not a concern). Each case is created, sampled, issued and reviewed through the services.
 */
const CASES: Script[] = [
  {
    at: '2023-05-10T22:15:00+01:00',
    officer: 'PC-7001',
    area: BURNLEY,
    rag: 'amber',
    themes: ['grounds_insufficient', 'record_quality'],
    outcome: 'supervisor_debrief',
    learning: 'Grounds recorded as "acting suspiciously" only',
  },
  {
    at: '2023-05-21T15:40:00+01:00',
    officer: 'PC-7002',
    area: PRESTON,
    rag: 'green',
    themes: ['good_practice'],
    outcome: 'no_action',
  },
  {
    at: '2024-02-08T20:05:00Z',
    officer: 'PC-7001',
    area: BURNLEY,
    rag: 'amber',
    themes: ['bwv_not_activated_or_late', 'record_quality'],
    outcome: 'supervisor_debrief',
    learning: 'Camera switched on after the search began',
  },
  {
    at: '2024-02-19T11:30:00Z',
    officer: 'PC-7003',
    area: PRESTON,
    rag: 'green',
    themes: ['good_practice'],
    outcome: 'no_action',
  },
  {
    at: '2024-03-12T18:45:00Z',
    officer: 'PC-7002',
    area: PRESTON,
    rag: 'amber',
    themes: ['gowisely_incomplete'],
    outcome: 'organisational_learning',
    learning: 'Station and entitlement to a copy not given',
  },
  {
    at: '2024-04-04T23:10:00+01:00',
    officer: 'PC-7001',
    area: BURNLEY,
    rag: 'red',
    themes: ['grounds_insufficient', 'smell_of_cannabis_only', 'bwv_not_activated_or_late'],
    outcome: 'referral_to_professional_standards',
    learning: 'Smell of cannabis as the only grounds; no footage of the search',
  },
  {
    at: '2024-04-15T14:20:00+01:00',
    officer: 'PC-7003',
    area: PRESTON,
    rag: 'green',
    themes: ['good_practice', 'communication_and_respect'],
    outcome: 'no_action',
  },
  {
    at: '2024-04-27T21:35:00+01:00',
    officer: 'PC-7002',
    area: BURNLEY,
    rag: 'amber',
    themes: ['record_quality', 'gowisely_incomplete'],
    outcome: 'supervisor_debrief',
    learning: 'Outcome link not recorded',
  },
  {
    at: '2024-06-09T01:50:00+01:00',
    officer: 'PC-7003',
    area: PRESTON,
    rag: 'amber',
    themes: ['handcuffing_routine'],
    outcome: 'organisational_learning',
    learning: 'Handcuffed a compliant subject without a stated reason',
  },
  {
    at: '2024-06-23T16:05:00+01:00',
    officer: 'PC-7001',
    area: PRESTON,
    rag: 'green',
    themes: ['record_quality'],
    outcome: 'no_action',
  },
];

/** Runs after the other demo seeders: the TEAM-B history above, a 2024-Q2 disproportionality finding and the 2024-Q2 review meeting. */
@Injectable()
export class DemoThemesSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CasesService,
    private readonly plans: SamplingPlansService,
    private readonly samples: DipSamplesService,
    private readonly reviews: SampleReviewsService,
    private readonly statistics: DisproportionalityService,
    private readonly meetings: MeetingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [done] = (await this.dataSource.query(`SELECT 1 FROM sampling_plans WHERE name = $1`, [
      DEMO_PLAN,
    ])) as unknown[];
    const [psd, supervisor] = [
      await loadActor(this.dataSource, { username: 'psd' }),
      await loadActor(this.dataSource, { username: 'supervisor' }),
    ];
    if (done || !psd || !supervisor) return;

    const scriptOf = new Map<string, Script>();
    for (const c of CASES) {
      const created = await this.cases.create(psd, 'stop_search', {
        force: 'lancashire',
        areaCode: c.area,
        occurredAt: c.at,
        officerReference: c.officer,
        teamCode: 'TEAM-B',
        searchType: 'person',
        legislation: 'misuse_of_drugs_act_s23',
        objectOfSearch: 'controlled_drugs',
        outcome: 'no_further_action',
        gender: 'male',
        ageRange: '18_24',
        selfDefinedEthnicity: 'W1',
        officerDefinedEthnicity: 'white',
        grounds: 'Demo record for the quarterly themes review',
      });
      scriptOf.set(created.id as string, c);
    }
    // TEAM-B has no supervisor of its own in the demo: the demo supervisor oversees its officers and reviews their cases.
    await this.dataSource.query(`UPDATE officers SET supervisor_user_id = $1 WHERE team_code = 'TEAM-B'`, [
      supervisor.id,
    ]);

    const plan = await this.plans.create(psd, {
      name: DEMO_PLAN,
      spec: { kinds: ['stop_search'], teams: ['TEAM-B'], sampleSize: 10, strata: [], reviewDueDays: 14 },
    });
    for (const period of [...new Set(CASES.map((c) => londonMonth(new Date(c.at))))]) {
      const drawn = await this.samples.draw(
        { system: true },
        { period, planId: plan.id, seed: `demo-team-b-${period}` },
      );
      const sample = await this.samples.issue({ system: true }, drawn.id, drawn.version);
      for (const item of sample.items) {
        const script = scriptOf.get(item.recordId);
        if (!script) continue;
        const review = await this.reviews.get(supervisor, sample.id, item.id);
        const form: ReviewForm = {
          ...EXAMPLE_REVIEW_FORM,
          assessment: {
            rag: script.rag,
            goodPractice: script.rag === 'green' ? 'Clear, calm explanation of grounds' : null,
            learningPoints: script.learning ?? null,
            questionsForForce: null,
            themes: script.themes,
          },
          outcome: script.outcome,
        };
        await this.reviews.save(supervisor, sample.id, item.id, { version: review.version, form, submit: true });
      }
    }

    await this.statistics.createFinding(psd, {
      title: 'Stop and search in Lancashire, April to June 2024 (demo)',
      query: { from: '2024-04', to: '2024-06', area: 'lancashire' },
      narrative:
        'Too few searches this quarter for a reliable ratio; the interval is wide. Keep under review with the next quarter.',
    });
    await this.meetings.put(psd, '2024-Q2', {
      attendees: [
        'Det Supt (chair), Professional Standards',
        'Inspector, Burnley NPT',
        'Chair, Independent Scrutiny Panel',
      ],
      decisions:
        'Grounds and BWV activation are recurring themes in TEAM-B. PC-7001 referred for a development plan; briefing for TEAM-B on GOWISELY.',
    });
    await this.meetings.raiseAction(psd, '2024-Q2', {
      kind: 'policy_or_training',
      description: 'GOWISELY and BWV activation briefing for TEAM-B',
      owner: 'Inspector, Burnley NPT',
      dueOn: '2024-09-30',
    });
    this.logger.info(
      { cases: CASES.length },
      'demo themes history (TEAM-B reviews), 2024-Q2 finding and review meeting created',
    );
  }
}
