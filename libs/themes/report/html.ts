import type { QuarterlyReview } from '../quarterly-review.service';
import type { Chart, Shape } from './charts';
import { headingOf, printedCell, printedColumns, type ReportTable } from './tables';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const n = (v: number) => Math.round(v * 100) / 100;

/** One shape as SVG markup (text escaped): shared with the web workspace's charts. */
export function shapeSvg(s: Shape): string {
  switch (s.kind) {
    case 'line':
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.color}" stroke-width="${s.width}"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
    case 'polyline':
      return `<polyline points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.width}"${s.dash?.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}/>`;
    case 'polygon':
      return `<polygon points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="${s.fill}"/>`;
    case 'rect':
      return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"/>`;
    case 'circle':
      return `<circle cx="${n(s.cx)}" cy="${n(s.cy)}" r="${s.r}" fill="${s.fill}"/>`;
    case 'text':
      return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${s.size}" text-anchor="${s.anchor}"${s.color ? ` fill="${s.color}"` : ''}${s.bold ? ' font-weight="bold"' : ''}>${escapeHtml(s.text)}</text>`;
  }
}

export function chartSvg(chart: Chart): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" height="${chart.height}" role="img" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeHtml(chart.title)}</title><desc>${escapeHtml(chart.description)}</desc>`,
    ...chart.shapes.map(shapeSvg),
    '</svg>',
  ].join('\n');
}

function tableHtml(table: ReportTable): string {
  const columns = printedColumns(table);
  const head = columns.map(({ column }) => `<th scope="col">${escapeHtml(headingOf(column))}</th>`).join('');
  const body = table.rows.length
    ? table.rows
        .map(
          (r) =>
            `<tr>${columns
              .map(({ index }) => {
                const c = r[index] ?? null;
                return `<td${typeof c === 'number' ? ' class="num"' : ''}>${escapeHtml(printedCell(c))}</td>`;
              })
              .join('')}</tr>`,
        )
        .join('\n')
    : `<tr><td colspan="${columns.length}" class="empty">None this quarter</td></tr>`;
  const notes = (table.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<section id="${table.name}"><h2>${escapeHtml(table.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${notes}<p class="csv">CSV: ${table.name}.csv</p></section>`;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; font-size: 10pt; color: #111; max-width: 190mm; margin: 12mm auto; }
h1 { font-size: 18pt; margin-bottom: 2mm; } h2 { font-size: 12pt; margin-top: 8mm; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 2px 4px; text-align: left; vertical-align: top; }
th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; } td.empty { color: #666; font-style: italic; }
figure { margin: 6mm 0; page-break-inside: avoid; } figcaption { font-size: 8pt; color: #444; }
.meta, .csv, .note { color: #555; font-size: 8pt; } .restricted { border: 2px solid #900; padding: 2mm; font-weight: bold; }
@media print { section { page-break-inside: avoid; } }`;

/** The printable report: headline, charts (inline SVG, no external files), then every table. */
export function renderHtml(review: QuarterlyReview, tables: ReportTable[], charts: Chart[], generatedAt: Date): string {
  const all = review.ratings.find((r) => r.source === 'all');
  const scope = review.force ? review.force.name : 'all forces';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Quarterly themes review ${escapeHtml(review.quarter)}</title><style>${STYLE}</style></head>
<body>
<p class="restricted">OFFICIAL-SENSITIVE: professional standards. Contains officer-level repeat concerns; do not share outside the review.</p>
<h1>Quarterly themes review: ${escapeHtml(review.quarter)}</h1>
<p class="meta">${escapeHtml(scope)} · ${escapeHtml(review.from)} to ${escapeHtml(review.to)} (Europe/London; up to, not including, the second date) · compared with ${escapeHtml(review.comparedWith.previousQuarter)} and ${escapeHtml(review.comparedWith.sameQuarterLastYear)} · generated ${escapeHtml(generatedAt.toISOString())}</p>
<p>${all?.ratings ?? 0} ratings this quarter (supervisor reviews and panel findings): ${all?.green ?? 0} green, ${all?.amber ?? 0} amber, ${all?.red ?? 0} red.
${review.repeatConcerns ? `${review.repeatConcerns.officers.length} officer(s) and ${review.repeatConcerns.teams.length} team(s) are repeat concerns.` : ''}
${review.referrals.count} referral(s) to professional standards; ${review.actions.total} action(s) tracked, ${review.actions.overdue} overdue.</p>
${charts.map((c) => `<figure>${chartSvg(c)}<figcaption>${escapeHtml(c.description)}</figcaption></figure>`).join('\n')}
${tables.map(tableHtml).join('\n')}
</body></html>
`;
}
