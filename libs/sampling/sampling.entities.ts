import { BwvClip } from '@scrutiny/records';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  VersionColumn,
} from 'typeorm';

/** A sampling plan; its rules live in versions, so a sample can always say exactly which rules drew it. */
@Entity('sampling_plans')
@Index('uq_sampling_plans_name', ['name'], { unique: true })
export class SamplingPlan {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  /** Drawn by the monthly schedule: only once someone switches it on (audited). */
  @Column('boolean', { default: false }) scheduleEnabled: boolean;
  /** The first month the schedule draws (months before it are never caught up). */
  @Column('date', { nullable: true }) scheduleFrom: string | null;
  @Column('timestamptz', { nullable: true }) scheduleChangedAt: Date | null;
  @Column('uuid', { nullable: true }) scheduleChangedBy: string | null;
  /** The built-in default plan (used when a draw names none). */
  @Column('boolean', { default: false }) isDefault: boolean;
  @Column('int') currentVersion: number;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** One immutable version of a plan's rules (editing a plan makes a new version). */
@Entity('sampling_plan_versions')
export class SamplingPlanVersion {
  @PrimaryColumn('uuid') planId: string;
  @PrimaryColumn('int') version: number;
  @Column('jsonb') spec: Record<string, unknown>;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @ManyToOne(() => SamplingPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'fk_sampling_plan_versions_plan' })
  plan?: SamplingPlan;
}

export const SAMPLE_STATUSES = ['draft', 'issued'] as const;
export type SampleStatus = (typeof SAMPLE_STATUSES)[number];

/** A monthly dip sample: everything needed to recompute it (period, plan version, seed, algorithm, population fingerprint). */
@Entity('dip_samples')
@Check('ck_dip_samples_status', `"status" IN ('draft', 'issued')`)
@Index('ix_dip_samples_period', ['period'])
@Index('ix_dip_samples_plan_period', ['planId', 'period'])
@Index('uq_dip_samples_scheduled', ['planId', 'period'], { unique: true, where: '"scheduled"' })
export class DipSample {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') planId: string;
  @Column('int') planVersion: number;
  /** First day of the Europe/London month sampled. */
  @Column('date') period: string;
  @Column('text') seed: string;
  /** The teams whose records make the population (empty: every team). Part of what verification recomputes. */
  @Column('text', { array: true, default: () => "'{}'" }) teams: string[];
  /** The areas (each with every area beneath it) whose records also make the population: a supervisor scoped by area. */
  @Column('text', { array: true, default: () => "'{}'" }) areas: string[];
  @Column('text') algorithmVersion: string;
  @Column('int') eligibleCount: number;
  /** Why the population is what it is (records in the month, in scope, excluded and why); null before it was kept. */
  @Column('jsonb', { nullable: true }) eligibility: Record<string, unknown> | null;
  /** SHA-256 of the sorted eligible record ids. */
  @Column('text') populationFingerprint: string;
  /** The population as of this instant (reviews completed and officer flags before it count). */
  @Column('timestamptz') drawnAt: Date;
  @Column('uuid', { nullable: true }) drawnBy: string | null;
  @Column('text') status: SampleStatus;
  /** Drawn by the monthly schedule (at most one per plan and period). */
  @Column('boolean', { default: false }) scheduled: boolean;
  /** Random part: each stratum's population and sample size. */
  @Column('jsonb') allocation: unknown;
  @Column('timestamptz', { nullable: true }) issuedAt: Date | null;
  @Column('uuid', { nullable: true }) issuedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
  @ManyToOne(() => SamplingPlan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'fk_dip_samples_plan' })
  plan?: SamplingPlan;
}

/** One selected record: why (random stratum or rule) and with what probability. Immutable once the sample is issued. */
@Entity('dip_sample_items')
@Index('uq_dip_sample_items_case', ['sampleId', 'caseKind', 'caseId'], { unique: true })
@Index('ix_dip_sample_items_case', ['caseKind', 'caseId'])
export class DipSampleItem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') sampleId: string;
  @Column('int') position: number;
  @Column('text') caseKind: string;
  @Column('uuid') caseId: string;
  /** 'random', or the name of the targeted rule that selected it. */
  @Column('text') reason: string;
  /** Every enabled rule the record matched. */
  @Column('text', { array: true, default: () => "'{}'" }) matchedRules: string[];
  /** The stratum (random part) or rule tier it was drawn from, and that group's size. */
  @Column('text') stratum: string;
  @Column('int') stratumSize: number;
  @Column('double precision') inclusionProbability: number;
  @ManyToOne(() => DipSample, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sample_id', foreignKeyConstraintName: 'fk_dip_sample_items_sample' })
  sample?: DipSample;
}

export const REVIEW_STATUSES = ['assigned', 'in_progress', 'completed'] as const;

/** The supervisor review of one sampled record: who, by when, and the form (domain §4). */
@Entity('sample_reviews')
@Check('ck_sample_reviews_status', `"status" IN ('assigned', 'in_progress', 'completed')`)
@Index('ix_sample_reviews_assigned_to', ['assignedTo'])
export class SampleReview {
  @PrimaryColumn('uuid') itemId: string;
  @Column('uuid', { nullable: true }) assignedTo: string | null;
  @Column('date', { nullable: true }) dueOn: string | null;
  @Column('text') status: (typeof REVIEW_STATUSES)[number];
  @Column('jsonb', { nullable: true }) form: Record<string, unknown> | null;
  @Column('timestamptz', { nullable: true }) completedAt: Date | null;
  @Column('uuid', { nullable: true }) completedBy: string | null;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @VersionColumn() version: number;
  @ManyToOne(() => DipSampleItem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'fk_sample_reviews_item' })
  item?: DipSampleItem;
}

export const HOLD_STATUSES = ['pending', 'confirmed', 'lost'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

/** A request to the (external) evidence system to keep a selected record's clip past its retention date. */
@Entity('bwv_hold_requests')
@Check('ck_bwv_hold_requests_status', `"status" IN ('pending', 'confirmed', 'lost')`)
@Index('uq_bwv_hold_requests_clip_sample', ['clipId', 'sampleId'], { unique: true })
@Index('ix_bwv_hold_requests_status', ['status'])
export class BwvHoldRequest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') clipId: string;
  @Column('uuid') sampleId: string;
  @Column('text') status: HoldStatus;
  @CreateDateColumn({ type: 'timestamptz' }) requestedAt: Date;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  @Column('uuid', { nullable: true }) confirmedBy: string | null;
  /** When the daily check last warned that the clip would expire before a confirmed hold. */
  @Column('timestamptz', { nullable: true }) warnedAt: Date | null;
  @ManyToOne(() => BwvClip, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clip_id', foreignKeyConstraintName: 'fk_bwv_hold_requests_clip' })
  clip?: BwvClip;
  @ManyToOne(() => DipSample, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sample_id', foreignKeyConstraintName: 'fk_bwv_hold_requests_sample' })
  sample?: DipSample;
}

/** A message for one user (a sample to review, footage at risk). */
@Entity('notifications')
@Index('ix_notifications_user_created', ['userId', 'createdAt'])
export class Notification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('text') kind: string;
  @Column('text') message: string;
  @Column('jsonb', { default: () => "'{}'" }) link: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { nullable: true }) readAt: Date | null;
}
