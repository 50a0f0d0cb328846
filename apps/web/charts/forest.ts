import { rateRatioChart, type RatioRow } from '@scrutiny/themes';
import { chartId, figure, shapesSvg, type ChartFigure } from './chart';

export interface ForestPlotDescription {
  title: string;
  subtitle: string;
  rows: readonly RatioRow[];
  /** Column headings of the table beside the plot: group, ratio, lower, upper, significant, note. */
  headings: [string, string, string, string, string, string];
  /** Words for yes and no in the significant column. */
  yesNo: [string, string];
  id?: string;
}

/** Rate ratios with their 95% intervals on a log scale, a dashed line at parity: the report pack's forest plot. */
export function forestPlot(d: ForestPlotDescription): ChartFigure {
  const chart = rateRatioChart(d.title, d.subtitle, d.rows);
  const id = d.id ?? chartId(d.title);
  return {
    id,
    title: chart.title,
    description: chart.description,
    svg: shapesSvg(id, chart),
    table: {
      caption: d.title,
      head: d.headings,
      numeric: [false, true, true, true, false, false],
      rows: d.rows.map((r) => [
        r.label,
        figure(r.ratio),
        figure(r.lower),
        figure(r.upper),
        r.ratio === null ? '' : r.significant ? d.yesNo[0] : d.yesNo[1],
        r.ratio === null ? (r.note ?? '') : '',
      ]),
    },
  };
}
