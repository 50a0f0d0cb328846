#!/usr/bin/env node
// Writes the boundaries shipped in libs/places/data/ from the project's shared ONS TopoJSON files:
//   node scripts/filter-boundaries.mjs [shared boundaries folder, default ../shared/data/boundaries]
// - Local Authority Districts December 2021 (BGC): the UK file cut down to the 331 districts of England and Wales (the
//   forces' area), still TopoJSON: the same quantised arcs, only those the kept districts use, renumbered; properties
//   AREACD and AREANM (GlobalID dropped), plus PFA22CD, the police force area each lies in, from the ONS LAD → CSP → PFA
//   lookup of December 2022 (read from ../census/ beside the boundaries folder).
// - Police Force Areas December 2022 (BGC, England and Wales already): copied byte for byte.
// Run once when the boundaries change; the application and its tests read only the files written here.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const from = process.argv[2] ?? new URL('../../shared/data/boundaries/', import.meta.url).pathname;
const to = new URL('../libs/places/data/', import.meta.url).pathname;

const lookup = new Map(
  readFileSync(join(from, '../census/lad22_csp22_pfa22_lookup_dec2022.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    // Names may be quoted with commas inside ("Herefordshire, County of"): take the codes, not the columns.
    .map((line) => [line.slice(0, 9), /\b(E23|W15)\d{6}\b/.exec(line)?.[0]]),
);

const topo = JSON.parse(
  readFileSync(join(from, 'Local_Authority_Districts_December_2021_UK_BGC_2022.topojson.json'), 'utf8'),
);
const kept = topo.objects.data.geometries.filter((g) => /^[EW]/.test(g.properties.AREACD));
if (kept.length !== 331) throw new Error(`expected 331 districts in England and Wales, found ${kept.length}`);

// Arc references: i, or ~i for arc i reversed. Renumber the arcs the kept districts use, in first-use order.
const renumbered = new Map();
const arcs = [];
const remap = (ref) => {
  const index = ref < 0 ? ~ref : ref;
  let next = renumbered.get(index);
  if (next === undefined) {
    next = arcs.push(topo.arcs[index]) - 1;
    renumbered.set(index, next);
  }
  return ref < 0 ? ~next : next;
};
const geometries = kept.map((g) => {
  const pfa = lookup.get(g.properties.AREACD);
  if (!/^(E23|W15)\d{6}$/.test(pfa ?? ''))
    throw new Error(`${g.properties.AREACD} is not in the December 2022 LAD → PFA lookup`);
  const rings = (polygon) => polygon.map((ring) => ring.map(remap));
  return {
    type: g.type,
    properties: { AREACD: g.properties.AREACD, AREANM: g.properties.AREANM, PFA22CD: pfa },
    arcs: g.type === 'Polygon' ? rings(g.arcs) : g.arcs.map(rings),
  };
});
// bbox left out: the reader computes what it needs from the polygons.
const out = {
  type: 'Topology',
  transform: topo.transform,
  objects: { data: { type: 'GeometryCollection', geometries } },
  arcs,
};
writeFileSync(join(to, 'lad-2021-ew-bgc.topojson.json'), JSON.stringify(out));
// Read and written rather than copied, so the copy does not keep the shared file's read-only mode.
writeFileSync(
  join(to, 'pfa-2022-ew-bgc.topojson.json'),
  readFileSync(join(from, 'Police_Force_Areas_December_2022_EW_BGC.topojson.json')),
);
console.log(
  `wrote libs/places/data/: ${geometries.length} districts (${arcs.length} of ${topo.arcs.length} arcs), 43 police force areas`,
);
