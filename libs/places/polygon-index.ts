import Flatbush from 'flatbush';

/** A polygon as GeoJSON gives it: rings of [lon, lat] positions, the first the outline, any others its holes. */
export type PolygonRings = number[][][];

export interface Region<T> {
  value: T;
  polygons: PolygonRings[];
}

/** One polygon's rings as flat [x0, y0, x1, y1, …] arrays, with the bounding box of each ring. */
interface IndexedPolygon<T> {
  value: T;
  rings: Float64Array[];
  boxes: Float64Array;
}

/**
 * Regions (each a set of polygons with holes) packed into a static R-tree of polygon bounding boxes, answering which
 * region a point lies in. A point is inside a polygon when a ray from it crosses the polygon's rings (outline and
 * holes alike) an odd number of times, so a point in a hole is outside. Built once; lookups allocate little.
 */
export class PolygonIndex<T> {
  private readonly polygons: IndexedPolygon<T>[] = [];
  private readonly tree: Flatbush;

  constructor(regions: readonly Region<T>[]) {
    for (const region of regions) {
      for (const rings of region.polygons) {
        // Filled in place: flatMap made a pair array per point, and the first start (placing the demo month) paid
        // for hundreds of thousands of them.
        const flat = rings.map((ring) => {
          const xy = new Float64Array(ring.length * 2);
          for (let k = 0; k < ring.length; k++) {
            xy[k * 2] = ring[k][0];
            xy[k * 2 + 1] = ring[k][1];
          }
          return xy;
        });
        const boxes = new Float64Array(flat.length * 4);
        flat.forEach((ring, r) => boxes.set(boundsOf(ring), r * 4));
        this.polygons.push({ value: region.value, rings: flat, boxes });
      }
    }
    this.tree = new Flatbush(Math.max(this.polygons.length, 1));
    for (const p of this.polygons) this.tree.add(p.boxes[0], p.boxes[1], p.boxes[2], p.boxes[3]);
    if (!this.polygons.length) this.tree.add(0, 0, 0, 0); // Flatbush refuses an empty index; this box holds nothing
    this.tree.finish();
  }

  /** The region whose polygons contain (x, y), or undefined. */
  find(x: number, y: number): T | undefined {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    for (const i of this.tree.search(x, y, x, y)) {
      const polygon = this.polygons[i];
      if (polygon && contains(polygon, x, y)) return polygon.value;
    }
    return undefined;
  }

  /**
   * Whether an edge of a polygon of an accepted region passes within `metres` of (x, y) = (lon, lat), measured on a
   * local flat projection (plenty at a few kilometres). For the few points no polygon contains, so it may be slow-ish.
   */
  near(x: number, y: number, metres: number, accept: (value: T) => boolean): boolean {
    const perDegreeY = 111_320;
    const perDegreeX = perDegreeY * Math.cos((y * Math.PI) / 180);
    const dx = metres / perDegreeX;
    const dy = metres / perDegreeY;
    const limit = metres * metres;
    for (const i of this.tree.search(x - dx, y - dy, x + dx, y + dy)) {
      const polygon = this.polygons[i];
      if (!polygon || !accept(polygon.value)) continue;
      if (contains(polygon, x, y)) return true;
      for (const ring of polygon.rings) {
        for (let k = 2; k < ring.length; k += 2) {
          const ax = (ring[k - 2] - x) * perDegreeX;
          const ay = (ring[k - 1] - y) * perDegreeY;
          const ex = (ring[k] - x) * perDegreeX - ax;
          const ey = (ring[k + 1] - y) * perDegreeY - ay;
          const length = ex * ex + ey * ey;
          const t = length ? Math.max(0, Math.min(1, -(ax * ex + ay * ey) / length)) : 0;
          const px = ax + t * ex;
          const py = ay + t * ey;
          if (px * px + py * py <= limit) return true;
        }
      }
    }
    return false;
  }
}

function boundsOf(ring: Float64Array): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    minX = Math.min(minX, ring[i]);
    maxX = Math.max(maxX, ring[i]);
    minY = Math.min(minY, ring[i + 1]);
    maxY = Math.max(maxY, ring[i + 1]);
  }
  return [minX, minY, maxX, maxY];
}

function contains(polygon: IndexedPolygon<unknown>, x: number, y: number): boolean {
  let inside = false;
  const { rings, boxes } = polygon;
  for (let r = 0; r < rings.length; r++) {
    // A ray to the right can only cross a ring whose box spans the point's y and reaches past its x.
    if (y < boxes[r * 4 + 1] || y > boxes[r * 4 + 3] || x > boxes[r * 4 + 2]) continue;
    if (crossingsOdd(rings[r], x, y)) inside = !inside;
  }
  return inside;
}

/** Whether a ray from (x, y) towards +x crosses the closed ring an odd number of times (half-open on y). */
export function crossingsOdd(ring: Float64Array, x: number, y: number): boolean {
  let odd = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const yi = ring[i + 1];
    const yj = ring[j + 1];
    if (yi > y !== yj > y) {
      const xi = ring[i];
      if (x < ((ring[j] - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}
