import { funnelLimits } from '@scrutiny/statistics';
import { markerShape, PALETTE, type Shape } from '@scrutiny/themes';
import { chartId, figure, shapesSvg, type ChartFigure } from './chart';

export interface FunnelUnit {
  unit: string;
  searches: number;
  share: number;
  outside95: boolean;
  outside998: boolean;
}

export interface FunnelPlotDescription {
  title: string;
  /** The share across all units, the centre line. */
  benchmark: number;
  units: readonly FunnelUnit[];
  /** Headings: unit, searches, share, outside 95%, outside 99.8%; and the words for yes and no. */
  headings: [string, string, string, string, string];
  yesNo: [string, string];
  id?: string;
}

const AXIS = '#444444';
const GRID = '#DDDDDD';
const Z998 = 3.090232306167813;

/**
 * Each unit's share of a group against its number of searches, with the 95% (dashed) and 99.8% (dotted) control
 * limits about the force's share: units outside the 99.8% limits are drawn as orange squares, others as blue circles
 * (shape as well as colour).
 */
export function funnelPlot(d: FunnelPlotDescription): ChartFigure {
  const width = 520,
    left = 48,
    right = 15,
    top = 30,
    plotH = 220;
  const height = top + plotH + 44;
  const plotW = width - left - right;
  const maxN = Math.max(10, ...d.units.map((u) => u.searches)) * 1.05;
  const yMax = Math.min(1, Math.max(d.benchmark * 2, ...d.units.map((u) => u.share), 0.1) * 1.1);
  const x = (n: number) => left + (n / maxN) * plotW;
  const y = (p: number) => top + plotH - (Math.min(p, yMax) / yMax) * plotH;
  const shapes: Shape[] = [{ kind: 'text', x: 0, y: 14, text: d.title, size: 11, anchor: 'start', bold: true }];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    shapes.push({ kind: 'line', x1: left, y1: y(v), x2: width - right, y2: y(v), color: GRID, width: 0.5 });
    shapes.push({
      kind: 'text',
      x: left - 4,
      y: y(v) + 3,
      text: `${Math.round(v * 100)}%`,
      size: 7,
      anchor: 'end',
      color: AXIS,
    });
  }
  for (let i = 0; i <= 4; i++) {
    const n = Math.round((maxN * i) / 4);
    shapes.push({
      kind: 'text',
      x: x(n),
      y: top + plotH + 13,
      text: String(n),
      size: 7,
      anchor: 'middle',
      color: AXIS,
    });
  }
  shapes.push({ kind: 'line', x1: left, y1: top + plotH, x2: width - right, y2: top + plotH, color: AXIS, width: 0.8 });
  shapes.push({
    kind: 'line',
    x1: left,
    y1: y(d.benchmark),
    x2: width - right,
    y2: y(d.benchmark),
    color: AXIS,
    width: 1,
  });
  const steps = 60;
  for (const [z, dash] of [
    [1.959963984540054, [5, 3]],
    [Z998, [1.5, 2]],
  ] as const) {
    const ns = Array.from({ length: steps }, (_, i) => Math.max(1, (maxN * (i + 1)) / steps));
    for (const side of ['lower', 'upper'] as const)
      shapes.push({
        kind: 'polyline',
        points: ns.map((n) => [x(n), y(funnelLimits(d.benchmark, n, z)[side])] as [number, number]),
        color: AXIS,
        width: 0.8,
        dash: [...dash],
      });
  }
  for (const u of d.units)
    shapes.push(
      u.outside998
        ? markerShape('square', x(u.searches), y(u.share), 3, PALETTE[1])
        : markerShape('circle', x(u.searches), y(u.share), 2.6, PALETTE[0]),
    );
  shapes.push({
    kind: 'text',
    x: left + plotW / 2,
    y: top + plotH + 28,
    text: 'Searches (x) and share of the group (y); dashed 95%, dotted 99.8% limits',
    size: 7,
    anchor: 'middle',
    color: AXIS,
  });
  const outside = d.units.filter((u) => u.outside998);
  const description = `${d.units.length} units against a share of ${figure(d.benchmark * 100)}%; ${
    outside.length
      ? `outside the 99.8% limits: ${outside.map((u) => u.unit).join(', ')}`
      : 'none outside the 99.8% limits'
  }.`;
  const id = d.id ?? chartId(d.title);
  return {
    id,
    title: d.title,
    description,
    svg: shapesSvg(id, { title: d.title, description, width, height, shapes }),
    table: {
      caption: d.title,
      head: d.headings,
      numeric: [false, true, true, false, false],
      rows: d.units.map((u) => [
        u.unit,
        String(u.searches),
        `${figure(u.share * 100)}%`,
        u.outside95 ? d.yesNo[0] : d.yesNo[1],
        u.outside998 ? d.yesNo[0] : d.yesNo[1],
      ]),
    },
  };
}
