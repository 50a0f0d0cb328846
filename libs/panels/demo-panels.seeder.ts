import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, LOGGER, type AppConfig, type Logger } from '@scrutiny/core';
import { loadActor, type Actor } from '@scrutiny/auth';
import { EXAMPLE_REVIEW_FORM } from '@scrutiny/review';
import { DeliberationService } from './deliberation.service';
import { PanelsService } from './panels.service';

/**
 * A finished cycle for the demo, run through the services as real users would: the internal panel's April session
 * (two TEAM-A cases) rated, its findings recorded, closed, an action raised and answered by professional standards.
 */
@Injectable()
export class DemoPanelsSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly panels: PanelsService,
    private readonly deliberation: DeliberationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private actor(username: string): Promise<Actor | null> {
    return loadActor(this.dataSource, { username });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demo.records) return;
    const [panel] = (await this.dataSource.query(
      `SELECT id FROM panels WHERE name = 'Internal Stop and Search Review Panel (demo)'`,
    )) as { id: string }[];
    const [done] = (await this.dataSource.query(
      `SELECT 1 FROM panel_sessions s JOIN panels p ON p.id = s.panel_id WHERE p.name = 'Internal Stop and Search Review Panel (demo)' AND s.status = 'closed'`,
    )) as unknown[];
    const chair = await this.actor('internal');
    const psd = await this.actor('psd');
    if (!panel || done || !chair || !psd) return;
    const cases = (await this.dataSource.query(
      `SELECT id FROM stop_searches WHERE team_code = 'TEAM-A' ORDER BY occurred_at LIMIT 2`,
    )) as { id: string }[];
    let session = await this.panels.createSession(chair, panel.id, {
      scheduledAt: '2024-06-12T18:00:00+01:00',
      venue: 'Preston HQ, room 2',
    });
    session = await this.panels.addToAgenda(psd, session.id, {
      cases: cases.map((c) => ({ kind: 'stop_search', id: c.id })),
    });
    session = await this.panels.transition(chair, session.id, 'open', session.version);
    // The example form, as an amber case: thin grounds, no receipt offered, the entitlement to a record not given.
    const form = {
      ...EXAMPLE_REVIEW_FORM,
      lawfulness: {
        powerApplicable: 'yes',
        grounds: 'insufficient_information',
        reason: 'The record says only "smell of cannabis"',
      },
      gowisely: { ...EXAMPLE_REVIEW_FORM.gowisely, entitlementToRecord: 'not_given' },
      recordQuality: { ...EXAMPLE_REVIEW_FORM.recordQuality, receiptOffered: 'no' },
      conduct: { ...EXAMPLE_REVIEW_FORM.conduct, explanation: 'adequate' },
      assessment: {
        rag: 'amber',
        goodPractice: 'Calm, polite throughout',
        learningPoints: 'Record the grounds in full; offer the receipt',
        questionsForForce: null,
        themes: ['smell_of_cannabis_only', 'record_quality'],
      },
    };
    const [first, second] = session.agenda;
    await this.deliberation.saveRating(chair, session.id, first.id, {
      form: { ...form, outcome: 'supervisor_debrief' },
      submit: true,
    });
    const finding = await this.deliberation.saveFinding(chair, session.id, first.id, {
      form: { ...form, outcome: 'feedback_to_officer' },
    });
    await this.deliberation.saveFinding(chair, session.id, second.id, {
      form: {
        ...form,
        outcome: 'no_action',
        assessment: { ...form.assessment, rag: 'green', themes: ['good_practice'] },
      },
    });
    session = await this.panels.setAttendance(chair, session.id, [{ userId: chair.id, present: true }]);
    session = await this.panels.transition(chair, session.id, 'closed', session.version);
    const action = await this.deliberation.createAction(chair, finding.id, {
      kind: 'feedback_to_officer',
      description: 'Feed back to the officer on recording grounds',
      owner: 'Sgt, TEAM-A',
      dueOn: '2024-07-12',
    });
    await this.deliberation.updateAction(psd, action.id, {
      version: action.version,
      status: 'done',
      response: 'Officer debriefed by their sergeant on 20 June 2024',
    });
    this.logger.info({ session: session.id }, 'demo panel session closed with findings and an answered action');
  }
}
