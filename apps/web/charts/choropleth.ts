import {
  decodeBoundaries,
  LOCAL_AUTHORITY_BOUNDARIES,
  readBoundaries,
  type BoundaryProperties,
} from '@scrutiny/places';
import type { Region } from '@scrutiny/places';
import { escapeHtml } from '@scrutiny/themes';
import { chartId, figure, svgDocument, type ChartFigure } from './chart';

/** One local authority's figure: its rate ratio (null: none, with the reason). */
export interface AreaValue {
  code: string;
  name: string;
  ratio: number | null;
  lower?: number | null;
  upper?: number | null;
  note?: string | null;
}

export interface ChoroplethDescription {
  title: string;
  /** What the shading shows, e.g. "Rate ratio, Black to White". */
  measure: string;
  /** The police force area (ONS PFA22CD) whose local authorities are drawn. */
  forceCode: string;
  areas: readonly AreaValue[];
  /** Table headings: area, code, ratio, lower, upper, note; and the legend's word for no ratio. */
  headings: [string, string, string, string, string, string];
  noRatio: string;
  id?: string;
}

/**
 * ColorBrewer PuOr (7 classes), diverging about parity: purple below 1, orange above, a light neutral middle.
 * Safe for the common colour-vision deficiencies and in greyscale by lightness; the table beside gives every figure.
 */
export const DIVERGING = ['#542788', '#998ec3', '#d8daeb', '#f7f7f7', '#fee0b6', '#f1a340', '#b35806'];
/** The class edges of the rate ratio: under 0.5, 0.5–0.67, 0.67–0.9, 0.9–1.1 (about parity), 1.1–1.5, 1.5–2, 2 and over. */
export const RATIO_EDGES = [0.5, 0.67, 0.9, 1.1, 1.5, 2];
export const NO_DATA = '#bfc1c3';

export function ratioClass(ratio: number): number {
  const i = RATIO_EDGES.findIndex((e) => ratio < e);
  return i === -1 ? RATIO_EDGES.length : i;
}

let districts: Region<BoundaryProperties>[] | undefined;
/** The local authority boundaries shipped in libs/places, decoded once. */
function localAuthorities(): Region<BoundaryProperties>[] {
  return (districts ??= decodeBoundaries(readBoundaries(LOCAL_AUTHORITY_BOUNDARIES)));
}

/** The local authorities of a police force area (ONS lookup), by code and name. */
export function authoritiesOf(forceCode: string): { code: string; name: string }[] {
  return localAuthorities()
    .filter((r) => r.value.PFA22CD === forceCode)
    .map((r) => ({ code: r.value.AREACD, name: r.value.AREANM }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * A choropleth of the force's local authorities: lon/lat projected equirectangularly about the area's middle
 * latitude (distortion is negligible at force scale), each ring simplified by dropping points within 0.7 px of the
 * last kept, each authority a <path> with its own <title>, and a legend of the classes beneath.
 */
export function choropleth(d: ChoroplethDescription): ChartFigure {
  const regions = localAuthorities().filter((r) => r.value.PFA22CD === d.forceCode);
  const width = 520,
    mapW = 500,
    mapH = 360,
    top = 24,
    pad = 10;
  const rings = regions.flatMap((r) => r.polygons.flat());
  const lons = rings.flatMap((ring) => ring.map((p) => p[0]));
  const lats = rings.flatMap((ring) => ring.map((p) => p[1]));
  const [minLon, maxLon, minLat, maxLat] = lons.length
    ? [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)]
    : [0, 1, 0, 1];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-9),
    spanY = Math.max(maxLat - minLat, 1e-9);
  const scale = Math.min((mapW - 2 * pad) / spanX, (mapH - 2 * pad) / spanY);
  const drawnH = spanY * scale + 2 * pad;
  const offsetX = (width - spanX * scale) / 2;
  const project = ([lon, lat]: number[]): [number, number] => [
    offsetX + (lon - minLon) * k * scale,
    top + pad + (maxLat - lat) * scale,
  ];
  const byCode = new Map(d.areas.map((a) => [a.code, a]));
  const paths = regions.map((r) => {
    const area = byCode.get(r.value.AREACD);
    const ratio = area?.ratio ?? null;
    const fill = ratio === null ? NO_DATA : DIVERGING[ratioClass(ratio)];
    const segments = r.polygons.flatMap((polygon) =>
      polygon.map((ring) => {
        const kept: [number, number][] = [];
        for (const p of ring.map(project)) {
          const last = kept[kept.length - 1];
          if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= 0.7) kept.push(p);
        }
        return kept.length >= 3 ? `M${kept.map(([x, y]) => `${r1(x)} ${r1(y)}`).join('L')}Z` : '';
      }),
    );
    const label = `${r.value.AREANM}: ${ratio === null ? (area?.note ?? d.noRatio) : figure(ratio)}`;
    return `<path d="${segments.join('')}" fill="${fill}" fill-rule="evenodd" stroke="#0b0c0c" stroke-width="0.6"><title>${escapeHtml(label)}</title></path>`;
  });
  // The legend: one swatch per class, then "no ratio".
  const legendY = top + drawnH + 12;
  const swatch = 52;
  const labels = [
    `< ${RATIO_EDGES[0]}`,
    ...RATIO_EDGES.slice(1).map((e, i) => `${RATIO_EDGES[i]}–${e}`),
    `≥ ${RATIO_EDGES[RATIO_EDGES.length - 1]}`,
  ];
  const legend = [
    `<text x="10" y="${r1(legendY - 2)}" font-size="8">${escapeHtml(d.measure)}</text>`,
    ...DIVERGING.map(
      (c, i) =>
        `<rect x="${10 + i * swatch}" y="${r1(legendY + 4)}" width="${swatch - 4}" height="12" fill="${c}" stroke="#0b0c0c" stroke-width="0.5"/><text x="${10 + i * swatch + (swatch - 4) / 2}" y="${r1(legendY + 28)}" font-size="8" text-anchor="middle">${escapeHtml(labels[i])}</text>`,
    ),
    `<rect x="${10 + 7 * swatch}" y="${r1(legendY + 4)}" width="${swatch - 4}" height="12" fill="${NO_DATA}" stroke="#0b0c0c" stroke-width="0.5"/><text x="${10 + 7 * swatch + (swatch - 4) / 2}" y="${r1(legendY + 28)}" font-size="8" text-anchor="middle">${escapeHtml(d.noRatio)}</text>`,
  ];
  const height = Math.ceil(legendY + 40);
  const shown = d.areas.filter((a) => a.ratio !== null);
  const description = `${d.measure} by local authority. ${
    shown.length ? shown.map((a) => `${a.name} ${figure(a.ratio)}`).join('; ') : 'No local authority has a ratio'
  }${
    d.areas.length > shown.length
      ? `; ${d.noRatio}: ${d.areas
          .filter((a) => a.ratio === null)
          .map((a) => a.name)
          .join(', ')}`
      : ''
  }.`;
  const id = d.id ?? chartId(d.title);
  const body = [
    `<text x="0" y="14" font-size="11" font-weight="bold">${escapeHtml(d.title)}</text>`,
    `<g>${paths.join('\n')}</g>`,
    ...legend,
  ].join('\n');
  return {
    id,
    title: d.title,
    description,
    svg: svgDocument(id, { title: d.title, description, width, height }, body),
    table: {
      caption: d.title,
      head: d.headings,
      numeric: [false, false, true, true, true, false],
      rows: d.areas.map((a) => [
        a.name,
        a.code,
        figure(a.ratio),
        figure(a.lower ?? null),
        figure(a.upper ?? null),
        a.ratio === null ? (a.note ?? d.noRatio) : '',
      ]),
    },
  };
}
