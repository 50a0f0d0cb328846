import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type JobFailureStatus = 'failed' | 'retried' | 'discarded';

/**
 * A job that exhausted its retries, failed permanently, or was interrupted by shutdown before it could run.
 * Both queue adapters write here, so the dead-letter view is the same in every run mode.
 */
@Entity('job_failures')
@Index('ix_job_failures_status_failed_at', ['status', 'failedAt'])
@Check('ck_job_failures_status', `"status" IN ('failed', 'retried', 'discarded')`)
export class JobFailure {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  queue: string;

  @Column('text')
  name: string;

  @Column('text')
  jobId: string;

  @Column('jsonb')
  envelope: { v: number; data: object };

  @Column('int')
  attempts: number;

  @Column('text')
  error: string;

  @Column('text')
  status: JobFailureStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  failedAt: Date;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('text', { nullable: true })
  retriedAsJobId: string | null;
}
