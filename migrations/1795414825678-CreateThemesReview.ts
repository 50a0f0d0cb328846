import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The default theme vocabulary: [code, label, parent]. Codes are stable; admins add and retire, never delete. */
const DEFAULT_THEMES: [string, string, string | null][] = [
  ['lawfulness', 'Lawfulness and grounds', null],
  ['grounds_insufficient', 'Grounds not objective or specific enough', 'lawfulness'],
  ['smell_of_cannabis_only', 'Smell of cannabis as sole grounds', 'lawfulness'],
  ['stereotyping_or_personal_factors', 'Grounds based on personal factors or stereotype', 'lawfulness'],
  ['gowisely', 'GOWISELY', null],
  ['gowisely_incomplete', 'GOWISELY not fully given', 'gowisely'],
  ['gowisely_grounds', 'G: grounds not explained', 'gowisely'],
  ['gowisely_object', 'O: object of the search not explained', 'gowisely'],
  ['gowisely_warrant_card', 'W: warrant card not shown (not in uniform)', 'gowisely'],
  ['gowisely_identity', 'I: officer identity not given', 'gowisely'],
  ['gowisely_station', 'S: station not given', 'gowisely'],
  ['gowisely_entitlement', 'E: entitlement to a copy of the record not given', 'gowisely'],
  ['gowisely_legal_power', 'L: legal power not given', 'gowisely'],
  ['gowisely_detained', 'Y: not told they were detained', 'gowisely'],
  ['bwv', 'Body-worn video', null],
  ['bwv_not_activated_or_late', 'BWV not activated, or activated late', 'bwv'],
  ['bwv_gaps', 'Gaps in BWV footage', 'bwv'],
  ['conduct', 'Conduct', null],
  ['communication_and_respect', 'Communication and respect', 'conduct'],
  ['de_escalation', 'De-escalation', 'conduct'],
  ['strip_search_dignity', 'Dignity in searches beyond outer clothing', 'conduct'],
  ['children_and_safeguarding', 'Children, safeguarding and appropriate adults', 'conduct'],
  ['use_of_force', 'Use of force', null],
  ['handcuffing_routine', 'Routine handcuffing', 'use_of_force'],
  ['use_of_force_proportionality', 'Necessity and proportionality of force', 'use_of_force'],
  ['taser_use', 'Taser use', 'use_of_force'],
  ['restraint_and_spit_guards', 'Restraint and spit guards', 'use_of_force'],
  ['recording', 'Recording', null],
  ['record_quality', 'Quality of the record', 'recording'],
  ['ethnicity_recording', 'Recording of self-defined ethnicity', 'recording'],
  ['outcome_recording', 'Recording of outcome and link to object', 'recording'],
  ['supervision', 'Supervision', null],
  ['good_practice', 'Good practice', null],
];

/**
 * Quarterly themes review: the theme vocabulary (hierarchical, seeded), the review meeting record, report packs, and
 * actions raised at the meeting joining panel actions in one "you said, we did" tracker.
 */
export class CreateThemesReview1795414825678 implements MigrationInterface {
  name = 'CreateThemesReview1795414825678';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "themes" ("code" text NOT NULL, "label" text NOT NULL, "parent_code" text, "position" integer NOT NULL DEFAULT 0, "retired_at" timestamptz, "created_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "pk_themes" PRIMARY KEY ("code"))`,
    );
    await q.query(`CREATE INDEX "ix_themes_parent_code" ON "themes" ("parent_code")`);
    await q.query(
      `CREATE TABLE "quarterly_meetings" ("quarter" date NOT NULL, "attendees" text array NOT NULL DEFAULT '{}', "decisions" text NOT NULL, "recorded_by" uuid, "updated_at" timestamptz NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "pk_quarterly_meetings" PRIMARY KEY ("quarter"))`,
    );
    await q.query(
      `CREATE TABLE "report_packs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "quarter" date NOT NULL, "force_code" text, "status" text NOT NULL, "html" text, "pdf" bytea, "csv" jsonb, "error" text, "requested_by" uuid, "created_at" timestamptz NOT NULL DEFAULT now(), "finished_at" timestamptz, CONSTRAINT "ck_report_packs_status" CHECK ("status" IN ('queued', 'running', 'ready', 'failed')), CONSTRAINT "pk_report_packs" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_report_packs_quarter" ON "report_packs" ("quarter")`);
    await q.query(`ALTER TABLE "finding_actions" ADD "meeting_quarter" date`);
    await q.query(`ALTER TABLE "finding_actions" ALTER COLUMN "finding_id" DROP NOT NULL`);
    await q.query(
      `ALTER TABLE "finding_actions" ADD CONSTRAINT "ck_finding_actions_source" CHECK ("finding_id" IS NOT NULL OR "meeting_quarter" IS NOT NULL)`,
    );
    for (const [i, [code, label, parent]] of DEFAULT_THEMES.entries()) {
      await q.query(`INSERT INTO themes (code, label, parent_code, position) VALUES ($1, $2, $3, $4)`, [
        code,
        label,
        parent,
        i,
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM finding_actions WHERE finding_id IS NULL`);
    await q.query(`ALTER TABLE "finding_actions" DROP CONSTRAINT "ck_finding_actions_source"`);
    await q.query(`ALTER TABLE "finding_actions" ALTER COLUMN "finding_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "finding_actions" DROP COLUMN "meeting_quarter"`);
    for (const table of ['report_packs', 'quarterly_meetings', 'themes']) await q.query(`DROP TABLE "${table}"`);
  }
}
