import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/**
 * The columns every case record has, whatever its kind. Each kind's entity extends this and declares its own
 * relations (so each table's constraints keep their own names).
 */
export abstract class CaseRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') forceCode: string;
  @Column('text', { nullable: true }) areaCode: string | null;
  @Column('timestamptz') occurredAt: Date;
  /** First day of the Europe/London calendar month of occurredAt: the reporting period. */
  @Column('date') period: string;
  @Column('double precision', { nullable: true }) latitude: number | null;
  @Column('double precision', { nullable: true }) longitude: number | null;
  @Column('uuid', { nullable: true }) officerId: string | null;
  @Column('text', { nullable: true }) teamCode: string | null;
  /**
   * A pseudonymous reference for the person stopped, where the force assigns one: it lets repeat encounters with
   * the same person be found (a targeted dip-sample rule) without holding who they are.
   */
  @Column('text', { nullable: true }) subjectReference: string | null;
  /** The force's own id for the record (e.g. its use-of-force form number); unique within the force. */
  @Column('text', { nullable: true }) sourceReference: string | null;
  /** 'police-uk' or 'csv-template' (imported) or 'manual' (created through the API). */
  @Column('text') source: string;
  /**
   * The import that brought the record in: provenance, deliberately without a foreign key (imports are never
   * deleted, and a per-row check would cost a bulk import more than all its parsing).
   */
  @Column('uuid', { nullable: true }) importId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
