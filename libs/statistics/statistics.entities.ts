import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/**
 * Counts of records by month, force, area, power, ethnicity (each basis) and use-of-force tactic, kept current by
 * statement-level triggers on the record tables (so imports, API changes and deletions all update it in the same
 * transaction). Disproportionality queries sum this instead of scanning the records.
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
  /** 'self' or 'officer' (use of force: the officer's perception). */
  @PrimaryColumn('text') basis: string;
  /** asian, black, mixed, other, white or not_stated. */
  @PrimaryColumn('text') ethnicGroup: string;
  /** '' for the records themselves; a tactic code for use-of-force tactic counts. */
  @PrimaryColumn('text') tactic: string;
  @Column('int') n: number;
  /** Stop searches whose outcome was linked to the object of the search. */
  @Column('int') finds: number;
  /** Stop searches with removal of more than outer clothing. */
  @Column('int') strips: number;
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
