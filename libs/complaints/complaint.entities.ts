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
import { Area, Officer } from '@scrutiny/records';

/**
 * A complaint from a member of the public (domain §8): when it came and how it was handled. The complainant is a
 * reference and the demographics they chose to give, nothing more.
 */
@Entity('complaints')
// The list's order (newest received first, by keyset) and its filters (migration 1795483000000).
@Index('ix_complaints_received_on', ['receivedOn', 'id'])
@Index('ix_complaints_force_received_on', ['forceCode', 'receivedOn', 'id'])
@Index('ix_complaints_finalised_on', ['finalisedOn'], { where: '"finalised_on" IS NOT NULL' })
@Index('uq_complaints_reference', ['forceCode', 'reference'], { unique: true })
@Check('ck_complaints_dates', `"finalised_on" IS NULL OR "finalised_on" >= "received_on"`)
export class Complaint {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') forceCode: string;
  /** The force's own complaint reference (unique per force). */
  @Column('text') reference: string;
  @Column('date') receivedOn: string;
  @Column('date', { nullable: true }) loggedOn: string | null;
  @Column('date', { nullable: true }) finalisedOn: string | null;
  @Column('text', { nullable: true }) handling: string | null;
  @Column('text', { nullable: true }) complainantReference: string | null;
  @Column('text', { nullable: true }) complainantEthnicity: string | null;
  @Column('text', { nullable: true }) complainantSex: string | null;
  @Column('text', { nullable: true }) complainantAgeBand: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) themes: string[];
  /** 'api' or 'csv-template'. */
  @Column('text') source: string;
  @Column('uuid', { nullable: true }) importId: string | null;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { default: () => 'now()' }) updatedAt: Date;
  @VersionColumn() version: number;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_complaints_force' })
  force?: Area;
}

/** One allegation of a complaint: what it is about (IOPC category), whom, which encounter, and what it came to. */
@Entity('complaint_allegations')
@Index('ix_complaint_allegations_complaint_id', ['complaintId'])
@Index('ix_complaint_allegations_category', ['category', 'characteristic'])
@Index('ix_complaint_allegations_encounter', ['encounterKind', 'encounterId'], { where: '"encounter_id" IS NOT NULL' })
@Check(
  'ck_complaint_allegations_characteristic',
  `("category" = 'discriminatory_behaviour') = ("characteristic" IS NOT NULL)`,
)
@Check('ck_complaint_allegations_encounter', `("encounter_kind" IS NULL) = ("encounter_id" IS NULL)`)
export class ComplaintAllegation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') complaintId: string;
  /** Its place in the complaint (1, 2 …). */
  @Column('int') position: number;
  @Column('text') category: string;
  @Column('text') subCategory: string;
  /** The protected characteristic, for discriminatory behaviour only. */
  @Column('text', { nullable: true }) characteristic: string | null;
  @Column('text', { nullable: true }) encounterKind: string | null;
  @Column('uuid', { nullable: true }) encounterId: string | null;
  @Column('text', { nullable: true }) outcome: string | null;
  @ManyToOne(() => Complaint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'complaint_id', foreignKeyConstraintName: 'fk_complaint_allegations_complaint' })
  complaint?: Complaint;
}

/** An officer an allegation is about (from the officer register). */
@Entity('complaint_allegation_officers')
@Index('ix_complaint_allegation_officers_officer_id', ['officerId'])
export class ComplaintAllegationOfficer {
  @PrimaryColumn('uuid') allegationId: string;
  @PrimaryColumn('uuid') officerId: string;
  @ManyToOne(() => ComplaintAllegation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'allegation_id', foreignKeyConstraintName: 'fk_complaint_allegation_officers_allegation' })
  allegation?: ComplaintAllegation;
  @ManyToOne(() => Officer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'officer_id', foreignKeyConstraintName: 'fk_complaint_allegation_officers_officer' })
  officer?: Officer;
}
