import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per heartbeat job run: proof that jobs are being taken off the queue and processed. */
@Entity('maintenance_heartbeats')
@Index('ix_maintenance_heartbeats_ran_at', ['ranAt'])
export class MaintenanceHeartbeat {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  jobId: string;

  @Column('text')
  processedBy: string;

  @Column('timestamptz')
  enqueuedAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  ranAt: Date;
}
