import type { QuarterlyReview, ReportTable } from '@scrutiny/themes';
import { headingOf, printedCell, printedColumns, themesOverTimeChart, WITHHELD } from '@scrutiny/themes';
import { chartId, forestPlot, shapesSvg, type ChartFigure } from '../charts';
import type { PageTable } from '../explorer/explorer.view';

type T = (key: string, params?: Record<string, string | number>) => string;

const KIND_TITLE: Record<string, string> = {
  'stop-search': 'Stop and search',
  'strip-search': 'Searches removing more than outer clothing',
  'use-of-force': 'Use of force',
};
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A report pack table as a page table: the printed columns and cells, exactly as the PDF and HTML pack print them. */
export function pageTable(table: ReportTable): PageTable {
  const columns = printedColumns(table);
  return {
    name: table.name,
    caption: table.title,
    head: columns.map(({ column }) => headingOf(column)),
    numeric: columns.map(({ index }) => table.rows.some((r) => typeof r[index] === 'number')),
    rows: table.rows.map((r) => columns.map(({ index }) => printedCell(r[index] ?? null))),
  };
}

/**
 * The review's charts as the pack draws them (themes over time from themesOverTimeChart, a forest plot of each key
 * measure's rate ratios from rateRatioChart), each with the table of its figures beside it.
 */
export function reviewCharts(review: QuarterlyReview, t: T): ChartFigure[] {
  const { quarters, themes, series } = review.themesOverTime;
  const overTime = themesOverTimeChart(quarters, themes, series);
  const id = 'chart-themes-over-time';
  const charts: ChartFigure[] = [
    {
      id,
      title: overTime.title,
      description: overTime.description,
      svg: shapesSvg(id, overTime),
      table: {
        caption: overTime.title,
        head: [t('themes.review.quarter'), ...themes.map((th) => th.label)],
        numeric: [false, ...themes.map(() => true)],
        rows: series.map((s) => [s.quarter, ...themes.map((th) => String(s.counts[th.code] ?? 0))]),
      },
    },
  ];
  const { area, months } = review.disproportionality;
  for (const k of review.disproportionality.keyRatios) {
    const title = `${KIND_TITLE[k.kind] ?? k.kind}: rate ratio to ${k.comparator}`;
    charts.push(
      forestPlot({
        id: chartId(`ratios ${k.kind} ${k.basis}`),
        title,
        subtitle: `${k.basis}-defined ethnicity, ${area?.name ?? ''}, ${months.from} to ${months.to}; orange: significant at 95%`,
        rows: k.groups
          .filter((g) => g.group !== k.comparator.toLowerCase())
          .map((g) => ({
            label: capital(g.group),
            ratio: g.rateRatio,
            lower: g.ci95?.lower ?? null,
            upper: g.ci95?.upper ?? null,
            significant: g.significant,
            note: g.count === null ? `${WITHHELD} withheld (under 10)` : g.count === 0 ? 'none recorded' : 'no ratio',
          })),
        headings: ['group', 'ratio', 'lower', 'upper', 'significant', 'note'].map((h) =>
          t(`explorer.forest.columns.${h}`),
        ) as [string, string, string, string, string, string],
        yesNo: [t('common.yes'), t('common.no')],
      }),
    );
  }
  return charts;
}
