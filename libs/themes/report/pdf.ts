import PDFDocument from 'pdfkit';
import type { QuarterlyReview } from '../quarterly-review.service';
import type { Chart } from './charts';
import { headingOf, printedCell, printedColumns, type ReportTable } from './tables';

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
          .strokeColor(s.color);
        // pdfkit takes a whole dash pattern as an array; its type declarations know only a single length.
        if (s.dash?.length) doc.dash(s.dash.map((d) => d * scale) as unknown as number, {});
        doc.moveTo(X(s.points[0][0]), Y(s.points[0][1]));
        for (const [x, y] of s.points.slice(1)) doc.lineTo(X(x), Y(y));
        doc.stroke().undash().restore();
        break;
      case 'polygon':
        doc
          .save()
          .polygon(...s.points.map(([x, y]) => [X(x), Y(y)]))
          .fill(s.fill)
          .restore();
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

export interface TableLayout {
  fontSize: number;
  widths: number[];
  /** True only when even the smallest font leaves a word wider than its column: then, and only then, words break. */
  hyphenate: boolean;
}

const TABLE_FONT_SIZES = [7, 6.5, 6, 5.5, 5];
const CELL_PAD = 2;

/**
 * Column widths from the content: each column at least as wide as its longest word (so words wrap whole), then
 * towards the width of its longest line (see `share`). When the longest words of all columns do not fit side by
 * side, the table is set in a smaller font; only when not even the smallest will do does a word break, hyphenated.
 */
export function layoutColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
  measure: (text: string, fontSize: number, bold: boolean) => number,
): TableLayout {
  const longestWord = (text: string, size: number, bold: boolean) =>
    Math.max(0, ...text.split(/\s+/).map((w) => measure(w, size, bold)));
  const longestLine = (text: string, size: number) =>
    Math.max(0, ...text.split(/\r\n|\r|\n/).map((l) => measure(l, size, false)));
  let minimum: number[] = [];
  for (const size of TABLE_FONT_SIZES) {
    minimum = header.map(
      (h, i) =>
        Math.max(longestWord(h, size, true), ...rows.map((r) => longestWord(r[i] ?? '', size, false))) +
        2 * CELL_PAD +
        0.5,
    );
    const natural = header.map((_, i) =>
      Math.max(minimum[i], ...rows.map((r) => longestLine(r[i] ?? '', size) + 2 * CELL_PAD + 4)),
    );
    const needed = minimum.reduce((a, b) => a + b, 0);
    if (needed <= width) return { fontSize: size, widths: share(minimum, natural, width), hyphenate: false };
  }
  const total = minimum.reduce((a, b) => a + b, 0);
  return {
    fontSize: TABLE_FONT_SIZES[TABLE_FONT_SIZES.length - 1],
    widths: minimum.map((w) => (w / total) * width),
    hyphenate: true,
  };
}

/**
 * Every column at least its minimum. When all fit at their natural width, the spare width is shared in proportion;
 * otherwise the narrow columns get their natural width and the wide ones share the rest equally (water-filling:
 * the one width `cap` where min(natural, max(minimum, cap)) over all columns fills the table).
 */
function share(minimum: number[], natural: number[], width: number): number[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const naturalTotal = sum(natural);
  if (naturalTotal <= width) return natural.map((w) => w + ((width - naturalTotal) * w) / naturalTotal);
  const at = (cap: number) => natural.map((n, i) => Math.min(n, Math.max(minimum[i], cap)));
  let lo = 0,
    hi = Math.max(...natural);
  for (let k = 0; k < 50; k++) {
    const mid = (lo + hi) / 2;
    if (sum(at(mid)) > width) hi = mid;
    else lo = mid;
  }
  const widths = at(lo);
  const spare = width - sum(widths);
  const growable = widths.map((w, i) => (w < natural[i] ? 1 : 0));
  const n = sum(growable) || widths.length;
  return widths.map((w, i) => w + (growable[i] || n === widths.length ? spare / n : 0));
}

/**
 * `text` broken into lines no wider than `width` at the current font, at spaces only. A word wider than the line
 * stays whole (and overflows) unless `hyphenate` allows breaking it, with a hyphen: the table layout sizes columns
 * so that this is a last resort. Done here rather than by pdfkit so a cell taller than a page can be split.
 */
export function wrapLines(
  text: string,
  width: number,
  widthOf: (s: string) => number,
  options: { hyphenate?: boolean } = {},
): string[] {
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
      while (options.hyphenate && w > width && word.length > 1) {
        let n = word.length - 1;
        while (n > 1 && widthOf(`${word.slice(0, n)}-`) > width) n--;
        lines.push(`${word.slice(0, n)}-`);
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

type Struct = PDFKit.PDFStructureElement;

/** Writes the pack into a tagged PDF: every drawing is either marked content of a structure element or an artifact. */
class PackWriter {
  readonly width = PAGE.width - 2 * MARGIN;
  readonly bottom = PAGE.height - MARGIN;
  readonly root: Struct;

  constructor(readonly doc: Doc) {
    this.root = doc.struct('Document');
    doc.addStructure(this.root);
  }

  /** Page furniture (rules, shading, footers): drawn, but no part of what the document says. */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  /** Draws content marked for a structure element of `type`; the caller adds it to the structure. */
  marked(type: string, draw: () => void): PDFKit.PDFStructureContent {
    const content = this.doc.markStructureContent(type);
    draw();
    this.doc.endMarkedContent();
    return content;
  }

  element(
    type: string,
    contents: PDFKit.PDFStructureContent[],
    options: { alt?: string; title?: string } = {},
  ): Struct {
    return this.doc.struct(type, options, contents);
  }

  /** Starts a new page when fewer than `height` points are left on this one (and this one is not fresh). */
  room(height: number): void {
    if (this.doc.y + height > this.bottom && this.doc.y > MARGIN + 1) {
      this.doc.addPage();
      this.doc.y = MARGIN;
    }
  }

  textHeight(text: string, font: string, size: number): number {
    this.doc.font(font).fontSize(size);
    return this.doc.heightOfString(text, { width: this.width });
  }

  /** A block of text as one structure element (H1, H2, P), wrapped at the page width. */
  block(
    type: string,
    text: string,
    style: { font: string; size: number; color?: string; before?: number },
    keepWith = 0,
  ): void {
    const printed = pdfText(text);
    const height = this.textHeight(printed, style.font, style.size);
    this.doc.y += style.before ?? 0;
    this.room(height + keepWith);
    const content = this.marked(type, () =>
      this.doc
        .font(style.font)
        .fontSize(style.size)
        .fillColor(style.color ?? '#111111')
        .text(printed, MARGIN, this.doc.y, { width: this.width }),
    );
    this.root.add(this.element(type, [content]));
  }

  figure(chart: Chart): void {
    const scale = Math.min(1, this.width / chart.width);
    this.room(chart.height * scale + 14);
    const top = this.doc.y + 10;
    const content = this.marked('Figure', () => drawChart(this.doc, chart, MARGIN, top, scale));
    this.root.add(
      this.element('Figure', [content], { alt: pdfText(`${chart.title}. ${chart.description}`), title: chart.title }),
    );
    this.doc.x = MARGIN;
    this.doc.y = top + chart.height * scale + 4;
  }

  table(table: ReportTable): void {
    const doc = this.doc;
    const columns = printedColumns(table);
    const header = columns.map(({ column }) => pdfText(headingOf(column)));
    const rows = table.rows.length
      ? table.rows.map((r) => columns.map(({ index }) => pdfText(printedCell(r[index] ?? null))))
      : [['None this quarter', ...columns.slice(1).map(() => '')]];
    const measure = (text: string, size: number, bold: boolean) =>
      doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(size)
        .widthOfString(text);
    const { fontSize, widths, hyphenate } = layoutColumns(header, rows, this.width, measure);
    doc.font('Helvetica').fontSize(fontSize);
    const lineHeight = doc.currentLineHeight(true);
    const wrap = (cells: string[], bold: boolean) =>
      cells.map((c, i) => wrapLines(c, widths[i] - 2 * CELL_PAD, (t) => measure(t, fontSize, bold), { hyphenate }));
    const heightOf = (lines: number) => lines * lineHeight + 2 * CELL_PAD;
    const headerLines = wrap(header, true);
    const headerCount = Math.max(...headerLines.map((l) => l.length));
    const bodyLines = rows.map((r) => wrap(r, false));
    const rowCount = (lines: string[][]) => Math.max(...lines.map((l) => l.length));

    // The title keeps with the header and the first row, whole if it would move to a fresh page whole, or its first
    // three lines if it is to be split: never a heading alone at the foot of a page.
    const rowFits = (lines: string[][]) => heightOf(rowCount(lines)) <= this.bottom - MARGIN - heightOf(headerCount);
    const first = bodyLines[0];
    const keep = heightOf(headerCount) + (rowFits(first) ? heightOf(rowCount(first)) : heightOf(3)) + 4;
    this.block('H2', table.title, { font: 'Helvetica-Bold', size: 10, before: 8 }, keep);

    const tableStruct = doc.struct('Table');
    this.root.add(tableStruct);
    let y = doc.y + 4;
    /**
     * Draws `count` lines of each cell from line `from`, each cell's text marked for its TH/TD (`contents`), or as
     * an artifact for a header repeated on a continuation page; shading and the bottom rule are artifacts.
     */
    const drawRow = (
      lines: string[][],
      bold: boolean,
      from: number,
      count: number,
      contents: PDFKit.PDFStructureContent[][] | null,
    ) => {
      const h = heightOf(count);
      if (bold) this.artifact(() => doc.save().rect(MARGIN, y, this.width, h).fill('#EEEEEE').restore());
      let x = MARGIN;
      lines.forEach((cell, i) => {
        const part = cell.slice(from, from + count);
        const draw = () => {
          doc
            .font(bold ? 'Helvetica-Bold' : 'Helvetica')
            .fontSize(fontSize)
            .fillColor('#111111');
          // A trailing space where a line wraps keeps the words apart for text extraction and screen readers.
          part.forEach((line, k) =>
            doc.text(
              from + k < cell.length - 1 && !line.endsWith('-') ? `${line} ` : line,
              x + CELL_PAD,
              y + CELL_PAD + k * lineHeight,
              {
                lineBreak: false,
              },
            ),
          );
        };
        if (contents && part.length) contents[i].push(this.marked(bold ? 'TH' : 'TD', draw));
        else if (part.length) this.artifact(draw, 'Pagination');
        x += widths[i];
      });
      const rule = y + h;
      this.artifact(() =>
        doc
          .save()
          .lineWidth(0.3)
          .strokeColor('#BBBBBB')
          .moveTo(MARGIN, rule)
          .lineTo(MARGIN + this.width, rule)
          .stroke()
          .restore(),
      );
      y += h;
    };
    const newPage = () => {
      doc.addPage();
      y = MARGIN;
      drawRow(headerLines, true, 0, headerCount, null);
    };
    const addRow = (type: 'TH' | 'TD', contents: PDFKit.PDFStructureContent[][]) =>
      tableStruct.add(
        doc.struct(
          'TR',
          {},
          contents.map((c) => doc.struct(type, {}, c)),
        ),
      );

    const headerContents = header.map(() => [] as PDFKit.PDFStructureContent[]);
    drawRow(headerLines, true, 0, headerCount, headerContents);
    addRow('TH', headerContents);
    for (const lines of bodyLines) {
      const total = rowCount(lines);
      // A row that fits on a fresh page moves there whole; a taller one fills this page and continues on the next.
      if (y + heightOf(total) > this.bottom && (rowFits(lines) || y + heightOf(3) > this.bottom)) newPage();
      const contents = lines.map(() => [] as PDFKit.PDFStructureContent[]);
      for (let from = 0; from < total;) {
        const fit = Math.max(1, Math.floor((this.bottom - y - 2 * CELL_PAD) / lineHeight));
        const count = Math.min(fit, total - from);
        drawRow(lines, false, from, count, contents);
        from += count;
        if (from < total) newPage();
      }
      addRow('TD', contents);
    }
    tableStruct.end();
    doc.x = MARGIN;
    doc.y = y + 2;
    for (const note of table.notes ?? [])
      this.block('P', note, { font: 'Helvetica', size: 7, color: '#444444', before: 2 });
    doc.y += 4;
  }
}

/**
 * The pack as a tagged PDF (PDF 1.7, language en-GB, title shown): the same headline, charts (vector figures with
 * alternative text) and tables as the HTML. `compress: false` keeps it inspectable.
 */
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
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
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
  const w = new PackWriter(doc);
  w.block('P', 'OFFICIAL-SENSITIVE: professional standards. Contains officer-level repeat concerns.', {
    font: 'Helvetica-Bold',
    size: 9,
    color: '#990000',
  });
  w.block('H1', `Quarterly themes review: ${review.quarter}`, { font: 'Helvetica-Bold', size: 18, before: 6 });
  const all = review.ratings.find((r) => r.source === 'all');
  w.block(
    'P',
    `${review.force ? review.force.name : 'All forces'} - ${review.from} to ${review.to} (Europe/London; up to, not including, the second date) - compared with ${review.comparedWith.previousQuarter} and ${review.comparedWith.sameQuarterLastYear} - generated ${generatedAt.toISOString()}`,
    { font: 'Helvetica', size: 8, color: '#555555' },
  );
  w.block(
    'P',
    `${all?.ratings ?? 0} ratings this quarter (supervisor reviews and panel findings): ${all?.green ?? 0} green, ${all?.amber ?? 0} amber, ${all?.red ?? 0} red. ` +
      (review.repeatConcerns
        ? `${review.repeatConcerns.officers.length} officer(s) and ${review.repeatConcerns.teams.length} team(s) are repeat concerns. `
        : '') +
      `${review.referrals.count} referral(s) to professional standards; ${review.actions.total} action(s) tracked, ${review.actions.overdue} overdue.`,
    { font: 'Helvetica', size: 10, before: 6 },
  );
  for (const chart of charts) w.figure(chart);
  for (const table of tables) w.table(table);
  w.root.end();
  // Every printed page says what it is, how sensitive, and where it sits: pagination artifacts, outside the structure.
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const footer = pdfText(
      `OFFICIAL-SENSITIVE - Quarterly themes review ${review.quarter} - page ${i - start + 1} of ${count}`,
    );
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    w.artifact(
      () =>
        doc
          .font('Helvetica')
          .fontSize(7)
          .fillColor('#555555')
          .text(footer, MARGIN, PAGE.height - MARGIN + 12, { width: w.width, align: 'center', lineBreak: false }),
      'Pagination',
    );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
