import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Area } from '../areas/area.entity';

/**
 * One published count: the Home Office's use-of-force tactic table for a financial year, one force, one protected
 * characteristic, one group, one tactic. Kept as published (tactic uses, not people or incidents); a count the
 * force did not supply is null, never 0.
 */
@Entity('published_uof_tactics')
@Check('ck_published_uof_tactics_characteristic', `"characteristic" IN ('ethnicity', 'age', 'disability')`)
@Check('ck_published_uof_tactics_count', `"count" >= 0`)
@Index(
  'uq_published_uof_tactics_cell',
  ['financialYear', 'forceCode', 'characteristic', 'sourceFile', 'tactic', 'groupCode'],
  { unique: true },
)
export class PublishedUofTactic {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** "2018/19": April to March. */
  @Column('text') financialYear: string;
  @Column('text') forceCode: string;
  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_published_uof_tactics_force' })
  force?: Area;
  @Column('text') characteristic: string;
  /** The group's code ('white', 'chinese', '18_34', 'physical', 'not_reported', …), or `total` (all groups). */
  @Column('text') groupCode: string;
  /** The system's tactic code where the published row is one code, else the published name ("*Total Tactics", "CED"). */
  @Column('text') tactic: string;
  /** The tactic exactly as published. */
  @Column('text') homeOfficeTactic: string;
  @Column('text') typeOfForce: string;
  /** Tactic uses; null = not supplied by the force. */
  @Column('int', { nullable: true }) count: number | null;
  /** The file imported (its name): a re-import of the same file replaces its rows. */
  @Column('text') sourceFile: string;
  @Column('int') sourceLine: number;
  @Column('timestamptz', { default: () => 'now()' }) importedAt: Date;
}
