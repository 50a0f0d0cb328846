/**
 * Charts as plain shapes in points, so one drawing serves both the HTML pack (inline SVG) and the PDF (pdfkit):
 * the two can never disagree about what a chart shows.
 */
export type Shape =
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; color: string; width: number; dashed?: boolean }
  | { kind: 'polyline'; points: [number, number][]; color: string; width: number; dash?: number[] }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: string }
  | { kind: 'polygon'; points: [number, number][]; fill: string }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      anchor: 'start' | 'middle' | 'end';
      color?: string;
      bold?: boolean;
    };

export interface Chart {
  title: string;
  /** Says in words what the chart shows, for screen readers and for the record. */
  description: string;
  width: number;
  height: number;
  shapes: Shape[];
}

/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const AXIS = '#444444';
const GRID = '#DDDDDD';

/** Round axis steps: 1, 2, 5 × 10^n. */
function niceStep(max: number, ticks: number): number {
  const raw = Math.max(max, 1) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 2 : 1);
}

/** Dash patterns (in points) told apart in print and by those who cannot tell the colours apart; [] is solid. */
export const DASHES: number[][] = [[], [6, 3], [1.5, 2], [7, 2, 1.5, 2], [3, 3], [10, 3], [1.5, 2, 1.5, 5]];

/** Marker outlines, one per series, so coinciding points stay distinguishable: circle, square, triangles, diamond… */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross', 'hexagon'] as const;

export function markerShape(marker: (typeof MARKERS)[number], cx: number, cy: number, r: number, fill: string): Shape {
  const around = (n: number, start: number, radius = r) =>
    Array.from(
      { length: n },
      (_, i) =>
        [
          cx + radius * Math.cos(start + (2 * Math.PI * i) / n),
          cy + radius * Math.sin(start + (2 * Math.PI * i) / n),
        ] as [number, number],
    );
  switch (marker) {
    case 'circle':
      return { kind: 'circle', cx, cy, r, fill };
    case 'square':
      return { kind: 'rect', x: cx - r * 0.85, y: cy - r * 0.85, w: r * 1.7, h: r * 1.7, fill };
    case 'triangle':
      return { kind: 'polygon', points: around(3, -Math.PI / 2, r * 1.2), fill };
    case 'diamond':
      return { kind: 'polygon', points: around(4, -Math.PI / 2, r * 1.15), fill };
    case 'triangle-down':
      return { kind: 'polygon', points: around(3, Math.PI / 2, r * 1.2), fill };
    case 'hexagon':
      return { kind: 'polygon', points: around(6, 0), fill };
    case 'cross': {
      const a = r * 0.35,
        b = r * 1.1;
      const pts: [number, number][] = [
        [-a, -b],
        [a, -b],
        [a, -a],
        [b, -a],
        [b, a],
        [a, a],
        [a, b],
        [-a, b],
        [-a, a],
        [-b, a],
        [-b, -a],
        [-a, -a],
      ];
      return { kind: 'polygon', points: pts.map(([x, y]) => [cx + x, cy + y]), fill };
    }
  }
}

/**
 * The k-th entry of a line chart's legend, two to a row below the plot from (x, top): a short stroke in the series'
 * colour and dash with its marker, then its label.
 */
export function legendEntry(
  k: number,
  x: number,
  top: number,
  label: string,
  color: string,
  dash: number[],
  marker: (typeof MARKERS)[number],
): Shape[] {
  const y = top + Math.floor(k / 2) * 14;
  return [
    {
      kind: 'polyline',
      points: [
        [x, y - 3],
        [x + 22, y - 3],
      ],
      color,
      width: 1.5,
      ...(dash.length ? { dash } : {}),
    },
    markerShape(marker, x + 11, y - 3, 2.4, color),
    { kind: 'text', x: x + 27, y, text: label, size: 8, anchor: 'start' },
  ];
}

/**
 * How far to lift each series' point off its true height where several series have the same value at a quarter,
 * so that no line hides another: the coinciding ones are fanned out `gap` points apart around the true value, or
 * above it at zero (nothing is drawn below the axis). A shift far below one unit of the axis; the table beside the
 * chart carries the figures.
 */
export function coincidenceOffsets(values: readonly number[], gap: number): number[] {
  const offsets = values.map(() => 0);
  const groups = new Map<number, number[]>();
  values.forEach((v, k) => groups.set(v, [...(groups.get(v) ?? []), k]));
  for (const [value, members] of groups)
    members.forEach((k, j) => (offsets[k] = (value === 0 ? j : j - (members.length - 1) / 2) * gap));
  return offsets;
}

/**
 * Counts of the followed themes quarter by quarter: one line per theme, each with its own colour (Okabe–Ito), dash
 * pattern and marker, fanned out slightly where lines coincide; a legend beneath shows each line's sample.
 */
export function themesOverTimeChart(
  quarters: readonly string[],
  themes: readonly { code: string; label: string }[],
  series: readonly { quarter: string; counts: Record<string, number> }[],
): Chart {
  const width = 500;
  const left = 40,
    right = 15,
    top = 30,
    plotH = 170;
  const legendRows = Math.ceil(themes.length / 2);
  const height = top + plotH + 40 + legendRows * 14 + 10;
  const shapes: Shape[] = [
    { kind: 'text', x: 0, y: 14, text: 'Themes over time (tags per quarter)', size: 11, anchor: 'start', bold: true },
  ];
  const max = Math.max(0, ...series.flatMap((s) => themes.map((t) => s.counts[t.code] ?? 0)));
  const step = niceStep(max, 4);
  const top_ = Math.max(step * Math.ceil(max / step), step);
  const plotW = width - left - right;
  const x = (i: number) => left + (quarters.length === 1 ? plotW / 2 : (i * plotW) / (quarters.length - 1));
  const y = (v: number) => top + plotH - (v / top_) * plotH;
  for (let v = 0; v <= top_ + 1e-9; v += step) {
    shapes.push({ kind: 'line', x1: left, y1: y(v), x2: width - right, y2: y(v), color: GRID, width: 0.5 });
    shapes.push({ kind: 'text', x: left - 4, y: y(v) + 3, text: fmt(v), size: 7, anchor: 'end', color: AXIS });
  }
  shapes.push({ kind: 'line', x1: left, y1: top + plotH, x2: width - right, y2: top + plotH, color: AXIS, width: 0.8 });
  quarters.forEach((q, i) =>
    shapes.push({ kind: 'text', x: x(i), y: top + plotH + 13, text: q, size: 7, anchor: 'middle', color: AXIS }),
  );
  if (!themes.length)
    shapes.push({
      kind: 'text',
      x: left + plotW / 2,
      y: top + plotH / 2,
      text: 'No themes were tagged in these quarters',
      size: 9,
      anchor: 'middle',
      color: AXIS,
    });
  const offsets = series.map((s) =>
    coincidenceOffsets(
      themes.map((t) => s.counts[t.code] ?? 0),
      2.2,
    ),
  );
  themes.forEach((t, k) => {
    const color = PALETTE[k % PALETTE.length];
    const dash = DASHES[k % DASHES.length];
    const marker = MARKERS[k % MARKERS.length];
    const points = series.map((s, i) => [x(i), y(s.counts[t.code] ?? 0) - offsets[i][k]] as [number, number]);
    shapes.push({ kind: 'polyline', points, color, width: 1.3, ...(dash.length ? { dash } : {}) });
    for (const [cx, cy] of points) shapes.push(markerShape(marker, cx, cy, 2.4, color));
    shapes.push(...legendEntry(k, left + (k % 2) * (plotW / 2), top + plotH + 30, t.label, color, dash, marker));
  });
  const description = themes.length
    ? `Tags per quarter from ${quarters[0]} to ${quarters[quarters.length - 1]} for: ${themes.map((t) => `${t.label} (${series.map((s) => s.counts[t.code] ?? 0).join(', ')})`).join('; ')}.`
    : 'No themes were tagged in these quarters.';
  return { title: 'Themes over time', description, width, height, shapes };
}

export interface RatioRow {
  label: string;
  ratio: number | null;
  lower: number | null;
  upper: number | null;
  significant: boolean;
  note?: string;
}

/**
 * Rate ratios with their 95% intervals on a log scale (a forest plot), a dashed line at 1 (parity with the
 * comparator). Rows without a ratio (no searches, suppressed) say why instead.
 */
export function rateRatioChart(title: string, subtitle: string, rows: readonly RatioRow[]): Chart {
  const width = 500;
  const labelW = 150,
    right = 90,
    top = 46,
    rowH = 20;
  const height = top + rows.length * rowH + 30;
  const shown = rows.filter((r) => r.ratio !== null && r.ratio > 0);
  const values = shown
    .flatMap((r) => [r.ratio!, r.lower ?? r.ratio!, r.upper ?? r.ratio!])
    .filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(0.5, ...values),
    hi = Math.max(2, ...values);
  const decades = { min: Math.floor(Math.log2(lo)), max: Math.ceil(Math.log2(hi)) };
  const plotW = width - labelW - right;
  const x = (v: number) => labelW + ((Math.log2(v) - decades.min) / (decades.max - decades.min)) * plotW;
  const shapes: Shape[] = [
    { kind: 'text', x: 0, y: 14, text: title, size: 11, anchor: 'start', bold: true },
    { kind: 'text', x: 0, y: 28, text: subtitle, size: 8, anchor: 'start', color: AXIS },
  ];
  const bottom = top + rows.length * rowH;
  for (let e = decades.min; e <= decades.max; e++) {
    const v = 2 ** e;
    shapes.push({ kind: 'line', x1: x(v), y1: top - 6, x2: x(v), y2: bottom, color: GRID, width: 0.5 });
    shapes.push({ kind: 'text', x: x(v), y: bottom + 12, text: fmt(v), size: 7, anchor: 'middle', color: AXIS });
  }
  shapes.push({ kind: 'line', x1: x(1), y1: top - 6, x2: x(1), y2: bottom, color: AXIS, width: 0.8, dashed: true });
  shapes.push({
    kind: 'text',
    x: labelW + plotW / 2,
    y: bottom + 24,
    text: 'Rate ratio (log scale); 1 = same rate as the comparator',
    size: 7,
    anchor: 'middle',
    color: AXIS,
  });
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    shapes.push({ kind: 'text', x: labelW - 8, y: cy + 3, text: r.label, size: 8, anchor: 'end' });
    if (r.ratio === null || r.ratio <= 0) {
      shapes.push({
        kind: 'text',
        x: width - right + 4,
        y: cy + 3,
        text: r.note ?? 'no ratio',
        size: 7,
        anchor: 'start',
        color: AXIS,
      });
      return;
    }
    const color = r.significant ? PALETTE[1] : PALETTE[0];
    if (r.lower !== null && r.upper !== null && r.lower > 0)
      shapes.push({
        kind: 'line',
        x1: x(Math.max(r.lower, 2 ** decades.min)),
        y1: cy,
        x2: x(Math.min(r.upper, 2 ** decades.max)),
        y2: cy,
        color,
        width: 1.5,
      });
    shapes.push({ kind: 'rect', x: x(r.ratio) - 3, y: cy - 3, w: 6, h: 6, fill: color });
    const ci = r.lower !== null && r.upper !== null ? ` (${fmt(r.lower)}-${fmt(r.upper)})` : '';
    shapes.push({
      kind: 'text',
      x: width - right + 4,
      y: cy + 3,
      text: `${fmt(r.ratio)}${ci}`,
      size: 7,
      anchor: 'start',
    });
  });
  const description = rows
    .map((r) =>
      r.ratio === null
        ? `${r.label}: ${r.note ?? 'no ratio'}`
        : `${r.label}: ${fmt(r.ratio)}${r.lower !== null ? ` (95% CI ${fmt(r.lower)} to ${fmt(r.upper!)})` : ''}${r.significant ? ', significant' : ''}`,
    )
    .join('; ');
  return { title, description: `${title}, ${subtitle}. ${description}.`, width, height, shapes };
}
