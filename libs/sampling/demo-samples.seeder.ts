import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { loadActor } from '@scrutiny/auth';
import { DipSamplesService } from './dip-samples.service';
import { SamplingPlansService } from './plans.service';
import { RetentionService } from './retention.service';

const DEMO_PLAN = 'TEAM-A monthly (demo)';

/**
 * Demo dip sampling, after the demo records: a plan over TEAM-A (its schedule off), its May 2024 sample drawn and
 * issued once (holds requested, reviews assigned to the demo supervisor), and one hold confirmed.
 */
@Injectable()
export class DemoSamplesSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: SamplingPlansService,
    private readonly samples: DipSamplesService,
    private readonly retention: RetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [existing] = (await this.dataSource.query(`SELECT 1 FROM sampling_plans WHERE name = $1`, [
      DEMO_PLAN,
    ])) as unknown[];
    const [teamCases] = (await this.dataSource.query(
      `SELECT 1 FROM stop_searches WHERE team_code = 'TEAM-A' LIMIT 1`,
    )) as unknown[];
    if (existing || !teamCases) return;
    const actor = await loadActor(this.dataSource, { username: 'admin' });
    if (!actor) return;
    const plan = await this.plans.create(actor, {
      name: DEMO_PLAN,
      spec: {
        kinds: ['stop_search', 'vehicle_stop', 'use_of_force'],
        teams: ['TEAM-A'],
        sampleSize: 3,
        strata: ['kind'],
        rules: [
          { rule: 'under_18' },
          { rule: 'suspicionless_powers' },
          { rule: 'taser' },
          { rule: 'ethnicity_mismatch' },
        ],
        reviewDueDays: 14,
      },
    });
    const drawn = await this.samples.draw(
      { system: true },
      { period: '2024-05', planId: plan.id, seed: 'demo-2024-05' },
    );
    // An empty draw is reported, never issued (the plan's schedule stays off: the demo issues nothing by itself).
    if (drawn.itemCount === 0) {
      this.logger.warn({ sample: drawn.id, reason: drawn.eligibility?.reason }, 'demo dip sample drew nothing');
      return;
    }
    const sample = await this.samples.issue({ system: true }, drawn.id, drawn.version);
    const [hold] = (await this.dataSource.query(
      `SELECT id FROM bwv_hold_requests WHERE sample_id = $1 ORDER BY id LIMIT 1`,
      [sample.id],
    )) as { id: string }[];
    // The evidence system confirming the hold it placed, as the admin.
    if (hold) await this.retention.confirm(actor, hold.id);
    this.logger.info({ sample: sample.id, items: sample.items.length }, 'demo dip sample issued');
  }
}
