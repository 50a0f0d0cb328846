import { forceAreaAt, isNearForce, loadPlaces, placePoint } from '@scrutiny/places';
import { areaForces, type Queryable } from '../areas/area-lookup';
import { POLICE_FORCE_AREAS } from '../reference/police-force-areas';
import { ImportFileError } from './import-transaction';
import type { RowRejection } from './police-uk-row';

/**
 * How far outside its force a located row may lie and still be kept (unplaced, at force level) rather than rejected.
 * data.police.uk moves every point to the nearest of its anonymous map points (street centres, public places), which
 * can be across a boundary, and officers of a small force work the streets around it: of the shared City of London
 * files' 1,505 located rows, 238 lie in the Metropolitan Police area, 178 of them within 500 m of the City and all but
 * 21 within 2 km (the rows farther out, and the Essex and Merseyside rows in other forces, lie mostly 5 to 400 km
 * away). Farther than this, the row is taken to belong to another force.
 */
export const BOUNDARY_TOLERANCE_METRES = 2000;

/** After this many located rows, a file whose rows lie mostly in another force fails at once. */
export const EARLY_CHECK_ROWS = 100;

/** A located row's area (a local authority, or null for the force as a whole), or why it is refused. */
export type RowPlacement = { areaCode: string | null } | { rejection: RowRejection };

export interface PlacementCounts {
  /** Rows with coordinates. */
  located: number;
  /** Stored under a local authority of the force. */
  placed: number;
  /** Kept at force level: in no local authority (at sea, beyond the generalised coastline) or just over the boundary. */
  unplaced: number;
  /** Rejected: in another force, or far from this one. */
  outside: number;
}

export interface RowPlacer {
  /** Places a row by its coordinates (WGS84); `field` names the column a rejection points at. */
  place(latitude: number, longitude: number, field?: string): RowPlacement;
  /** The whole file's verdict once every row is read: fails it if most located rows lie in another force. */
  finish(): PlacementCounts;
  readonly counts: PlacementCounts;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/** Where a located record belongs, relative to the force it is filed under. */
export type PointVerdict =
  | { kind: 'placed'; areaCode: string }
  /** In no local authority (at sea, beyond the generalised coastline), or just over the force's boundary. */
  | { kind: 'unplaced' }
  /** In another force (`force`), or in no local authority and far from the record's force (`force` null). */
  | { kind: 'outside'; force: string | null; reason: string };

/** Classifies points against any force, with the area hierarchy and force names loaded once. */
export type PointPlacer = (latitude: number, longitude: number, forceCode: string) => PointVerdict;

/**
 * Loads the boundaries (once per process) and the area hierarchy (once per call), and answers a placer working in
 * memory, with no query per point. A point is placed in the local authority it lies in when that authority belongs
 * to the force (by the areas table, so a force's authority totals always add up to its placed records); just over
 * the boundary (BOUNDARY_TOLERANCE_METRES) or in no authority at all, it is unplaced (kept at force level); clearly
 * elsewhere it is outside, with the reason ("point is in Essex, not Merseyside").
 */
export async function pointPlacer(q: Queryable): Promise<PointPlacer> {
  loadPlaces();
  const authorityForce = await areaForces(q);
  const names = new Map<string, string>(POLICE_FORCE_AREAS.map((f) => [f.code as string, f.name as string]));
  for (const row of (await q.query(`SELECT code, name FROM areas WHERE level = 'force'`)) as {
    code: string;
    name: string;
  }[])
    names.set(row.code, row.name);
  const nameOf = (code: string) => names.get(code) ?? code;
  return (latitude, longitude, forceCode) => {
    const place = placePoint(latitude, longitude);
    // The areas table decides which force an authority is in; the ONS lookup only when the table lacks it.
    const known = place ? authorityForce.has(place.ladCode) : false;
    const pointForce = place ? (known ? authorityForce.get(place.ladCode)! : place.pfaCode) : null;
    if (place && pointForce === forceCode)
      return known ? { kind: 'placed', areaCode: place.ladCode } : { kind: 'unplaced' };
    if (isNearForce(latitude, longitude, forceCode, BOUNDARY_TOLERANCE_METRES)) return { kind: 'unplaced' };
    const other = pointForce ?? forceAreaAt(latitude, longitude);
    return other
      ? { kind: 'outside', force: other, reason: `point is in ${nameOf(other)}, not ${nameOf(forceCode)}` }
      : {
          kind: 'outside',
          force: null,
          reason: `point (${latitude}, ${longitude}) is in no local authority of England and Wales, and not within ${BOUNDARY_TOLERANCE_METRES} m of ${nameOf(forceCode)}`,
        };
  };
}

/**
 * The row placer for one import into `forceCode` (see pointPlacer): a placed row is stored under its local
 * authority, an unplaced one at force level, and a row outside the force is rejected on its line. When more than half
 * of the located rows lie outside, the file is refused as a whole, naming the force most of them lie in (at once after
 * EARLY_CHECK_ROWS located rows, else at `finish`).
 */
export async function rowPlacer(q: Queryable, forceCode: string): Promise<RowPlacer> {
  const classify = await pointPlacer(q);
  const [forceRow] = (await q.query(`SELECT name FROM areas WHERE code = $1`, [forceCode])) as { name: string }[];
  const nameOf = (code: string) =>
    code === forceCode && forceRow ? forceRow.name : (POLICE_FORCE_AREAS.find((f) => f.code === code)?.name ?? code);
  const counts: PlacementCounts = { located: 0, placed: 0, unplaced: 0, outside: 0 };
  const elsewhere = new Map<string, number>();
  const check = () => {
    let top: [string, number] | undefined;
    for (const entry of elsewhere) if (!top || entry[1] > top[1]) top = entry;
    if (top && counts.outside * 2 > counts.located)
      throw new ImportFileError(
        `this file appears to be for ${nameOf(top[0])} (${fmt(top[1])} of ${fmt(counts.located)} located rows), not ${nameOf(forceCode)}: nothing was imported`,
      );
  };
  return {
    counts,
    place(latitude, longitude, field = 'Latitude') {
      counts.located++;
      const verdict = classify(latitude, longitude, forceCode);
      if (verdict.kind === 'placed') {
        counts.placed++;
        return { areaCode: verdict.areaCode };
      }
      if (verdict.kind === 'unplaced') {
        counts.unplaced++;
        return { areaCode: null };
      }
      counts.outside++;
      if (verdict.force) elsewhere.set(verdict.force, (elsewhere.get(verdict.force) ?? 0) + 1);
      if (counts.located >= EARLY_CHECK_ROWS) check();
      return { rejection: { field, reason: verdict.reason } };
    },
    finish() {
      check();
      return counts;
    },
  };
}

/** Force ids longest first, so `city-of-london` is found before any shorter id it might contain. */
const FORCE_IDS = [...POLICE_FORCE_AREAS].sort((a, b) => b.policeUkId.length - a.policeUkId.length);

/**
 * The force a file's name names by its data.police.uk id (as police.uk names its files:
 * `2020-01-essex-stop-and-search.csv`), or null when it names none, or more than one.
 */
export function forceNamedByFilename(filename: string): (typeof POLICE_FORCE_AREAS)[number] | null {
  let rest = (filename.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/_/g, '-');
  const found: (typeof POLICE_FORCE_AREAS)[number][] = [];
  for (const force of FORCE_IDS) {
    const pattern = new RegExp(`(^|[^a-z])${force.policeUkId}([^a-z]|$)`);
    if (pattern.test(rest)) {
      found.push(force);
      rest = rest.replace(pattern, '$1 $2');
    }
  }
  return found.length === 1 ? found[0] : null;
}

/**
 * Why a file may not be imported into `forceCode` by its name (it names another force), or null. Checked before the
 * file is read, so an Essex month posted as Merseyside is refused at once.
 */
export function filenameForceProblem(filename: string, forceCode: string): string | null {
  const named = forceNamedByFilename(filename);
  if (!named || named.code === forceCode) return null;
  const force = POLICE_FORCE_AREAS.find((f) => f.code === forceCode);
  return `the file name "${filename.split(/[\\/]/).pop()}" names ${named.name} (${named.policeUkId}), not ${force?.name ?? forceCode}: import it into ${named.policeUkId}, or rename it if it really is ${force?.name ?? forceCode}'s`;
}
