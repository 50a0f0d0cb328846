import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { seededStream } from '@scrutiny/core';
import { districtNames, forceAreaAt, isNearForce, placePoint } from './places';
import { PolygonIndex } from './polygon-index';

/** The boundary file decoded here, independently of the module under test. */
function districts(): { code: string; pfa: string; polygons: number[][][][] }[] {
  const topo = JSON.parse(readFileSync(join(__dirname, 'data/lad-2021-ew-bgc.topojson.json'), 'utf8')) as Topology;
  const fc = feature(topo, topo.objects.data as GeometryCollection<{ AREACD: string; PFA22CD: string }>);
  return fc.features.map((f) => ({
    code: f.properties.AREACD,
    pfa: f.properties.PFA22CD,
    polygons:
      f.geometry.type === 'Polygon'
        ? [f.geometry.coordinates]
        : f.geometry.type === 'MultiPolygon'
          ? f.geometry.coordinates
          : [],
  }));
}

/** Plain ray casting over every ring of every polygon: no index, no bounding boxes. */
function bruteForce(all: ReturnType<typeof districts>, lat: number, lon: number): string[] {
  const hits: string[] = [];
  for (const d of all) {
    for (const rings of d.polygons) {
      let inside = false;
      for (const ring of rings) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i];
          const [xj, yj] = ring[j];
          if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
        }
      }
      if (inside) hits.push(d.code);
    }
  }
  return hits;
}

describe('placePoint', () => {
  it('places the checks from the boundaries README', () => {
    expect(placePoint(53.7632, -2.7044)).toEqual({ ladCode: 'E07000123', pfaCode: 'E23000003' }); // Preston, Lancashire
    expect(placePoint(51.5138, -0.0984)).toEqual({ ladCode: 'E09000001', pfaCode: 'E23000034' }); // City of London
  });

  it('answers null at sea and outside England and Wales', () => {
    expect(placePoint(53.5, 2.0)).toBeNull(); // North Sea
    expect(placePoint(51.9, -5.6)).toBeNull(); // St George's Channel
    expect(placePoint(55.95, -3.19)).toBeNull(); // Edinburgh: a Scottish council, not shipped
    expect(placePoint(48.86, 2.35)).toBeNull(); // Paris
    expect(placePoint(Number.NaN, 0)).toBeNull();
  });

  it('respects holes: the City of London is not in the Metropolitan Police area around it', () => {
    expect(forceAreaAt(51.5138, -0.0984)).toBe('E23000034');
    expect(forceAreaAt(51.5007, -0.1246)).toBe('E23000001'); // Westminster, just outside the hole
    const square = (x0: number, y0: number, x1: number, y1: number) => [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    const index = new PolygonIndex([
      { value: 'ring', polygons: [[square(0, 0, 10, 10), square(4, 4, 6, 6)]] },
      { value: 'island', polygons: [[square(4.5, 4.5, 5.5, 5.5)]] },
    ]);
    expect(index.find(2, 2)).toBe('ring');
    expect(index.find(4.2, 5)).toBeUndefined(); // in the hole, outside the island
    expect(index.find(5, 5)).toBe('island');
    expect(index.find(11, 5)).toBeUndefined();
  });

  it('agrees with brute-force ray casting over a sample of points, and no point lies in two districts', () => {
    const all = districts();
    expect(all).toHaveLength(331);
    const random = seededStream('places-brute-force');
    let placed = 0;
    for (let i = 0; i < 400; i++) {
      const lat = 50.0 + random() * 5.8;
      const lon = -5.7 + random() * 7.5;
      const hits = bruteForce(all, lat, lon);
      expect(hits.length).toBeLessThanOrEqual(1);
      const got = placePoint(lat, lon);
      expect(got?.ladCode ?? null).toBe(hits[0] ?? null);
      if (got) {
        placed++;
        expect(got.pfaCode).toBe(all.find((d) => d.code === got.ladCode)!.pfa);
      }
    }
    expect(placed).toBeGreaterThan(150); // the sample is not mostly sea
  });

  it("gives each district's force consistently with the police force area boundaries", () => {
    const random = seededStream('places-pfa');
    let both = 0;
    let agree = 0;
    for (let i = 0; i < 3000; i++) {
      const lat = 50.0 + random() * 5.8;
      const lon = -5.7 + random() * 7.5;
      const place = placePoint(lat, lon);
      const force = forceAreaAt(lat, lon);
      if (place && force) {
        both++;
        if (place.pfaCode === force) agree++;
      }
    }
    expect(agree / both).toBeGreaterThan(0.999); // the two layers are generalised separately: they may differ at the edges
  });

  it('tells points just over a boundary from points far away', () => {
    // Just west of the City of London's western edge (Temple), and in Manchester.
    expect(placePoint(51.5133, -0.1135)?.pfaCode).toBe('E23000001');
    expect(isNearForce(51.5133, -0.1135, 'E23000034', 500)).toBe(true);
    expect(isNearForce(53.4808, -2.2426, 'E23000034', 500)).toBe(false);
    expect(districtNames().get('E07000123')).toBe('Preston');
  });
});
