import { escapeHtml, shapeSvg, type Chart } from '@scrutiny/themes';

/** The figures a chart draws, as a table shown beside it (GOV.UK table): the chart is never the only way to read them. */
export interface ChartTable {
  caption: string;
  head: string[];
  rows: string[][];
  /** Per column: right-aligned figures. */
  numeric: boolean[];
}

/** A chart ready for a page: the accessible SVG markup (escaped here) and its table. */
export interface ChartFigure {
  id: string;
  title: string;
  description: string;
  svg: string;
  table: ChartTable;
}

/** An id safe in an HTML id attribute and a URL fragment. */
export function chartId(text: string): string {
  return `chart-${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
}

/**
 * The outer SVG of every chart: role="img" named by its own <title> and described by its <desc> (aria-labelledby,
 * which screen readers announce more reliably than the bare elements), scaled by CSS to the column it sits in.
 */
export function svgDocument(
  id: string,
  chart: Pick<Chart, 'title' | 'description' | 'width' | 'height'>,
  body: string,
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__svg" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" height="${chart.height}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false" font-family="Helvetica, Arial, sans-serif">`,
    `<title id="${id}-title">${escapeHtml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeHtml(chart.description)}</desc>`,
    body,
    '</svg>',
  ].join('\n');
}

/** A chart drawn from the report pack's shapes (the same drawing the PDF and the HTML pack use). */
export function shapesSvg(id: string, chart: Chart): string {
  return svgDocument(id, chart, chart.shapes.map(shapeSvg).join('\n'));
}

/** Figures as the tables beside the charts show them: up to three significant figures, blank for none. */
export function figure(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
}
