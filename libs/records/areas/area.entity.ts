import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export const AREA_LEVELS = ['force', 'district', 'local_authority'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** An area of the hierarchy police force area → district/BCU → local authority, keyed by its official code. */
@Entity('areas')
@Check('ck_areas_level', `"level" IN ('force', 'district', 'local_authority')`)
@Index('ix_areas_parent_code', ['parentCode'])
@Index('uq_areas_police_uk_id', ['policeUkId'], { unique: true, where: '"police_uk_id" IS NOT NULL' })
export class Area {
  @PrimaryColumn('text')
  code: string;

  @Column('text')
  name: string;

  @Column('text')
  level: AreaLevel;

  @Column('text', { nullable: true })
  parentCode: string | null;

  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_code', foreignKeyConstraintName: 'fk_areas_parent' })
  parent?: Area;

  /** data.police.uk force id (forces only), e.g. `lancashire`. */
  @Column('text', { nullable: true })
  policeUkId: string | null;
}
