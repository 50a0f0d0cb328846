import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Area } from '../areas/area.entity';
import { CaseRecord } from '../cases/case-record.entity';
import { Officer } from '../officers/officer.entity';

/** A stop and search (PACE Code A 4.3; data.police.uk fields plus the force's own). Vocabulary columns hold codes. */
@Entity('stop_searches')
@Index('ix_stop_searches_force_period', ['forceCode', 'period'])
// The lists' orders, each led by a filter they offer (migration 1795481000000).
@Index('ix_stop_searches_occurred_at', ['occurredAt', 'id'])
@Index('ix_stop_searches_force_occurred_at', ['forceCode', 'occurredAt', 'id'])
@Index('ix_stop_searches_area_occurred_at', ['areaCode', 'occurredAt', 'id'], { where: '"area_code" IS NOT NULL' })
@Index('ix_stop_searches_officer_ethnicity', ['officerDefinedEthnicity', 'occurredAt', 'id'])
@Index('ix_stop_searches_self_ethnicity', ['selfDefinedEthnicity', 'occurredAt', 'id'])
@Index('ix_stop_searches_force_self_ethnicity', ['forceCode', 'selfDefinedEthnicity', 'occurredAt', 'id']) // 1795486000001
@Index('ix_stop_searches_team_code', ['teamCode'], { where: '"team_code" IS NOT NULL' })
@Index('ix_stop_searches_officer_id', ['officerId'], { where: '"officer_id" IS NOT NULL' })
@Index('ix_stop_searches_subject_reference', ['subjectReference'], { where: '"subject_reference" IS NOT NULL' })
// Led by the time: files are chronological, so each import appends to this index rather than scattering over it.
@Index('uq_stop_searches_dedup_key', ['occurredAt', 'dedupKey'], { unique: true, where: '"dedup_key" IS NOT NULL' })
@Index('uq_stop_searches_reference', ['forceCode', 'sourceReference'], {
  unique: true,
  where: '"source_reference" IS NOT NULL',
})
export class StopSearch extends CaseRecord {
  @Column('text') searchType: string;
  @Column('text', { nullable: true }) legislation: string | null;
  @Column('text', { nullable: true }) objectOfSearch: string | null;
  @Column('text', { nullable: true }) grounds: string | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @Column('boolean', { nullable: true }) outcomeLinkedToObject: boolean | null;
  @Column('boolean', { nullable: true }) clothingRemoved: boolean | null;
  @Column('boolean', { nullable: true }) partOfOperation: boolean | null;
  @Column('text', { nullable: true }) operationName: string | null;
  @Column('text', { nullable: true }) gender: string | null;
  @Column('text', { nullable: true }) ageRange: string | null;
  @Column('text', { nullable: true }) selfDefinedEthnicity: string | null;
  @Column('text', { nullable: true }) officerDefinedEthnicity: string | null;
  @Column('text', { nullable: true }) s60AuthorisationId: string | null;
  @Column('boolean', { nullable: true }) bwvActivatedBeforeEncounter: boolean | null;
  /**
   * Imported rows only: md5 of (the row's content hash with its force and source month, and its occurrence number
   * among identical rows), as a 16-byte uuid for a compact unique index.
   */
  @Column('uuid', { nullable: true }) dedupKey: string | null;
  // Checked once per statement by triggers, not per row by foreign keys (migration 1795452000000): same guarantees.
  @ManyToOne(() => Area, { onDelete: 'RESTRICT', createForeignKeyConstraints: false })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_stop_searches_force' })
  force?: Area;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT', createForeignKeyConstraints: false })
  @JoinColumn({ name: 'area_code', foreignKeyConstraintName: 'fk_stop_searches_area' })
  area?: Area;
  @ManyToOne(() => Officer, { onDelete: 'RESTRICT', createForeignKeyConstraints: false })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_stop_searches_officer' })
  officer?: Officer;
}
