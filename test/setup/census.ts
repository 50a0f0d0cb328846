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
