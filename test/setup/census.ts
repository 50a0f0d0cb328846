import * as fs from 'node:fs';
import * as path from 'node:path';

/** The ONS high-level group of a TS021 category, read from the label's prefix (before the colon). */
const PREFIX_GROUP: Record<string, string> = {
  'Asian, Asian British or Asian Welsh': 'asian',
  'Black, Black British, Black Welsh, Caribbean or African': 'black',
  'Mixed or Multiple ethnic groups': 'mixed',
  White: 'white',
  'Other ethnic group': 'other',
};

/**
 * Usual residents of these local authorities by ONS high-level group, summed straight from the shipped TS021 file by
 * each label's prefix: a computation independent of the application's mapping, for tests to check it against.
 */
export function ts021Groups(authorities: readonly string[]): Record<string, number> {
  const text = fs.readFileSync(
    path.join(__dirname, '../../libs/records/reference/data/census2021_ts021_ltla_ethnic_group_20cat_long.csv'),
    'utf8',
  );
  const wanted = new Set(authorities);
  const out: Record<string, number> = {};
  for (const line of text.split('\n').slice(1)) {
    const m = /^([^,]+),(?:"[^"]*"|[^,]*),(-?\d+),(?:"([^"]*)"|([^,]*)),(\d+)$/.exec(line);
    if (!m || !wanted.has(m[1]) || m[2] === '-8') continue;
    const group = PREFIX_GROUP[(m[3] ?? m[4]).split(':')[0]];
    out[group] = (out[group] ?? 0) + Number(m[5]);
  }
  return out;
}

/** Band edges (first year of each band) for the two age bandings, written out here independently of the application. */
const AGE_BAND_STARTS: Record<'police_uk' | 'use_of_force', [number, string][]> = {
  police_uk: [
    [0, 'under-10'],
    [10, '10-17'],
    [18, '18-24'],
    [25, '25-34'],
    [35, 'over-34'],
  ],
  use_of_force: [
    [0, 'under-11'],
    [11, '11-17'],
    [18, '18-34'],
    [35, '35-49'],
    [50, '50-64'],
    [65, '65-and-over'],
  ],
};

/**
 * Usual residents of these local authorities by age band, summed straight from the shipped TS007 file's single-year
 * columns ("Aged under 1 year", "Aged n years", "Aged 100 years and over"; never its band subtotals), with each
 * authority's "Age: Total" alongside: independent of the application's parser, for tests to check it against.
 */
export function ts007Bands(
  authorities: readonly string[],
  banding: 'police_uk' | 'use_of_force',
): { bands: Record<string, number>; total: number } {
  const [head, ...lines] = fs
    .readFileSync(path.join(__dirname, '../../libs/records/reference/data/census2021-ts007-ltla.csv'), 'utf8')
    .trim()
    .split('\n')
    // Split on commas outside quotes (names such as "Bristol, City of" hold one).
    .map((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((c) => c.replace(/^"|"$/g, '').trim()));
  const years = head.flatMap((h, i) => {
    // "Aged 85 years and over" is a subtotal; only the oldest single year, 100, is written "and over".
    const m = /^Age: Aged (?:(under 1 year)|(100) years and over|(\d+) years?); measures: Value$/.exec(h);
    if (!m) return [];
    return [{ i, year: m[1] ? 0 : Number(m[2] ?? m[3]) }];
  });
  if (years.length !== 101) throw new Error(`TS007: expected 101 single-year columns, found ${years.length}`);
  const codeAt = head.indexOf('geography code');
  const totalAt = head.indexOf('Age: Total; measures: Value');
  const band = (year: number) => AGE_BAND_STARTS[banding].filter(([start]) => year >= start).pop()![1];
  const wanted = new Set(authorities);
  const bands: Record<string, number> = Object.fromEntries(AGE_BAND_STARTS[banding].map(([, b]) => [b, 0]));
  let total = 0;
  for (const cells of lines) {
    if (!wanted.has(cells[codeAt])) continue;
    for (const { i, year } of years) bands[band(year)] += Number(cells[i]);
    total += Number(cells[totalAt]);
  }
  return { bands, total };
}
