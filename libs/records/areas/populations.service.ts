import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@scrutiny/core';
import { ETHNIC_GROUPS } from '../vocabulary/ethnicity';
import { findArea } from './area-lookup';

/** The protected characteristics a population base is held for. */
export const CHARACTERISTICS = ['ethnicity', 'sex', 'age', 'disability'] as const;
export type Characteristic = (typeof CHARACTERISTICS)[number];

/** The group codes of each characteristic, in the order results list them. */
export const CHARACTERISTIC_GROUPS = {
  ethnicity: ETHNIC_GROUPS,
  sex: ['female', 'male'],
  age: ['under-10', '10-17', '18-24', '25-34', 'over-34'],
  disability: ['disabled', 'not_disabled'],
} as const satisfies Record<Characteristic, readonly string[]>;

/** The censuses built in; later ones can be imported (`import census --year`). */
export const BUILT_IN_CENSUSES = [2011, 2021] as const;

export interface PopulationQuery {
  /** A force (data.police.uk id or ONS code), district or local authority code. */
  area: string;
  characteristic: Characteristic;
  /** A census year; absent: the census nearest the period's midpoint (see nearestCensus). */
  census?: number;
  /** YYYY-MM months, inclusive, used only to choose the nearest census. */
  period?: { from: string; to: string };
}

export type PopulationBase =
  | {
      available: true;
      census: number;
      /** Whether the census was asked for, or chosen as the one nearest the period. */
      chosen: 'requested' | 'nearest';
      source: string;
      /** The area's ONS code and name. */
      area: string;
      areaName: string;
      /** Residents by group code (CHARACTERISTIC_GROUPS). */
      groups: Record<string, number>;
      /** How many local authorities the figures sum. */
      authorities: number;
      note?: string;
    }
  | {
      available: false;
      census: number;
      chosen: 'requested' | 'nearest';
      area: string;
      /** Why there is no population, in words (e.g. the authorities missing from a partial import). */
      reason: string;
    };

/**
 * Census population bases for rates: per area, characteristic and census. The one place that answers "how many
 * people of each group live here", so numerators and denominators are grouped alike.
 */
@Injectable()
export class PopulationsService {
  constructor(private readonly dataSource: DataSource) {}

  async populationFor(q: PopulationQuery): Promise<PopulationBase> {
    const area = await findArea(this.dataSource, q.area);
    if (!area) throw DomainError.validation([{ field: 'area', message: `"${q.area}" is not a known area` }]);
    const census = q.census ?? 2021;
    const chosen = q.census ? 'requested' : 'nearest';
    if (q.characteristic !== 'ethnicity')
      return { available: false, census, chosen, area: area.code, reason: 'no population for this base' };
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE d(code) AS (SELECT $1::text UNION ALL SELECT a.code FROM areas a JOIN d ON a.parent_code = d.code WHERE $2 = 'district'),
       covered AS (SELECT code FROM d WHERE $2 <> 'district' OR code <> $1)
       SELECT category, sum(population)::int AS population, min(source) AS source, count(DISTINCT area_code)::int AS n
       FROM population_benchmarks WHERE area_code IN (SELECT code FROM covered) AND census_year = $3 AND category = ANY($4::text[])
       GROUP BY category`,
      [area.code, area.level, census, ETHNIC_GROUPS],
    )) as { category: string; population: number; source: string; n: number }[];
    if (!rows.length)
      return { available: false, census, chosen, area: area.code, reason: 'no population for this base' };
    return {
      available: true,
      census,
      chosen,
      source: rows[0].source,
      area: area.code,
      areaName: area.name,
      groups: Object.fromEntries(rows.map((r) => [r.category, r.population])),
      authorities: rows[0].n,
    };
  }
}
