import type { RatioRow } from '@scrutiny/themes';
import type { OutcomesView, RatesView, TrendsView } from '@scrutiny/statistics';
import {
  choropleth,
  figure,
  forestPlot,
  funnelPlot,
  lineChart,
  type AreaValue,
  type ChartFigure,
  type FunnelUnit,
} from '../charts';
import { groupWords } from './explorer.query';

/** A table of the page (and its CSV): headings and cells as shown. */
export interface PageTable {
  name: string;
  caption: string;
  head: string[];
  rows: string[][];
  numeric: boolean[];
}

type T = (key: string, params?: Record<string, string | number>) => string;

const interval = (ci: { lower: number; upper: number } | null | undefined) =>
  ci ? `${figure(ci.lower)} – ${figure(ci.upper)}` : '';

/** Why a group has no figure, in words: withheld under the disclosure rule, or the service's reason. */
function noteOf(g: { suppressed?: boolean; reason?: string | null; count?: number | null }, t: T): string {
  if (g.suppressed) return t('explorer.notes.withheld');
  return g.reason ?? '';
}

/** Rates and ratios: the table of every figure, and the forest plot of the ratios against the comparator. */
export function ratesFigures(rates: RatesView, t: T): { table: PageTable; forest: ChartFigure } {
  const comparator = rates.query.comparator;
  const table: PageTable = {
    name: 'rates',
    caption: t('explorer.rates.caption', { comparator: rates.comparator }),
    head: ['group', 'count', 'population', 'rate', 'ratio', 'interval', 'significant', 'note'].map((h) =>
      t(`explorer.rates.columns.${h}`),
    ),
    numeric: [false, true, true, true, true, false, false, false],
    rows: rates.groups.map((g) => [
      groupWords(g.group),
      g.count === null ? '' : String(g.count),
      g.population === null ? '' : String(g.population),
      figure(g.ratePer1000),
      g.group === comparator ? t('explorer.rates.comparator') : figure(g.rateRatio),
      interval(g.ci95),
      g.rateRatio === null ? '' : g.significant ? t('common.yes') : t('common.no'),
      noteOf(g, t),
    ]),
  };
  const rows: RatioRow[] = rates.groups
    .filter((g) => g.group !== comparator)
    .map((g) => ({
      label: groupWords(g.group),
      ratio: g.rateRatio,
      lower: g.ci95?.lower ?? null,
      upper: g.ci95?.upper ?? null,
      significant: g.significant,
      note: noteOf(g, t) || t('explorer.notes.noRatio'),
    }));
  const forest = forestPlot({
    id: 'chart-forest',
    title: t('explorer.forest.title', { comparator: rates.comparator }),
    subtitle: `${rates.query.area.name}, ${rates.query.from} – ${rates.query.to}`,
    rows,
    headings: ['group', 'ratio', 'lower', 'upper', 'significant', 'note'].map((h) =>
      t(`explorer.forest.columns.${h}`),
    ) as [string, string, string, string, string, string],
    yesNo: [t('common.yes'), t('common.no')],
  });
  return { table, forest };
}

/** Rates per 1,000 period by period, one line per group. */
export function trendsFigure(trends: TrendsView, t: T): ChartFigure {
  const groups = [...new Set(trends.series.flatMap((s) => s.groups.map((g) => g.group)))];
  return lineChart({
    id: 'chart-trends',
    title: t('explorer.trends.title'),
    periods: trends.series.map((s) => s.period),
    series: groups.map((group) => ({
      label: groupWords(group),
      values: trends.series.map((s) => s.groups.find((g) => g.group === group)?.ratePer1000 ?? null),
    })),
    measure: t('explorer.trends.measure'),
    periodHeading: t('explorer.trends.period'),
  });
}

const MEASURES = ['find', 'positiveOutcome', 'arrest', 'stripSearch'] as const;

/** Outcome rates (find, positive outcome, arrest, strip search) by group, as percentages of the searches recording them. */
export function outcomesTable(outcomes: OutcomesView, t: T): PageTable {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '' : `${figure(v * 100)}%`);
  return {
    name: 'outcomes',
    caption: t('explorer.outcomes.caption'),
    head: [
      t('explorer.outcomes.columns.group'),
      t('explorer.outcomes.columns.searches'),
      ...MEASURES.map((m) => t(`explorer.outcomes.columns.${m}`)),
    ],
    numeric: [false, true, true, true, true, true],
    rows: outcomes.groups.map((g) => [
      groupWords(g.group),
      g.searches === null ? '' : String(g.searches),
      ...MEASURES.map((m) => {
        const measure = g[m];
        return measure.rate === null ? (measure.reason ? t('explorer.notes.none') : '') : pct(measure.rate);
      }),
    ]),
  };
}

export function mapFigure(forceCode: string, measure: string, areas: AreaValue[], t: T): ChartFigure {
  return choropleth({
    id: 'chart-map',
    title: t('explorer.map.title'),
    measure,
    forceCode,
    areas,
    headings: ['area', 'code', 'ratio', 'lower', 'upper', 'note'].map((h) => t(`explorer.map.columns.${h}`)) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ],
    noRatio: t('explorer.notes.noRatio'),
  });
}

export function funnelFigure(group: string, benchmark: number, units: FunnelUnit[], t: T): ChartFigure {
  return funnelPlot({
    id: 'chart-funnel',
    title: t('explorer.funnel.title', { group: groupWords(group) }),
    benchmark,
    units,
    headings: ['unit', 'searches', 'share', 'outside95', 'outside998'].map((h) =>
      t(`explorer.funnel.columns.${h}`),
    ) as [string, string, string, string, string],
    yesNo: [t('common.yes'), t('common.no')],
  });
}

/** A chart's table as a page table (for its CSV). */
export function tableOf(name: string, f: ChartFigure): PageTable {
  return { name, ...f.table };
}
