import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@scrutiny/core';
import { loadActor } from '@scrutiny/auth';
import { DisproportionalityService } from './disproportionality.service';

const DEMO_TITLE = 'Asian and Black people searched more often than White people, December 2017 (demo)';

/** A recorded disproportionality finding on the demo month (City of London, December 2017, officer-defined basis). */
@Injectable()
export class DemoStatisticsSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stats: DisproportionalityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    // Its own finding, by title: another seeder's finding must not stop this one.
    const [existing] = (await this.dataSource.query(
      `SELECT 1 FROM disproportionality_findings WHERE title = $1 LIMIT 1`,
      [DEMO_TITLE],
    )) as unknown[];
    const [city] = (await this.dataSource.query(
      `SELECT 1 FROM stop_searches WHERE force_code = 'E23000034' LIMIT 1`,
    )) as unknown[];
    if (existing || !city) return;
    const psd = await loadActor(this.dataSource, { username: 'psd' });
    if (!psd) return;
    await this.stats.createFinding(psd, {
      title: DEMO_TITLE,
      query: { from: '2017-12', to: '2017-12', area: 'city-of-london', basis: 'officer' },
      narrative:
        'Officer-defined basis: both rate ratios are above 1 with intervals clear of 1. The resident population understates who is in the City during the day.',
      forceExplanation: 'Most people searched do not live in the City; a daytime-population benchmark is being sought.',
      actions: [
        'Compare against the daytime population (workers and visitors)',
        'Review grounds for s23 searches at the next internal panel',
      ],
    });
  }
}
