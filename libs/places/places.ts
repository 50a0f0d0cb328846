import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { PolygonIndex, type PolygonRings, type Region } from './polygon-index';

/**
 * The boundaries shipped beside this module (see data/README.md): the build copies data/ next to the compiled
 * module, so the same relative path serves the sources (tests), dist/ and the Docker image.
 */
export const BOUNDARIES_DIR = join(__dirname, 'data');
export const LOCAL_AUTHORITY_BOUNDARIES = 'lad-2021-ew-bgc.topojson.json';
export const POLICE_FORCE_AREA_BOUNDARIES = 'pfa-2022-ew-bgc.topojson.json';

/** Where a point lies: its local authority district (LAD21CD) and the police force area that district is in (PFA22CD). */
export interface Place {
  ladCode: string;
  pfaCode: string;
}

export interface BoundaryProperties {
  AREACD: string;
  AREANM: string;
  /** Local authority districts only: the police force area the district lies in (ONS lookup, December 2022). */
  PFA22CD?: string;
}

/** A boundary file decoded: one region per feature, its polygons as GeoJSON rings of [lon, lat]. */
export function decodeBoundaries(topology: Topology): Region<BoundaryProperties>[] {
  const collection = feature(topology, topology.objects.data as GeometryCollection<BoundaryProperties>);
  return collection.features.map((f) => {
    const geometry = f.geometry;
    const polygons: PolygonRings[] =
      geometry.type === 'Polygon'
        ? [geometry.coordinates]
        : geometry.type === 'MultiPolygon'
          ? geometry.coordinates
          : [];
    return { value: f.properties, polygons };
  });
}

export function readBoundaries(file: string): Topology {
  return JSON.parse(readFileSync(join(BOUNDARIES_DIR, file), 'utf8')) as Topology;
}

class Places {
  private readonly districts: PolygonIndex<BoundaryProperties>;
  private readonly forces: PolygonIndex<BoundaryProperties>;
  readonly districtNames: ReadonlyMap<string, string>;

  constructor() {
    const districts = decodeBoundaries(readBoundaries(LOCAL_AUTHORITY_BOUNDARIES));
    this.districts = new PolygonIndex(districts);
    this.forces = new PolygonIndex(decodeBoundaries(readBoundaries(POLICE_FORCE_AREA_BOUNDARIES)));
    this.districtNames = new Map(districts.map((d) => [d.value.AREACD, d.value.AREANM]));
  }

  place(lat: number, lon: number): Place | null {
    const district = this.districts.find(lon, lat);
    return district ? { ladCode: district.AREACD, pfaCode: district.PFA22CD! } : null;
  }

  forceAt(lat: number, lon: number): string | null {
    return this.forces.find(lon, lat)?.AREACD ?? null;
  }

  nearForce(lat: number, lon: number, pfaCode: string, metres: number): boolean {
    return this.districts.near(lon, lat, metres, (d) => d.PFA22CD === pfaCode);
  }
}

let loaded: Places | undefined;

/** The indexed boundaries, read and built on first use (~0.3 s) and kept for the life of the process. */
function places(): Places {
  return (loaded ??= new Places());
}

/**
 * The local authority district a point (WGS84) lies in, and the police force area of that district; null for a
 * point in no district of England and Wales (at sea, beyond the coastline's generalisation, or outside England and
 * Wales). The force comes from the district, so a placed point's authority always lies in its force.
 */
export function placePoint(lat: number, lon: number): Place | null {
  return places().place(lat, lon);
}

/**
 * The police force area (PFA22CD) whose own boundary contains the point, or null. For points that no district
 * holds: the force boundaries are generalised separately, so a coastal point can lie in a force but in no district.
 */
export function forceAreaAt(lat: number, lon: number): string | null {
  return places().forceAt(lat, lon);
}

/** Whether the point lies within `metres` of (or inside) a district of the police force area `pfaCode`. */
export function isNearForce(lat: number, lon: number, pfaCode: string, metres: number): boolean {
  return places().nearForce(lat, lon, pfaCode, metres);
}

/** The 331 districts' names by code (from the boundary file). */
export function districtNames(): ReadonlyMap<string, string> {
  return places().districtNames;
}

/** Builds the index now rather than on the first point (e.g. before timing, or at the start of an import). */
export function loadPlaces(): void {
  places();
}
