import type { QuarterlyReview } from '../quarterly-review.service';
import { rateRatioChart, themesOverTimeChart, type Chart, type RatioRow } from './charts';
import { renderHtml } from './html';
import { renderPdf } from './pdf';
import { reportTables, tableCsv, WITHHELD, type PackLabels } from './tables';

export interface RenderedPack {
  html: string;
  pdf: Buffer;
  /** Each table as CSV text, by file name (without .csv). */
  csv: Record<string, string>;
}

const KIND_TITLE: Record<string, string> = {
  'stop-search': 'Stop and search',
  'strip-search': 'Searches removing more than outer clothing',
  'use-of-force': 'Use of force',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The charts of a review: themes over time, and a forest plot of rate ratios for each key measure. */
export function packCharts(review: QuarterlyReview): Chart[] {
  const { quarters, themes, series } = review.themesOverTime;
  const charts = [themesOverTimeChart(quarters, themes, series)];
  for (const k of review.disproportionality.keyRatios) {
    const rows: RatioRow[] = k.groups
      .filter((g) => g.group !== k.comparator.toLowerCase())
      .map((g) => ({
        label: capital(g.group),
        ratio: g.rateRatio,
        lower: g.ci95?.lower ?? null,
        upper: g.ci95?.upper ?? null,
        significant: g.significant,
        note: g.count === null ? `${WITHHELD} withheld (under 10)` : g.count === 0 ? 'none recorded' : 'no ratio',
      }));
    const { area, months } = review.disproportionality;
    charts.push(
      rateRatioChart(
        `${KIND_TITLE[k.kind] ?? k.kind}: rate ratio to ${k.comparator}`,
        `${k.basis}-defined ethnicity, ${area?.name ?? ''}, ${months.from} to ${months.to}; orange: significant at 95%`,
        rows,
      ),
    );
  }
  return charts;
}

/**
 * Renders a review into its pack: HTML and PDF from the same tables and charts, and a CSV of every table. `labels`
 * names themes the review mentions without a label (by area, concerns, referrals); without it they are put in words.
 */
export async function renderPack(
  review: QuarterlyReview,
  generatedAt: Date,
  options: { compress?: boolean; labels?: PackLabels } = {},
): Promise<RenderedPack> {
  const tables = reportTables(review, options.labels);
  const charts = packCharts(review);
  return {
    html: renderHtml(review, tables, charts, generatedAt),
    pdf: await renderPdf(review, tables, charts, generatedAt, options),
    csv: Object.fromEntries(tables.map((t) => [t.name, tableCsv(t)])),
  };
}
