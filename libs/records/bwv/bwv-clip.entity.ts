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
import { Area } from '../areas/area.entity';
import { Officer } from '../officers/officer.entity';

export const BWV_STATUSES = ['available', 'on_hold', 'deleted', 'evidential'] as const;
export type BwvStatus = (typeof BWV_STATUSES)[number];

/** A body-worn-video clip as the system knows it: a reference into the force's evidence system, never the video. */
@Entity('bwv_clips')
@Check('ck_bwv_clips_status', `"status" IN ('available', 'on_hold', 'deleted', 'evidential')`)
@Index('uq_bwv_clips_reference', ['reference'], { unique: true })
@Index('ix_bwv_clips_retention_expires_at', ['retentionExpiresAt'])
export class BwvClip {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The evidence system's id for the clip. */
  @Column('text') reference: string;
  @Column('text') forceCode: string;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_bwv_clips_force' })
  force?: Area;
  @Column('uuid', { nullable: true }) officerId: string | null;
  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_bwv_clips_officer' })
  officer?: Officer;
  @Column('text', { nullable: true }) deviceId: string | null;
  @Column('timestamptz') recordedAt: Date;
  @Column('int', { nullable: true }) durationSeconds: number | null;
  @Column('timestamptz') retentionExpiresAt: Date;
  @Column('text') status: BwvStatus;
  @Column('timestamptz', { nullable: true }) holdPlacedAt: Date | null;
  @Column('uuid', { nullable: true }) holdPlacedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** Which cases a clip covers (a clip may cover several; a case may have several clips). */
@Entity('bwv_clip_links')
@Index('ix_bwv_clip_links_case', ['caseKind', 'caseId'])
export class BwvClipLink {
  @PrimaryColumn('uuid') clipId: string;
  @PrimaryColumn('text') caseKind: string;
  @PrimaryColumn('uuid') caseId: string;
  @ManyToOne(() => BwvClip, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clip_id', foreignKeyConstraintName: 'fk_bwv_clip_links_clip' })
  clip?: BwvClip;
}
