/**
 * Charts as plain shapes in points, so one drawing serves both the HTML pack (inline SVG) and the PDF (pdfkit):
 * the two can never disagree about what a chart shows.
 */
export type Shape =
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; color: string; width: number; dashed?: boolean }
  | { kind: 'polyline'; points: [number, number][]; color: string; width: number }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: string }
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

/** Counts of the followed themes quarter by quarter: one line per theme, a legend beneath. */
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
    shapes.push({ kind: 'text', x: x(i), y: top + plotH + 12, text: q, size: 7, anchor: 'middle', color: AXIS }),
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
  themes.forEach((t, k) => {
    const color = PALETTE[k % PALETTE.length];
    const points = series.map((s, i) => [x(i), y(s.counts[t.code] ?? 0)] as [number, number]);
    shapes.push({ kind: 'polyline', points, color, width: 1.5 });
    for (const [cx, cy] of points) shapes.push({ kind: 'circle', cx, cy, r: 2, fill: color });
    const lx = left + (k % 2) * (plotW / 2);
    const ly = top + plotH + 30 + Math.floor(k / 2) * 14;
    shapes.push({ kind: 'rect', x: lx, y: ly - 6, w: 10, h: 6, fill: color });
    shapes.push({ kind: 'text', x: lx + 14, y: ly, text: t.label, size: 8, anchor: 'start' });
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
