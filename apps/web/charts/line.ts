import { coincidenceOffsets, DASHES, legendEntry, markerShape, MARKERS, PALETTE, type Shape } from '@scrutiny/themes';
import { chartId, figure, shapesSvg, type ChartFigure } from './chart';

export interface LineChartDescription {
  title: string;
  /** The x axis: one label per period, in order. */
  periods: readonly string[];
  /** One line per series; a null value (withheld, no rate) breaks the line there. */
  series: readonly { label: string; values: readonly (number | null)[] }[];
  /** What the y axis measures, e.g. "Searches per 1,000 people". */
  measure: string;
  /** Heading of the table's first column (the period). */
  periodHeading: string;
  id?: string;
}

const AXIS = '#444444';
const GRID = '#DDDDDD';

function niceStep(max: number, ticks: number): number {
  const raw = Math.max(max, Number.EPSILON) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
}

/**
 * Values over time, one line per series told apart by colour (Okabe–Ito), dash pattern and marker as the pack's
 * themes chart does; coinciding points are fanned out a little so no line hides another. The table beside it holds
 * the exact figures.
 */
export function lineChart(d: LineChartDescription): ChartFigure {
  const width = 520;
  const left = 48,
    right = 15,
    top = 30,
    plotH = 180;
  const legendRows = Math.ceil(d.series.length / 2);
  const height = top + plotH + 40 + legendRows * 14 + 10;
  const plotW = width - left - right;
  const all = d.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(0, ...all);
  const step = max > 0 ? niceStep(max, 4) : 1;
  const yTop = Math.max(step * Math.ceil(max / step), step);
  const x = (i: number) => left + (d.periods.length <= 1 ? plotW / 2 : (i * plotW) / (d.periods.length - 1));
  const y = (v: number) => top + plotH - (v / yTop) * plotH;
  const shapes: Shape[] = [
    { kind: 'text', x: 0, y: 14, text: d.title, size: 11, anchor: 'start', bold: true },
    { kind: 'text', x: left, y: top - 6, text: d.measure, size: 7, anchor: 'start', color: AXIS },
  ];
  for (let v = 0; v <= yTop + 1e-9; v += step) {
    shapes.push({ kind: 'line', x1: left, y1: y(v), x2: width - right, y2: y(v), color: GRID, width: 0.5 });
    shapes.push({ kind: 'text', x: left - 4, y: y(v) + 3, text: figure(v), size: 7, anchor: 'end', color: AXIS });
  }
  shapes.push({ kind: 'line', x1: left, y1: top + plotH, x2: width - right, y2: top + plotH, color: AXIS, width: 0.8 });
  // Label at most ~12 periods so the labels never overlap; the table lists every one.
  const every = Math.max(1, Math.ceil(d.periods.length / 12));
  d.periods.forEach((p, i) => {
    if (i % every === 0)
      shapes.push({ kind: 'text', x: x(i), y: top + plotH + 13, text: p, size: 7, anchor: 'middle', color: AXIS });
  });
  const offsets = d.periods.map((_, i) =>
    coincidenceOffsets(
      d.series.map((s) => s.values[i] ?? -1),
      2.2,
    ),
  );
  d.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const dash = DASHES[k % DASHES.length];
    const marker = MARKERS[k % MARKERS.length];
    let run: [number, number][] = [];
    const flush = () => {
      if (run.length > 1)
        shapes.push({ kind: 'polyline', points: run, color, width: 1.3, ...(dash.length ? { dash } : {}) });
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return flush();
      const point: [number, number] = [x(i), y(v) - offsets[i][k]];
      run.push(point);
      shapes.push(markerShape(marker, point[0], point[1], 2.4, color));
    });
    flush();
    shapes.push(...legendEntry(k, left + (k % 2) * (plotW / 2), top + plotH + 30, s.label, color, dash, marker));
  });
  const description = d.series.length
    ? `${d.measure}, ${d.periods[0] ?? ''} to ${d.periods[d.periods.length - 1] ?? ''}: ${d.series
        .map((s) => `${s.label} (${s.values.map((v) => (v === null ? 'none' : figure(v))).join(', ')})`)
        .join('; ')}.`
    : `${d.measure}: no figures.`;
  const id = d.id ?? chartId(d.title);
  const chart = { title: d.title, description, width, height, shapes };
  return {
    id,
    title: d.title,
    description,
    svg: shapesSvg(id, chart),
    table: {
      caption: d.title,
      head: [d.periodHeading, ...d.series.map((s) => s.label)],
      numeric: [false, ...d.series.map(() => true)],
      rows: d.periods.map((p, i) => [p, ...d.series.map((s) => figure(s.values[i]))]),
    },
  };
}
