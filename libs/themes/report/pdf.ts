import PDFDocument from 'pdfkit';
import type { QuarterlyReview } from '../quarterly-review.service';
import type { Chart } from './charts';
import { printedCell, type ReportTable } from './tables';

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 40;
const PAGE = { width: 595.28, height: 841.89 }; // A4 in points

/** Characters beyond Latin-1 that the standard fonts' WinAnsi encoding still draws (pdfkit maps them). */
const WIN_ANSI_EXTRA = new Set('ƒ–—‘’‚“”„†‡•…€‰‹›ˆ™ŒœŠšŸŽž˜');

/**
 * The standard PDF fonts cover Windows-1252 only: a letter outside it loses its accent (Welsh ŵ becomes w), a few
 * symbols get a plain form, and anything else the font cannot draw becomes "?", rather than garbage.
 */
export function pdfText(text: string): string {
  return text
    .replace(/\u2192/g, '->')
    .replace(/\u2212/g, '-')
    .replace(/[^\t\n\r\x20-\x7E\xA0-\xFF]/gu, (ch) => {
      if (WIN_ANSI_EXTRA.has(ch)) return ch;
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      return base && /^[\x20-\x7E\xA0-\xFF]+$/.test(base) ? base : '?';
    });
}

function drawChart(doc: Doc, chart: Chart, x0: number, y0: number, scale: number): void {
  const X = (x: number) => x0 + x * scale;
  const Y = (y: number) => y0 + y * scale;
  for (const s of chart.shapes) {
    switch (s.kind) {
      case 'line':
        doc
          .save()
          .lineWidth(s.width * scale)
          .strokeColor(s.color);
        if (s.dashed) doc.dash(4 * scale, { space: 3 * scale });
        doc.moveTo(X(s.x1), Y(s.y1)).lineTo(X(s.x2), Y(s.y2)).stroke();
        doc.undash().restore();
        break;
      case 'polyline':
        if (s.points.length < 2) break;
        doc
          .save()
          .lineWidth(s.width * scale)
          .strokeColor(s.color)
          .moveTo(X(s.points[0][0]), Y(s.points[0][1]));
        for (const [x, y] of s.points.slice(1)) doc.lineTo(X(x), Y(y));
        doc.stroke().restore();
        break;
      case 'rect':
        doc
          .save()
          .rect(X(s.x), Y(s.y), s.w * scale, s.h * scale)
          .fill(s.fill)
          .restore();
        break;
      case 'circle':
        doc
          .save()
          .circle(X(s.cx), Y(s.cy), s.r * scale)
          .fill(s.fill)
          .restore();
        break;
      case 'text': {
        const size = s.size * scale;
        doc
          .save()
          .font(s.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(size)
          .fillColor(s.color ?? '#111111');
        const text = pdfText(s.text);
        const w = doc.widthOfString(text);
        const x = s.anchor === 'middle' ? X(s.x) - w / 2 : s.anchor === 'end' ? X(s.x) - w : X(s.x);
        // SVG places text on its baseline; pdfkit at the top of the line box.
        doc.text(text, x, Y(s.y) - size * 0.8, { lineBreak: false });
        doc.restore();
        break;
      }
    }
  }
}

/** Column widths in proportion to their longest cell (within limits), filling the page width. */
function columnWidths(doc: Doc, table: ReportTable, width: number): number[] {
  doc.font('Helvetica').fontSize(7);
  const natural = table.columns.map((c, i) =>
    Math.min(
      180,
      Math.max(
        36,
        ...c.split('_').map((word) => doc.widthOfString(word) + 8),
        ...table.rows.map((r) => doc.widthOfString(pdfText(printedCell(r[i] ?? null))) + 6),
      ),
    ),
  );
  const total = natural.reduce((a, b) => a + b, 0);
  return natural.map((w) => (w / total) * width);
}

/**
 * `text` broken into lines no wider than `width` at the current font: at spaces, and inside a word only when the
 * word alone is wider. Done here rather than by pdfkit so a cell taller than a page can be split across pages.
 */
export function wrapLines(text: string, width: number, widthOf: (s: string) => number): string[] {
  const lines: string[] = [];
  const space = widthOf(' ');
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = '';
    let lineWidth = 0;
    for (let word of paragraph.split(' ')) {
      let w = widthOf(word);
      if (line && lineWidth + space + w <= width) {
        line += ` ${word}`;
        lineWidth += space + w;
        continue;
      }
      if (line) lines.push(line);
      while (w > width && word.length > 1) {
        let n = word.length - 1;
        while (n > 1 && widthOf(word.slice(0, n)) > width) n = Math.max(1, Math.floor(n * 0.9));
        lines.push(word.slice(0, n));
        word = word.slice(n);
        w = widthOf(word);
      }
      line = word;
      lineWidth = w;
    }
    lines.push(line);
  }
  return lines;
}

const TABLE_FONT_SIZE = 7;
const CELL_PAD = 2;

function drawTable(doc: Doc, table: ReportTable): void {
  const width = PAGE.width - 2 * MARGIN;
  const bottom = PAGE.height - MARGIN;
  const widths = columnWidths(doc, table, width);
  doc.font('Helvetica').fontSize(TABLE_FONT_SIZE);
  const lineHeight = doc.currentLineHeight(true);
  const wrapRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(TABLE_FONT_SIZE);
    return cells.map((c, i) => wrapLines(c, widths[i] - 2 * CELL_PAD, (t) => doc.widthOfString(t)));
  };
  const heightOf = (lines: number) => lines * lineHeight + 2 * CELL_PAD;
  /** Draws `count` lines of each cell from line `from`; the row's bottom rule closes it. */
  const drawRow = (cells: string[][], bold: boolean, y: number, from: number, count: number) => {
    const h = heightOf(count);
    if (bold) doc.save().rect(MARGIN, y, width, h).fill('#EEEEEE').restore();
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(TABLE_FONT_SIZE)
      .fillColor('#111111');
    let x = MARGIN;
    cells.forEach((lines, i) => {
      lines
        .slice(from, from + count)
        .forEach((line, k) => doc.text(line, x + CELL_PAD, y + CELL_PAD + k * lineHeight, { lineBreak: false }));
      x += widths[i];
    });
    doc
      .save()
      .lineWidth(0.3)
      .strokeColor('#BBBBBB')
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .stroke()
      .restore();
    return h;
  };
  const header = wrapRow(
    table.columns.map((c) => c.replace(/_/g, ' ')),
    true,
  );
  const headerLines = Math.max(...header.map((l) => l.length));
  const headerH = heightOf(headerLines);
  if (doc.y + 30 + headerH + heightOf(1) > bottom) doc.addPage();
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .fillColor('#111111')
    .text(pdfText(table.title), MARGIN, doc.y + 8, { width });
  let y = doc.y + 4;
  y += drawRow(header, true, y, 0, headerLines);
  const rows = table.rows.length
    ? table.rows.map((r) => r.map((c) => pdfText(printedCell(c))))
    : [[`None this quarter`, ...table.columns.slice(1).map(() => '')]];
  for (const cells of rows) {
    const lines = wrapRow(cells, false);
    const total = Math.max(...lines.map((l) => l.length));
    // A row that fits on a fresh page moves there whole; a taller one fills this page and continues on the next.
    if (y + heightOf(total) > bottom && (heightOf(total) <= bottom - MARGIN - headerH || y + heightOf(3) > bottom)) {
      doc.addPage();
      y = MARGIN;
      y += drawRow(header, true, y, 0, headerLines);
    }
    for (let from = 0; from < total;) {
      const fit = Math.max(1, Math.floor((bottom - y - 2 * CELL_PAD) / lineHeight));
      const count = Math.min(fit, total - from);
      y += drawRow(lines, false, y, from, count);
      from += count;
      if (from < total) {
        doc.addPage();
        y = MARGIN;
        y += drawRow(header, true, y, 0, headerLines);
      }
    }
  }
  doc.x = MARGIN;
  doc.y = y + 6;
}

/** The pack as a PDF: the same headline, charts (vector) and tables as the HTML. `compress: false` keeps it inspectable. */
export function renderPdf(
  review: QuarterlyReview,
  tables: ReportTable[],
  charts: Chart[],
  generatedAt: Date,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    compress: options.compress ?? true,
    info: {
      Title: `Quarterly themes review ${review.quarter}`,
      Author: 'Scrutiny',
      Subject: 'Quarterly themes review for professional standards',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = PAGE.width - 2 * MARGIN;
  doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor('#990000')
    .text('OFFICIAL-SENSITIVE: professional standards. Contains officer-level repeat concerns.', { width });
  doc
    .moveDown(0.5)
    .font('Helvetica-Bold')
    .fontSize(18)
    .fillColor('#111111')
    .text(pdfText(`Quarterly themes review: ${review.quarter}`), { width });
  const all = review.ratings.find((r) => r.source === 'all');
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor('#555555')
    .text(
      pdfText(
        `${review.force ? review.force.name : 'All forces'} - ${review.from} to ${review.to} (Europe/London; up to, not including, the second date) - compared with ${review.comparedWith.previousQuarter} and ${review.comparedWith.sameQuarterLastYear} - generated ${generatedAt.toISOString()}`,
      ),
      { width },
    );
  doc
    .moveDown(0.5)
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#111111')
    .text(
      pdfText(
        `${all?.ratings ?? 0} ratings this quarter (supervisor reviews and panel findings): ${all?.green ?? 0} green, ${all?.amber ?? 0} amber, ${all?.red ?? 0} red. ` +
          (review.repeatConcerns
            ? `${review.repeatConcerns.officers.length} officer(s) and ${review.repeatConcerns.teams.length} team(s) are repeat concerns. `
            : '') +
          `${review.referrals.count} referral(s) to professional standards; ${review.actions.total} action(s) tracked, ${review.actions.overdue} overdue.`,
      ),
      { width },
    );
  for (const chart of charts) {
    const scale = Math.min(1, width / chart.width);
    if (doc.y + chart.height * scale + 20 > PAGE.height - MARGIN) doc.addPage();
    const top = doc.y + 10;
    drawChart(doc, chart, MARGIN, top, scale);
    doc.x = MARGIN;
    doc.y = top + chart.height * scale + 4;
  }
  for (const table of tables) drawTable(doc, table);
  // Every printed page says what it is, how sensitive, and where it sits.
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const footer = pdfText(
      `OFFICIAL-SENSITIVE - Quarterly themes review ${review.quarter} - page ${i - start + 1} of ${count}`,
    );
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#555555')
      .text(footer, MARGIN, PAGE.height - MARGIN + 12, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
