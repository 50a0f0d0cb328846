import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Area } from '../areas/area.entity';

/** An officer as the records know them: a pseudonymous reference, never a name, with team and supervisor. */
@Entity('officers')
@Index('uq_officers_force_reference', ['forceCode', 'reference'], { unique: true })
export class Officer {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') reference: string;
  @Column('text') forceCode: string;
  @Column('text', { nullable: true }) teamCode: string | null;
  @Column('uuid', { nullable: true }) supervisorUserId: string | null;
  /** The user account of this officer, if they have one: nobody reviews their own records. */
  @Column('uuid', { nullable: true }) userId: string | null;
  /** Flagged by professional standards for closer scrutiny (a targeted dip-sample rule); cleared, not deleted. */
  @Column('timestamptz', { nullable: true }) flaggedAt: Date | null;
  @Column('text', { nullable: true }) flagReason: string | null;
  @Column('timestamptz', { nullable: true }) flagClearedAt: Date | null;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_officers_force' })
  force?: Area;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
