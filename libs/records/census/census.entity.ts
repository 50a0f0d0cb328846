import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Area } from '../areas/area.entity';

/**
 * The local authorities of one census's geography, each with its police force area. A force's population for a
 * census is the sum over exactly these; Census 2011 authorities merged since are held here (with their force)
 * without being current areas.
 */
@Entity('census_authorities')
@Index('ix_census_authorities_force', ['forceCode', 'census'])
export class CensusAuthority {
  @PrimaryColumn('smallint')
  census: number;

  /** The authority's ONS code in that census's geography. */
  @PrimaryColumn('text')
  code: string;

  @Column('text')
  name: string;

  @Column('text')
  forceCode: string;

  @ManyToOne(() => Area, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'force_code', foreignKeyConstraintName: 'fk_census_authorities_force' })
  force?: Area;
}

/** Usual residents of one census authority by category of one characteristic. */
@Entity('census_populations')
@Check('ck_census_populations_characteristic', `"characteristic" IN ('ethnicity', 'sex', 'age', 'disability')`)
@Check('ck_census_populations_population', `"population" >= 0`)
export class CensusPopulation {
  @PrimaryColumn('smallint')
  census: number;

  @PrimaryColumn('text')
  areaCode: string;

  @PrimaryColumn('text')
  characteristic: string;

  /** Ethnicity: a self-defined code ('W1', …), grouped when read by the table that groups searches; else a group code. */
  @PrimaryColumn('text')
  category: string;

  @Column('int')
  population: number;

  /** The table and file it came from, e.g. "ONS Census 2021 TS021 …, built in". */
  @Column('text')
  source: string;

  @ManyToOne(() => CensusAuthority, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'census', referencedColumnName: 'census', foreignKeyConstraintName: 'fk_census_populations_authority' },
    { name: 'area_code', referencedColumnName: 'code', foreignKeyConstraintName: 'fk_census_populations_authority' },
  ])
  authority?: CensusAuthority;
}
