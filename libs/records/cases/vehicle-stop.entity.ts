import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Area } from '../areas/area.entity';
import { Officer } from '../officers/officer.entity';
import { StopSearch } from '../stop-searches/stop-search.entity';
import { CaseRecord } from './case-record.entity';

/** A vehicle stop under s163 Road Traffic Act 1988: why, what came of it, and the driver. */
@Entity('vehicle_stops')
@Index('ix_vehicle_stops_force_period', ['forceCode', 'period'])
// The lists' orders, each led by a filter they offer (migration 1795481000000).
@Index('ix_vehicle_stops_occurred_at', ['occurredAt', 'id'])
@Index('ix_vehicle_stops_force_occurred_at', ['forceCode', 'occurredAt', 'id'])
@Index('ix_vehicle_stops_area_occurred_at', ['areaCode', 'occurredAt', 'id'], { where: '"area_code" IS NOT NULL' })
@Index('ix_vehicle_stops_officer_ethnicity', ['officerDefinedEthnicity', 'occurredAt', 'id'])
@Index('ix_vehicle_stops_self_ethnicity', ['selfDefinedEthnicity', 'occurredAt', 'id'])
@Index('ix_vehicle_stops_force_self_ethnicity', ['forceCode', 'selfDefinedEthnicity', 'occurredAt', 'id']) // 1795486000001
@Index('ix_vehicle_stops_team_code', ['teamCode'], { where: '"team_code" IS NOT NULL' })
@Index('ix_vehicle_stops_officer_id', ['officerId'], { where: '"officer_id" IS NOT NULL' })
// Deleting a stop search clears these links (ON DELETE SET NULL) through this index (migration 1795486000000).
@Index('ix_vehicle_stops_linked_stop_search_id', ['linkedStopSearchId'], {
  where: '"linked_stop_search_id" IS NOT NULL',
})
@Index('ix_vehicle_stops_subject_reference', ['subjectReference'], { where: '"subject_reference" IS NOT NULL' })
@Index('uq_vehicle_stops_reference', ['forceCode', 'sourceReference'], {
  unique: true,
  where: '"source_reference" IS NOT NULL',
})
export class VehicleStop extends CaseRecord {
  @Column('text') reason: string;
  @Column('text', { nullable: true }) reasonDetail: string | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @Column('text', { nullable: true }) gender: string | null;
  @Column('text', { nullable: true }) ageRange: string | null;
  @Column('text', { nullable: true }) selfDefinedEthnicity: string | null;
  @Column('text', { nullable: true }) officerDefinedEthnicity: string | null;
  @Column('uuid', { nullable: true }) linkedStopSearchId: string | null;
  @Column('boolean', { nullable: true }) bwvActivatedBeforeEncounter: boolean | null;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_vehicle_stops_force' })
  force?: Area;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_code', foreignKeyConstraintName: 'fk_vehicle_stops_area' })
  area?: Area;
  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_vehicle_stops_officer' })
  officer?: Officer;
  @ManyToOne(() => StopSearch, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'linked_stop_search_id', foreignKeyConstraintName: 'fk_vehicle_stops_stop_search' })
  linkedStopSearch?: StopSearch;
}
