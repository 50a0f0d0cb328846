import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/**
 * Counts of records by month, force, area, power, protected characteristic (ethnicity on each basis, sex, age band,
 * use-of-force perceived disability) and use-of-force tactic, kept current by statement-level triggers on the record
 * tables (so imports, API changes and deletions all update it in the same transaction). Disproportionality queries
 * sum this instead of scanning the records. Fields that may be blank are counted three ways: a blank is unknown.
 */
@Entity('disproportionality_rollup')
export class DisproportionalityRollup {
  @PrimaryColumn('text') kind: string;
  @PrimaryColumn('date') period: string;
  @PrimaryColumn('text') forceCode: string;
  /** '' when the record has no area below the force. */
  @PrimaryColumn('text') areaCode: string;
  /** '' when none recorded. */
  @PrimaryColumn('text') power: string;
  /** ethnicity, sex, age or disability (use of force only). */
  @PrimaryColumn('text') characteristic: string;
  /** Ethnicity: 'self' or 'officer' (use of force: the officer's perception); '' for the other characteristics. */
  @PrimaryColumn('text') basis: string;
  /** The group as the API names it (black, female, 18-24, disabled, …), or not_stated. */
  @PrimaryColumn('text') groupCode: string;
  /** '' for the records themselves; a tactic code for use-of-force tactic counts. */
  @PrimaryColumn('text') tactic: string;
  @Column('int') n: number;
  /** Stop searches whose outcome was recorded as linked to the object of the search, recorded as not, or left blank. */
  @Column('int') linkedYes: number;
  @Column('int') linkedNo: number;
  @Column('int') linkedUnrecorded: number;
  /** Stop searches with removal of more than outer clothing recorded yes, no, or left blank. */
  @Column('int') stripYes: number;
  @Column('int') stripNo: number;
  @Column('int') stripUnrecorded: number;
  /** Stop searches with no outcome recorded. */
  @Column('int') outcomeUnrecorded: number;
  /** Stop searches with a recorded outcome other than no further action. */
  @Column('int') positive: number;
  /** Stop searches ending in arrest. */
  @Column('int') arrests: number;
}

export const DISPROPORTIONALITY_FINDING_STATUSES = ['open', 'under_review', 'closed'] as const;
export type DisproportionalityFindingStatus = (typeof DISPROPORTIONALITY_FINDING_STATUSES)[number];

/** A disproportionality finding: the figures as they were (frozen snapshot with its query), what the force says, and what it will do. */
@Entity('disproportionality_findings')
@Check(
  'ck_disproportionality_findings_status',
  `"status" IN (${DISPROPORTIONALITY_FINDING_STATUSES.map((s) => `'${s}'`).join(', ')})`,
)
export class DisproportionalityFinding {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') title: string;
  @Column('jsonb') query: Record<string, unknown>;
  @Column('jsonb') snapshot: Record<string, unknown>;
  @Column('text') narrative: string;
  @Column('text', { nullable: true }) forceExplanation: string | null;
  @Column('jsonb', { default: () => "'[]'" }) actions: unknown[];
  @Column('text') status: DisproportionalityFindingStatus;
  /** First day of the quarter the figures end in (the quarterly themes review picks findings by it). */
  @Column('date') quarter: string;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @VersionColumn() version: number;
}
