import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, type FieldError } from '@scrutiny/core';
import {
  AGE_BANDINGS,
  AGE_BANDS,
  ageBandOf,
  CHARACTERISTIC_GROUPS,
  CHARACTERISTICS,
  singleYearOfCategory,
  type AgeBanding,
  type Characteristic,
} from '../census/characteristics';
import { groupOfSelfDefined } from '../vocabulary/ethnicity';
import { LOCAL_AUTHORITY_SUCCESSORS } from '../reference/police-force-areas';
import { findArea, type Queryable } from './area-lookup';

/** The censuses built in; later ones can be imported (`import census --year`). */
export const BUILT_IN_CENSUSES = [2011, 2021] as const;

export interface PopulationQuery {
  /** A force (data.police.uk id or ONS code), district or local authority code. */
  area: string;
  characteristic: Characteristic;
  /**
   * A census year, honoured as asked (unavailable, with the reason, if it is partial for the area); absent: the
   * nearest census complete for the area and characteristic (CENSUS_CHOICE_RULE).
   */
  census?: number;
  /**
   * Age only: the bands the census's single years are summed into: `police_uk` (default; stop searches, vehicle
   * stops) or `use_of_force` (the Home Office bands of the use-of-force form). Refused for other characteristics.
   */
  bands?: AgeBanding;
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
      /** Usual residents by group code (CHARACTERISTIC_GROUPS; age: AGE_BANDS of `bands`), every group present. */
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

/** How the default census is chosen, in words (for responses and the README). */
export const CENSUS_CHOICE_RULE =
  'of the censuses complete for the area and characteristic (every local authority of the area has a figure), the one whose year is nearest the middle of the period, counting a census as at 1 July of its year; on a tie the earlier (with 2011 and 2021: 2011 for periods centred on or before 1 July 2016, else 2021; 2021 whenever 2011 has no figure, as for sex, age and disability). A nearer census that is partial or lacks the characteristic is passed over and the note says so; when none is complete there is no population, with the reason for each census';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A YYYY-MM month as a count of months since year 0. */
function monthIndex(month: string): number {
  const m = MONTH.exec(month)!;
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/**
 * Censuses from nearest the middle of a period to furthest, the earlier first on a tie; latest first when no period
 * is given. The period runs from the start of `from` to the end of `to`; a census counts as at 1 July of its year.
 * In half-months, so a tie is exact.
 */
export function censusesByNearness(censuses: readonly number[], period?: { from: string; to: string }): number[] {
  const unique = [...new Set(censuses)];
  if (!period) return unique.sort((a, b) => b - a);
  const middle = monthIndex(period.from) + monthIndex(period.to) + 1;
  const distance = (census: number) => Math.abs(2 * (census * 12 + 6) - middle);
  return unique.sort((a, b) => distance(a) - distance(b) || a - b);
}

/** The census nearest the middle of a period (censusesByNearness), whatever it holds; the latest with no period. */
export function nearestCensus(censuses: readonly number[], period?: { from: string; to: string }): number | undefined {
  return censusesByNearness(censuses, period)[0];
}

const NOTES: Record<Characteristic, (census: number) => string> = {
  ethnicity: (census) =>
    census === 2011
      ? 'Census 2011 QS201EW: 18 categories grouped by the table that groups self-defined ethnicity (Gypsy or Irish Traveller is White, Arab is Other, Mixed White and Black are Mixed).'
      : `Census ${census} ethnic categories grouped by the table that groups self-defined ethnicity: the five ONS high-level groups (Mixed White and Black are Mixed; Gypsy or Irish Traveller and Roma are White; Arab is Other).`,
  sex: (census) =>
    `Census ${census} residents by sex per local authority (TS008), not cross-tabulated with age or ethnicity: combining this base with another characteristic assumes they are independent.`,
  age: (census) =>
    `Census ${census} residents by single year of age (TS007) summed into the bands asked for, not cross-tabulated with sex or ethnicity: combining this base with another characteristic assumes they are independent.`,
  disability: (census) =>
    `Census ${census} residents disabled or not under the Equality Act (TS038; "disabled" includes limited a little or a lot), not cross-tabulated with other characteristics: combining them assumes independence. Use-of-force reports record the officer's perception of disability, which the census does not measure.`,
};

const AGE_BANDS_LABEL: Record<AgeBanding, string> = {
  police_uk: 'the data.police.uk bands (under 10, 10-17, 18-24, 25-34, over 34)',
  use_of_force: 'the Home Office use-of-force bands (under 11, 11-17, 18-34, 35-49, 50-64, 65 and over)',
};

function validate(q: PopulationQuery): void {
  const errors: FieldError[] = [];
  if (!(CHARACTERISTICS as readonly string[]).includes(q.characteristic))
    errors.push({ field: 'characteristic', message: `must be one of ${CHARACTERISTICS.join(', ')}` });
  if (q.census !== undefined && (!Number.isInteger(q.census) || q.census < 1801 || q.census > 2100))
    errors.push({ field: 'census', message: 'must be a census year, e.g. 2011 or 2021' });
  if (q.period && (!MONTH.test(q.period.from) || !MONTH.test(q.period.to)))
    errors.push({ field: 'period', message: 'months must be written YYYY-MM' });
  if (q.bands !== undefined && !(AGE_BANDINGS as readonly string[]).includes(q.bands))
    errors.push({ field: 'bands', message: `must be one of ${AGE_BANDINGS.join(', ')}` });
  else if (q.bands !== undefined && q.characteristic !== 'age')
    errors.push({ field: 'bands', message: 'applies to age only' });
  if (errors.length) throw DomainError.validation(errors);
}

type FoundArea = NonNullable<Awaited<ReturnType<typeof findArea>>>;

/** See PopulationsService.populationFor; usable with any connection (a DataSource, a transaction's manager). */
export async function populationFor(db: Queryable, q: PopulationQuery): Promise<PopulationBase> {
  validate(q);
  const area = await findArea(db, q.area);
  if (!area) throw DomainError.validation([{ field: 'area', message: `"${q.area}" is not a known area` }]);
  const held = (
    (await db.query(`SELECT DISTINCT census FROM census_authorities ORDER BY census`)) as { census: number }[]
  ).map((r) => r.census);
  if (q.census !== undefined) return baseFor(db, q, area, held, q.census, 'requested');

  // The nearest census complete for this area and characteristic: a partial or missing one is passed over, never used.
  const order = censusesByNearness(held, q.period);
  if (!order.length)
    return {
      available: false,
      census: nearestCensus(BUILT_IN_CENSUSES, q.period)!,
      chosen: 'nearest',
      area: area.code,
      reason: 'no population for this base: no census is held',
    };
  const passedOver: string[] = [];
  for (const census of order) {
    const base = await baseFor(db, q, area, held, census, 'nearest');
    if (base.available) {
      if (!passedOver.length) return base;
      const nearer = `Census ${census} is the nearest census complete for ${area.name} by ${q.characteristic}; nearer the period but passed over: ${passedOver.join('; ')}.`;
      return { ...base, note: base.note ? `${base.note} ${nearer}` : nearer };
    }
    passedOver.push(base.reason.replace(/^no population for this base: /, ''));
  }
  return {
    available: false,
    census: order[0],
    chosen: 'nearest',
    area: area.code,
    reason: `no population for this base: no census held is complete for ${area.name} by ${q.characteristic}: ${passedOver.join('; ')}`,
  };
}

/** The area's population in one census, or why there is none (a partial census is never summed). */
async function baseFor(
  db: Queryable,
  q: PopulationQuery,
  area: FoundArea,
  held: readonly number[],
  census: number,
  chosen: 'requested' | 'nearest',
): Promise<PopulationBase> {
  const unavailable = (reason: string): PopulationBase => ({
    available: false,
    census,
    chosen,
    area: area.code,
    reason,
  });
  if (!held.includes(census))
    return unavailable(
      `no population for this base: Census ${census} is not held (held: ${held.join(', ') || 'none'})`,
    );

  const [{ any }] = (await db.query(
    `SELECT EXISTS (SELECT 1 FROM census_populations WHERE census = $1 AND characteristic = $2) AS any`,
    [census, q.characteristic],
  )) as { any: boolean }[];
  if (!any)
    return unavailable(
      `no population for this base: Census ${census} figures by ${q.characteristic} are not held (import one with "import census --year ${census}")`,
    );

  // A force: the authorities of that census's own geography. Anything smaller: the current authorities within it.
  const authorities = (
    area.level === 'force'
      ? await db.query(
          `SELECT code, name FROM census_authorities WHERE census = $1 AND force_code = $2 ORDER BY code`,
          [census, area.code],
        )
      : await db.query(
          `WITH RECURSIVE d(code) AS (SELECT $1::text UNION ALL SELECT a.code FROM areas a JOIN d ON a.parent_code = d.code)
           SELECT a.code, a.name FROM areas a WHERE a.code IN (SELECT code FROM d) AND a.level = 'local_authority' ORDER BY a.code`,
          [area.code],
        )
  ) as { code: string; name: string }[];
  if (!authorities.length)
    return unavailable(`no population for this base: ${area.name} has no local authorities in Census ${census}`);

  const figures = (await db.query(
    `SELECT area_code, category, population, source FROM census_populations
     WHERE census = $1 AND characteristic = $2 AND area_code = ANY($3::text[])`,
    [census, q.characteristic, authorities.map((a) => a.code)],
  )) as { area_code: string; category: string; population: number; source: string }[];
  const covered = new Set(figures.map((f) => f.area_code));
  const missing = authorities.filter((a) => !covered.has(a.code));
  if (missing.length) {
    const successors = missing.filter((a) => LOCAL_AUTHORITY_SUCCESSORS[a.code]);
    const formed = successors.map((a) => {
      const s = LOCAL_AUTHORITY_SUCCESSORS[a.code];
      return `${a.code} ${a.name} was formed on ${s.since} from ${s.predecessors.join(', ')}`;
    });
    const listed = missing.map((a) => `${a.code} ${a.name}`).join(', ');
    return unavailable(
      formed.length === missing.length
        ? `no population for this base: ${formed.join('; ')}; Census ${census} holds the authorities it was formed from, not it`
        : `no population for this base: Census ${census} figures by ${q.characteristic} are partial for ${area.name}, so it has no total: no figure for ${listed} (${authorities.length - missing.length} of ${authorities.length} authorities)${formed.length ? `; ${formed.join('; ')}` : ''}`,
    );
  }

  const bands = q.characteristic === 'age' ? (q.bands ?? 'police_uk') : null;
  const listed = bands ? AGE_BANDS[bands] : CHARACTERISTIC_GROUPS[q.characteristic];
  const groups: Record<string, number> = Object.fromEntries(listed.map((g) => [g, 0]));
  const groupOf = (category: string): string | null => {
    // Ethnicity is held by self-defined code and grouped by the same table as searches; age by single year.
    if (q.characteristic === 'ethnicity') return groupOfSelfDefined(category);
    if (bands) {
      const year = singleYearOfCategory(category);
      return year === null ? null : ageBandOf(year, bands);
    }
    return category;
  };
  for (const f of figures) {
    const group = groupOf(f.category);
    if (group === null || !(group in groups))
      throw new Error(`census ${census} ${q.characteristic} holds an unknown category "${f.category}"`);
    groups[group] += f.population;
  }
  return {
    available: true,
    census,
    chosen,
    source: [...new Set(figures.map((f) => f.source))].sort().join('; '),
    area: area.code,
    areaName: area.name,
    groups,
    authorities: authorities.length,
    note: NOTES[q.characteristic](census) + (bands ? ` Bands: ${AGE_BANDS_LABEL[bands]}.` : ''),
  };
}

/**
 * Census population bases for rates, per area, characteristic and census: the one place that answers "how many
 * people of each group live here", grouped exactly as the records counted against them. A force has a total for a
 * census only when every one of its authorities (in that census's geography) has a figure.
 */
@Injectable()
export class PopulationsService {
  constructor(private readonly dataSource: DataSource) {}

  populationFor(q: PopulationQuery): Promise<PopulationBase> {
    return populationFor(this.dataSource, q);
  }
}
