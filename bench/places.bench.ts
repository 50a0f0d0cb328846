/**
 * npm run bench:places [-- --points 10000 --source <dir of police.uk CSVs>]
 *
 * Places N points in their local authority (libs/places: decoded ONS boundaries in a packed R-tree) and prints the
 * time beside its floor (10,000 points in under 1 s), in one run:
 *   load    – reading and decoding the boundary files and building the index (once per process);
 *   real    – N located rows of real police.uk files (../shared/data/police-uk, else the test fixtures), cycled;
 *   random  – N points drawn uniformly over England and Wales's bounding box (sea and Scotland included);
 *   cold    – load plus the real points, as the first import after a start pays it.
 * No database is needed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { seededStream } from '@scrutiny/core';
import { loadPlaces, placePoint } from '@scrutiny/places';

const { values } = parseArgs({ options: { points: { type: 'string', default: '10000' }, source: { type: 'string' } } });
const POINTS = Number(values.points);
const FLOOR_SECONDS = (1 * POINTS) / 10_000;

function csvFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? csvFiles(path.join(dir, e.name)) : e.name.endsWith('.csv') ? [path.join(dir, e.name)] : [],
    );
}

function realPoints(): { source: string; points: [number, number][] } {
  const candidates = [values.source, path.resolve('../shared/data/police-uk'), path.resolve('test/fixtures/police-uk')];
  const source = candidates.find((d): d is string => !!d && fs.existsSync(d));
  if (!source) throw new Error('no source directory of police.uk CSVs found');
  const located: [number, number][] = [];
  for (const file of csvFiles(source))
    for (const row of (parse(fs.readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][]).slice(1))
      if (row[4] && row[5]) located.push([Number(row[4]), Number(row[5])]);
  return { source, points: Array.from({ length: POINTS }, (_, i) => located[i % located.length]) };
}

function timed(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function placeAll(points: [number, number][]): number {
  let placed = 0;
  for (const [lat, lon] of points) if (placePoint(lat, lon)) placed++;
  return placed;
}

const { source, points } = realPoints();
const random = seededStream('bench:places');
const uniform = Array.from({ length: POINTS }, (): [number, number] => [49.9 + random() * 5.9, -5.8 + random() * 7.6]);

let placedReal = 0;
const cold = timed(() => {
  loadPlaces();
  placedReal = placeAll(points);
});
// Warm runs: the best of five, the steady-state cost once the index is built.
const realRuns = Array.from({ length: 5 }, () => timed(() => placeAll(points)));
let placedUniform = 0;
const uniformRuns = Array.from({ length: 5 }, () => timed(() => (placedUniform = placeAll(uniform))));
const real = Math.min(...realRuns);
const uniformBest = Math.min(...uniformRuns);

const row = (name: string, seconds: number, note: string) =>
  console.log(
    `| ${name} | ${seconds.toFixed(3)} | ${Math.round(POINTS / seconds).toLocaleString('en-GB')} | ${seconds < FLOOR_SECONDS ? 'yes' : 'NO'} | ${note} |`,
  );
console.log(`placing ${POINTS.toLocaleString('en-GB')} points (real ones from ${source})\n`);
console.log(`| run | seconds | points/s | under the floor (${FLOOR_SECONDS} s) | placed |`);
console.log('| --- | ---: | ---: | --- | --- |');
row('real police.uk points, warm (best of 5)', real, `${placedReal.toLocaleString('en-GB')} in a local authority`);
row(
  'uniform over E&W bounding box, warm (best of 5)',
  uniformBest,
  `${placedUniform.toLocaleString('en-GB')} (the rest at sea or outside E&W)`,
);
row('cold: load boundaries + index + real points', cold, `load ≈ ${(cold - real).toFixed(3)} s`);
console.log(
  `\nplacement of ${POINTS.toLocaleString('en-GB')} points: ${real.toFixed(3)} s warm, ${cold.toFixed(3)} s cold (floor: under ${FLOOR_SECONDS} s)`,
);
