import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { SYSTEM_ACTOR } from '@scrutiny/audit';
import { DipSamplesService } from './dip-samples.service';
import { SamplingPlansService } from './plans.service';

const DEMO_PLAN = 'TEAM-A monthly (demo)';

/**
 * Demo dip sampling, after the demo records: a plan over TEAM-A, its May 2024 sample drawn and issued (holds
 * requested, reviews assigned to the demo supervisor), and one hold confirmed.
 */
@Injectable()
export class DemoSamplesSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: SamplingPlansService,
    private readonly samples: DipSamplesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [existing] = (await this.dataSource.query(`SELECT 1 FROM sampling_plans WHERE name = $1`, [DEMO_PLAN])) as unknown[];
    const [teamCases] = (await this.dataSource.query(`SELECT 1 FROM stop_searches WHERE team_code = 'TEAM-A' LIMIT 1`)) as unknown[];
    if (existing || !teamCases) return;
    const [admin] = (await this.dataSource.query(`SELECT id, username, roles FROM users WHERE username = 'admin'`)) as { id: string; username: string; roles: string[] }[];
    const actor = { id: admin?.id ?? SYSTEM_ACTOR.id!, username: 'admin', displayName: 'Demo admin', roles: ['admin' as const], permissions: new Set<never>(), teams: [], areas: [] };
    const plan = await this.plans.create(actor, {
      name: DEMO_PLAN,
      spec: { kinds: ['stop_search', 'vehicle_stop', 'use_of_force'], teams: ['TEAM-A'], sampleSize: 3, strata: ['kind'], rules: [{ rule: 'under_18' }, { rule: 'suspicionless_powers' }, { rule: 'taser' }, { rule: 'ethnicity_mismatch' }], reviewDueDays: 14 },
    });
    const drawn = await this.samples.draw({ system: true }, { period: '2024-05', planId: plan.id, seed: 'demo-2024-05' });
    const sample = await this.samples.issue({ system: true }, drawn.id, drawn.version);
    const [hold] = (await this.dataSource.query(`SELECT id FROM bwv_hold_requests WHERE sample_id = $1 ORDER BY id LIMIT 1`, [sample.id])) as { id: string }[];
    if (hold) {
      await this.dataSource.query(`UPDATE bwv_hold_requests SET status = 'confirmed', confirmed_at = now() WHERE id = $1`, [hold.id]);
      await this.dataSource.query(`UPDATE bwv_clips SET status = 'on_hold', hold_placed_at = now() WHERE id = (SELECT clip_id FROM bwv_hold_requests WHERE id = $1)`, [hold.id]);
    }
    this.logger.info({ sample: sample.id, items: sample.items.length }, 'demo dip sample issued');
  }
}
