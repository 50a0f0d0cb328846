import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Area } from '../areas/area.entity';
import { Officer } from '../officers/officer.entity';
import { StopSearch } from '../stop-searches/stop-search.entity';
import type { UofTacticUse } from '../vocabulary/use-of-force';
import { CaseRecord } from './case-record.entity';

/** A use-of-force report: the Home Office form, one per officer per subject. */
@Entity('use_of_force_reports')
@Index('ix_use_of_force_reports_force_period', ['forceCode', 'period'])
// The lists' orders, each led by a filter they offer (migration 1795481000000).
@Index('ix_use_of_force_reports_occurred_at', ['occurredAt', 'id'])
@Index('ix_use_of_force_reports_force_occurred_at', ['forceCode', 'occurredAt', 'id'])
@Index('ix_use_of_force_reports_area_occurred_at', ['areaCode', 'occurredAt', 'id'], {
  where: '"area_code" IS NOT NULL',
})
@Index('ix_use_of_force_reports_officer_ethnicity', ['perceivedEthnicity', 'occurredAt', 'id'])
@Index('ix_use_of_force_reports_team_code', ['teamCode'], { where: '"team_code" IS NOT NULL' })
@Index('ix_use_of_force_reports_officer_id', ['officerId'], { where: '"officer_id" IS NOT NULL' })
// Deleting a stop search clears these links (ON DELETE SET NULL) through this index (migration 1795486000000).
@Index('ix_use_of_force_reports_linked_stop_search_id', ['linkedStopSearchId'], {
  where: '"linked_stop_search_id" IS NOT NULL',
})
@Index('ix_use_of_force_reports_subject_reference', ['subjectReference'], { where: '"subject_reference" IS NOT NULL' })
@Index('uq_use_of_force_reports_reference', ['forceCode', 'sourceReference'], {
  unique: true,
  where: '"source_reference" IS NOT NULL',
})
export class UseOfForceReport extends CaseRecord {
  @Column('text', { nullable: true }) locationType: string | null;
  /** Each tactic used, with whether it was effective: [{ tactic, effective }]. */
  @Column('jsonb') tactics: UofTacticUse[];
  @Column('text', { array: true, default: () => "'{}'" }) impactFactors: string[];
  @Column('text', { array: true, default: () => "'{}'" }) reasons: string[];
  @Column('text', { array: true, default: () => "'{}'" }) outcomes: string[];
  @Column('text', { nullable: true }) subjectInjury: string | null;
  @Column('text', { nullable: true }) officerInjury: string | null;
  @Column('boolean', { nullable: true }) officerAssaulted: boolean | null;
  @Column('text', { nullable: true }) gender: string | null;
  @Column('text', { nullable: true }) ageRange: string | null;
  @Column('text', { nullable: true }) perceivedEthnicity: string | null;
  @Column('text', { nullable: true }) perceivedDisability: string | null;
  @Column('uuid', { nullable: true }) linkedStopSearchId: string | null;
  @Column('boolean', { nullable: true }) bwvActivated: boolean | null;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_use_of_force_reports_force' })
  force?: Area;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_code', foreignKeyConstraintName: 'fk_use_of_force_reports_area' })
  area?: Area;
  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_use_of_force_reports_officer' })
  officer?: Officer;
  @ManyToOne(() => StopSearch, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'linked_stop_search_id', foreignKeyConstraintName: 'fk_use_of_force_reports_stop_search' })
  linkedStopSearch?: StopSearch;
}
