import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { csvRecords } from '../../records/imports/csv-records';
import type { QuarterlyReview } from '../quarterly-review.service';
import { coincidenceOffsets, DASHES, MARKERS, PALETTE, rateRatioChart, themesOverTimeChart } from './charts';
import { chartSvg, escapeHtml } from './html';
import { renderPack } from './pack';
import { layoutColumns, pdfText, wrapLines } from './pdf';
import { printedCell, tableCsv, type PackLabels } from './tables';

const GENERATED = new Date('2024-07-03T08:00:00Z');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A code as the vocabularies store it (record_quality, stop_search): what the printed pack must never show. */
const SNAKE_CODE = /(^|[^A-Za-z0-9])[a-z0-9]+(_[a-z0-9]+)+/;

interface Run {
  font: string;
  text: string;
}

/**
 * The text runs of each page of an uncompressed PDF, in drawing order, with the base font of each: pdfkit draws the
 * standard fonts' text as WinAnsi bytes in hex inside TJ arrays, so this needs no font program to read.
 */
function pdfPages(pdf: Buffer): Run[][] {
  const src = pdf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of src.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) objects.set(Number(m[1]), m[2]);
  const pages = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o))!;
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(pages)![1].matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  return kids.map((id) => {
    const page = objects.get(id)!;
    const content = objects.get(Number(/\/Contents (\d+) 0 R/.exec(page)![1]))!;
    const resources = objects.get(Number(/\/Resources (\d+) 0 R/.exec(page)![1]))!;
    const fonts = new Map(
      [...resources.matchAll(/\/(F\d+) (\d+) 0 R/g)].map((m) => [
        m[1],
        /\/BaseFont \/(\S+)/.exec(objects.get(Number(m[2]))!)![1],
      ]),
    );
    const stream = content.slice(content.indexOf('stream\n') + 7, content.lastIndexOf('\nendstream'));
    const runs: Run[] = [];
    let font = '';
    for (const m of stream.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
      if (m[1]) font = fonts.get(m[1])!;
      else
        runs.push({
          font,
          text: [...m[2].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''),
        });
    }
    return runs;
  });
}

const isFooter = (r: Run) => r.text.startsWith('OFFICIAL-SENSITIVE - Quarterly themes review');
/** All the text the PDF shows, in order, one space between runs. */
const shownText = (pdf: Buffer) =>
  pdfPages(pdf)
    .flat()
    .map((r) => r.text)
    .join(' ')
    .replace(/\s+/g, ' ');

async function parseCsv(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of csvRecords(Readable.from([text]))) rows.push(record.cells);
  return rows;
}

describe('report pack rendering', () => {
  it('draws rate ratios on a log scale with the parity line at 1 and significant ratios in the second colour', () => {
    const chart = rateRatioChart('Stop and search', 'self-defined', [
      { label: 'Black', ratio: 4, lower: 2, upper: 8, significant: true },
      { label: 'Asian', ratio: 1, lower: 0.5, upper: 2, significant: false },
      { label: 'Other', ratio: null, lower: null, upper: null, significant: false, note: 'withheld (under 10)' },
    ]);
    const parity = chart.shapes.find((s) => s.kind === 'line' && s.dashed);
    const [black, asian] = chart.shapes.filter((s) => s.kind === 'rect');
    expect(parity && black && asian).toBeTruthy();
    if (parity?.kind !== 'line' || black.kind !== 'rect' || asian.kind !== 'rect') throw new Error('shapes');
    // Ratio 1 sits on the parity line; ratio 4 two doublings to its right, as far as 1 is from 0.25.
    expect(asian.x + asian.w / 2).toBeCloseTo(parity.x1);
    expect(black.fill).toBe(PALETTE[1]);
    expect(asian.fill).toBe(PALETTE[0]);
    expect(chart.shapes.some((s) => s.kind === 'text' && s.text === 'withheld (under 10)')).toBe(true);
    expect(chart.description).toMatch(/Black: 4 \(95% CI 2 to 8\), significant/);
  });

  it('says so when no themes were tagged, and plots one point per quarter otherwise', () => {
    const empty = themesOverTimeChart(['2024-Q1', '2024-Q2'], [], []);
    expect(empty.shapes.some((s) => s.kind === 'text' && /No themes/.test(s.text))).toBe(true);
    const chart = themesOverTimeChart(
      ['2024-Q1', '2024-Q2'],
      [{ code: 'a', label: 'A' }],
      [
        { quarter: '2024-Q1', counts: { a: 1 } },
        { quarter: '2024-Q2', counts: { a: 3 } },
      ],
    );
    const line = chart.shapes.find((s) => s.kind === 'polyline');
    expect(line?.kind === 'polyline' && line.points).toHaveLength(2);
    if (line?.kind === 'polyline') expect(line.points[1][1]).toBeLessThan(line.points[0][1]); // higher count, higher on the page
  });

  it('keeps every line of the themes chart visible where lines coincide: own colour, dash and marker, fanned apart', () => {
    const quarters = ['2024-Q1', '2024-Q2', '2024-Q3'];
    const themes = ['a', 'b', 'c'].map((code) => ({ code, label: code.toUpperCase() }));
    // All three themes have the same counts in every quarter: drawn at their true height, each would hide the others.
    const series = quarters.map((quarter, i) => ({ quarter, counts: { a: i, b: i, c: i } }));
    const chart = themesOverTimeChart(quarters, themes, series);
    const lines = chart.shapes.filter((s) => s.kind === 'polyline' && s.points.length === quarters.length);
    expect(lines).toHaveLength(3);
    const points = lines.map((l) => (l.kind === 'polyline' ? l.points : []));
    for (let i = 0; i < quarters.length; i++) {
      const ys = points.map((p) => p[i][1]).sort((a, b) => a - b);
      // Apart by at least two points at every quarter, yet within a few points of the true value.
      expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(2);
      expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(2);
      expect(ys[2] - ys[0]).toBeLessThan(10);
    }
    expect(new Set(lines.map((l) => (l.kind === 'polyline' ? JSON.stringify(l.dash ?? []) : ''))).size).toBe(3);
    expect(lines.map((l) => (l.kind === 'polyline' ? l.color : ''))).toEqual(PALETTE.slice(0, 3));
    expect(new Set(MARKERS).size).toBe(MARKERS.length);
    expect(new Set(DASHES.map((d) => JSON.stringify(d))).size).toBe(DASHES.length);
    // The Okabe–Ito palette, unchanged.
    expect(PALETTE).toEqual(['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']);
    // Lines that do not coincide stay at their true height; at zero the fan goes up, never below the axis.
    expect(coincidenceOffsets([3, 1, 2], 2)).toEqual([0, 0, 0]);
    expect(coincidenceOffsets([0, 0, 5], 2)).toEqual([0, 2, 0]);
    expect(coincidenceOffsets([4, 4, 4], 2)).toEqual([-2, 0, 2]);
  });

  it('escapes text in the SVG and HTML, and keeps the PDF to characters its fonts can draw', () => {
    const chart = themesOverTimeChart(
      ['2024-Q2'],
      [{ code: 'x', label: '<script>alert(1)</script>' }],
      [{ quarter: '2024-Q2', counts: { x: 1 } }],
    );
    expect(chartSvg(chart)).not.toContain('<script>');
    expect(escapeHtml(`"a" & 'b'`)).toBe('&quot;a&quot; &amp; &#39;b&#39;');
    // WinAnsi punctuation stays (the standard fonts draw it); accents outside it are dropped; the rest becomes "?".
    expect(pdfText('Officer’s “grounds” – 3×2 → done… • €5')).toBe('Officer’s “grounds” – 3×2 -> done… • €5');
    expect(pdfText('Ŵyn ŷ café')).toBe('Wyn y café');
    expect(pdfText('東京 😀')).toBe('?? ?');
  });

  it('writes CSV with quoting, and neutralises text a spreadsheet would run as a formula (numbers stay numbers)', () => {
    const csv = tableCsv({
      name: 't',
      title: 'T',
      columns: [{ name: 'a' }, { name: 'b' }, { name: 'c', csvOnly: true }],
      rows: [
        ['=HYPERLINK("x")', -3, 'one, two'],
        [null, true, '@SUM(A1)'],
      ],
    });
    expect(csv).toBe(`a,b,c\r\n"'=HYPERLINK(""x"")",-3,"one, two"\r\n,yes,'@SUM(A1)\r\n`);
    expect(tableCsv({ name: 't', title: 'T', columns: [{ name: 'r' }], rows: [[0.086293585]] })).toBe(
      'r\r\n0.086293585\r\n',
    );
    expect([0.086293585, 121.71, 1234, 3.5e-7, null].map(printedCell)).toEqual(['0.0863', '122', '1234', '3.5e-7', '']);
  });

  it('wraps cell text at spaces only, hyphenates a word only when allowed, and keeps blank lines', () => {
    const width = (t: string) => t.length; // one unit per character
    expect(wrapLines('aaa bbb ccc', 7, width)).toEqual(['aaa bbb', 'ccc']);
    // A word wider than the line stays whole unless the layout has no other way; then it breaks with a hyphen.
    expect(wrapLines('stop_search xy', 6, width)).toEqual(['stop_search', 'xy']);
    expect(wrapLines('abcdefghij xy', 4, width, { hyphenate: true })).toEqual(['abc-', 'def-', 'ghij', 'xy']);
    expect(wrapLines('one\n\ntwo', 10, width)).toEqual(['one', '', 'two']);
    const long = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const lines = wrapLines(long, 60, width);
    expect(lines.every((l) => l.length <= 60)).toBe(true);
    expect(lines.join(' ')).toBe(long);
  });

  it('sizes columns from their content: no column narrower than its longest word, a smaller font before breaking one', () => {
    const measure = (t: string, size: number) => t.length * size * 0.5;
    const words = (t: string) => t.split(/\s+/);
    const header = ['case kind', 'rated on', 'themes'];
    const rows = [['Stop search', '2024-04-01', 'Quality of the record; Smell of cannabis as sole grounds'.repeat(3)]];
    const roomy = layoutColumns(header, rows, 400, measure);
    expect(roomy).toMatchObject({ fontSize: 7, hyphenate: false });
    header.forEach((_, i) =>
      [header[i], ...rows.map((r) => r[i])].flatMap(words).forEach((w) => {
        expect(roomy.widths[i]).toBeGreaterThanOrEqual(measure(w, 7));
      }),
    );
    expect(roomy.widths.reduce((a, b) => a + b, 0)).toBeCloseTo(400);
    // Narrow columns get their natural width; the long text takes the rest.
    expect(roomy.widths[1]).toBeLessThan(roomy.widths[2]);
    // Eleven columns of 12-character words do not fit 400 points at 7 points; at a smaller size they do.
    const many = Array.from({ length: 11 }, (_, i) => `column${String(i).padStart(6, '0')}`);
    const smaller = layoutColumns(many, [many], 400, measure);
    expect(smaller.fontSize).toBeLessThan(7);
    expect(smaller.hyphenate).toBe(false);
    // Only when not even the smallest size fits is a word broken.
    expect(layoutColumns(many, [many], 200, measure).hyphenate).toBe(true);
  });
});

describe('the pack of a quarter', () => {
  const review = (): QuarterlyReview => structuredClone(DEMO_REVIEW);
  let labels: PackLabels;
  beforeAll(() => {
    labels = { themes: new Map(DEMO_REVIEW.themes.map((t) => [t.theme, t.label])) };
  });

  it('prints whole words: dates, references and codes are never broken across lines in narrow columns', async () => {
    const r = review();
    // A long officer reference and team name in the narrowest columns of the widest tables.
    r.referrals.items![0].officer = 'PC-1234567890123';
    r.referrals.items![0].team = 'NEIGHBOURHOOD-TEAM-NORTH';
    r.repeatConcerns!.officers[0].team = 'NEIGHBOURHOOD-TEAM-NORTH';
    const { pdf } = await renderPack(r, GENERATED, { compress: false, labels });
    const tokens = new Set(
      pdfPages(pdf)
        .flat()
        .flatMap((run) => run.text.split(/\s+/)),
    );
    const whole = [
      'PC-1234567890123',
      'NEIGHBOURHOOD-TEAM-NORTH',
      ...r.referrals.items!.map((i) => i.ratedOn),
      ...r.actions.items!.flatMap((a) => [a.raisedOn, a.dueOn]),
      ...r.repeatConcerns!.officers.map((o) => o.latest),
    ];
    for (const word of whole) expect([...tokens].filter((t) => t === word || t === `${word};`)).not.toEqual([]);
    // No line of a table ends in a hyphen the text did not have.
    expect([...tokens].filter((t) => /[A-Za-z]-$/.test(t))).toEqual([]);
  });

  it('prints labels and a case reference in the PDF, HTML and CSVs: never a code or a case id', async () => {
    const r = review();
    const pack = await renderPack(r, GENERATED, { compress: false, labels });
    const text = shownText(pack.pdf);
    expect(text).not.toMatch(UUID);
    const codes = text.split(' ').filter((t) => SNAKE_CODE.test(t));
    expect(codes).toEqual([]);
    for (const words of [
      'Smell of cannabis as sole grounds (2)', // a theme, by area
      'Referral to professional standards', // an outcome
      'Policy or training', // an action's kind
      'Supervisor reviews',
      'SS-880B96A0', // the referred case
      'Stop search',
    ])
      expect(text).toContain(words);

    const cells = [...pack.html.matchAll(/<t[dh][^>]*>([^<]*)<\/t[dh]>/g)].map((m) => m[1]);
    expect(cells.filter((c) => UUID.test(c) || SNAKE_CODE.test(c))).toEqual([]);
    expect(cells).toContain('SS-880B96A0');
    expect(pack.html).not.toMatch(UUID);

    for (const [name, csv] of Object.entries(pack.csv))
      expect([name, csv]).not.toEqual([name, expect.stringMatching(UUID)]);
    const [header, ...rows] = await parseCsv(pack.csv.referrals);
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(row).toMatchObject({
      case_reference: 'SS-880B96A0',
      case_kind: 'Stop search',
      case_kind_code: 'stop_search',
    });
    expect(row.themes).toBe(
      'Grounds not objective or specific enough; Smell of cannabis as sole grounds; BWV not activated, or activated late',
    );
  });

  it('never calls a printed figure suppressed: a withheld one shows [c] and a note, a printed one is not withheld', async () => {
    const pack = await renderPack(review(), GENERATED, { compress: false, labels });
    const [header, ...rows] = await parseCsv(pack.csv.key_ratios);
    const at = (row: string[], name: string) => row[header.indexOf(name)];
    for (const row of rows) {
      const flagged = at(row, 'suppressed') === 'yes' || at(row, 'withheld') === 'yes';
      const printed = ['count', 'rate_per_1000', 'rate_ratio', 'ci95_lower', 'ci95_upper'].some((c) =>
        /^-?\d/.test(at(row, c) ?? ''),
      );
      expect({ row: row.join(','), flagged }).toEqual({ row: row.join(','), flagged: !printed });
    }
    // The demo's one withheld group (stop and search, Other): the marker in its figures, the reason in its note.
    const other = rows.find((r) => r.includes('stop-search') && r.includes('other'))!;
    expect(['count', 'rate_per_1000', 'rate_ratio'].map((c) => at(other, c))).toEqual(['[c]', '[c]', '[c]']);
    const text = shownText(pack.pdf);
    expect(text).not.toMatch(/suppressed/i);
    expect(text).toMatch(/\[c\] withheld: a count under 10/);
    expect(pack.html).toMatch(/<td>\[c\]<\/td>/);
  });

  it('never leaves a heading at the foot of a page without the first row of its table', async () => {
    // Each extra row moves every later heading down the page, so together these put a heading at every height.
    for (let extra = 0; extra < 60; extra++) {
      const r = review();
      for (let i = 0; i < extra; i++) r.outcomes.push({ source: 'review', outcome: 'no_action', count: i + 1 });
      // A last table whose only row is twelve lines tall: it moves to a fresh page whole, and its heading with it.
      r.meeting!.decisions = Array.from({ length: 12 }, (_, i) => `${i + 1}. Brief TEAM-B on grounds and BWV.`).join(
        '\n',
      );
      const pages = pdfPages((await renderPack(r, GENERATED, { compress: false, labels })).pdf);
      pages.forEach((runs, page) => {
        const body = runs.filter((run) => !isFooter(run));
        // Headings and table headers are bold; a page must end with content (table rows, a chart, a note).
        const last = body[body.length - 1];
        expect({ extra, page, last: last.text, font: last.font }).toEqual({
          extra,
          page,
          last: last.text,
          font: 'Helvetica',
        });
      });
    }
  });

  it('is a tagged PDF: language, title, headings, paragraphs, tables, figures with alternative text, artifacts', async () => {
    const { pdf } = await renderPack(review(), GENERATED, { compress: false, labels });
    const src = pdf.toString('latin1');
    expect(src.startsWith('%PDF-1.7')).toBe(true);
    const catalog = /<<\n\/Type \/Catalog\n([\s\S]*?)>>\nendobj/.exec(src)?.[1] ?? '';
    expect(catalog).toMatch(/\/Lang \(en-GB\)/);
    expect(catalog).toMatch(/\/StructTreeRoot \d+ 0 R/);
    const markInfo = /\/MarkInfo (\d+) 0 R/.exec(catalog)?.[1];
    expect(src).toMatch(new RegExp(`\\n${markInfo} 0 obj\\n<<\\n/Marked true\\n>>`));
    expect(src).toMatch(/\/DisplayDocTitle true/);
    const title = /\/Title (\d+) 0 R/.exec(src)?.[1];
    expect(src).toContain(`\n${title} 0 obj\n(Quarterly themes review 2024-Q2)\nendobj`);
    const types = new Set([...src.matchAll(/\/S \/(\w+)/g)].map((m) => m[1]));
    for (const t of ['Document', 'H1', 'H2', 'P', 'Table', 'TR', 'TH', 'TD', 'Figure']) expect(types).toContain(t);
    expect(src).toMatch(/\/S \/Figure\n(?:.*\n)*?\/Alt \(Themes over time\. Tags per quarter/);
    // Footers are pagination artifacts, outside the structure.
    expect(src).toMatch(/\/Artifact <<\n\/Type \/Pagination\n>> BDC[\s\S]{0,400}?\/F\d+ 7 Tf/);
    // Everything drawn is marked: no text outside a marked-content sequence.
    const pages = [...src.matchAll(/stream\n([\s\S]*?)\nendstream/g)].map((m) => m[1]).filter((s) => s.includes(' TJ'));
    for (const content of pages) {
      let depth = 0;
      for (const op of content.matchAll(/ BDC\n|\nEMC|\] TJ/g)) {
        if (op[0] === ' BDC\n') depth++;
        else if (op[0] === '\nEMC') depth--;
        else expect(depth).toBeGreaterThan(0);
      }
    }
  });

  const pdfinfo = spawnSync('pdfinfo', ['-v']).error ? it.skip : it;
  pdfinfo('is reported tagged by pdfinfo (poppler), where it is installed', async () => {
    const { pdf } = await renderPack(review(), GENERATED, { labels });
    const file = join(mkdtempSync(join(tmpdir(), 'pack-')), 'pack.pdf');
    writeFileSync(file, pdf);
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout;
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Title:\s+Quarterly themes review 2024-Q2$/m);
    expect(info).toMatch(/^PDF version:\s+1\.7$/m);
  });
});

/** The demo data's 2024-Q2 review for professional standards (as GET /themes/quarters/2024-Q2 gives it), one group withheld. */
const DEMO_REVIEW: QuarterlyReview = {
  quarter: '2024-Q2',
  from: '2024-04-01',
  to: '2024-07-01',
  force: null,
  comparedWith: { previousQuarter: '2024-Q1', sameQuarterLastYear: '2023-Q2' },
  view: 'full',
  ratings: [
    {
      source: 'review',
      ratings: 5,
      green: 2,
      amber: 2,
      red: 1,
      amberOrRedPct: 60,
      vsPreviousQuarter: { change: 1, changePct: 50 },
    },
    {
      source: 'panel',
      ratings: 2,
      green: 1,
      amber: 1,
      red: 0,
      amberOrRedPct: 50,
      vsPreviousQuarter: { change: 1, changePct: null },
    },
    {
      source: 'all',
      ratings: 7,
      green: 3,
      amber: 3,
      red: 1,
      amberOrRedPct: 57.1,
      vsPreviousQuarter: { change: 2, changePct: 100 },
    },
  ],
  outcomes: [
    { source: 'panel', outcome: 'no_action', count: 1 },
    { source: 'panel', outcome: 'feedback_to_officer', count: 1 },
    { source: 'review', outcome: 'no_action', count: 2 },
    { source: 'review', outcome: 'referral_to_professional_standards', count: 1 },
    { source: 'review', outcome: 'supervisor_debrief', count: 1 },
    { source: 'review', outcome: 'organisational_learning', count: 1 },
  ],
  themes: [
    {
      theme: 'record_quality',
      count: 3,
      previousQuarter: 1,
      sameQuarterLastYear: 1,
      vsPreviousQuarter: { change: 2, changePct: 200 },
      vsLastYear: { change: 2, changePct: 200 },
      label: 'Quality of the record',
      parentCode: 'recording',
      fromReviews: 2,
      fromPanels: 1,
    },
    {
      theme: 'good_practice',
      count: 2,
      previousQuarter: 1,
      sameQuarterLastYear: 1,
      vsPreviousQuarter: { change: 1, changePct: 100 },
      vsLastYear: { change: 1, changePct: 100 },
      label: 'Good practice',
      parentCode: null,
      fromReviews: 1,
      fromPanels: 1,
    },
    {
      theme: 'smell_of_cannabis_only',
      count: 2,
      previousQuarter: 0,
      sameQuarterLastYear: 0,
      vsPreviousQuarter: { change: 2, changePct: null },
      vsLastYear: { change: 2, changePct: null },
      label: 'Smell of cannabis as sole grounds',
      parentCode: 'lawfulness',
      fromReviews: 1,
      fromPanels: 1,
    },
    {
      theme: 'bwv_not_activated_or_late',
      count: 1,
      previousQuarter: 1,
      sameQuarterLastYear: 0,
      vsPreviousQuarter: { change: 0, changePct: 0 },
      vsLastYear: { change: 1, changePct: null },
      label: 'BWV not activated, or activated late',
      parentCode: 'bwv',
      fromReviews: 1,
      fromPanels: 0,
    },
    {
      theme: 'communication_and_respect',
      count: 1,
      previousQuarter: 0,
      sameQuarterLastYear: 0,
      vsPreviousQuarter: { change: 1, changePct: null },
      vsLastYear: { change: 1, changePct: null },
      label: 'Communication and respect',
      parentCode: 'conduct',
      fromReviews: 1,
      fromPanels: 0,
    },
    {
      theme: 'gowisely_incomplete',
      count: 1,
      previousQuarter: 1,
      sameQuarterLastYear: 0,
      vsPreviousQuarter: { change: 0, changePct: 0 },
      vsLastYear: { change: 1, changePct: null },
      label: 'GOWISELY not fully given',
      parentCode: 'gowisely',
      fromReviews: 1,
      fromPanels: 0,
    },
    {
      theme: 'grounds_insufficient',
      count: 1,
      previousQuarter: 0,
      sameQuarterLastYear: 1,
      vsPreviousQuarter: { change: 1, changePct: null },
      vsLastYear: { change: 0, changePct: 0 },
      label: 'Grounds not objective or specific enough',
      parentCode: 'lawfulness',
      fromReviews: 1,
      fromPanels: 0,
    },
    {
      theme: 'handcuffing_routine',
      count: 1,
      previousQuarter: 0,
      sameQuarterLastYear: 0,
      vsPreviousQuarter: { change: 1, changePct: null },
      vsLastYear: { change: 1, changePct: null },
      label: 'Routine handcuffing',
      parentCode: 'use_of_force',
      fromReviews: 1,
      fromPanels: 0,
    },
  ],
  themesOverTime: {
    quarters: ['2022-Q3', '2022-Q4', '2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2'],
    themes: [
      { code: 'record_quality', label: 'Quality of the record' },
      { code: 'good_practice', label: 'Good practice' },
      { code: 'smell_of_cannabis_only', label: 'Smell of cannabis as sole grounds' },
      { code: 'bwv_not_activated_or_late', label: 'BWV not activated, or activated late' },
      { code: 'communication_and_respect', label: 'Communication and respect' },
      { code: 'gowisely_incomplete', label: 'GOWISELY not fully given' },
    ],
    series: [
      {
        quarter: '2022-Q3',
        counts: {
          record_quality: 0,
          good_practice: 0,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2022-Q4',
        counts: {
          record_quality: 0,
          good_practice: 0,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2023-Q1',
        counts: {
          record_quality: 0,
          good_practice: 0,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2023-Q2',
        counts: {
          record_quality: 1,
          good_practice: 1,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2023-Q3',
        counts: {
          record_quality: 0,
          good_practice: 0,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2023-Q4',
        counts: {
          record_quality: 0,
          good_practice: 0,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 0,
          communication_and_respect: 0,
          gowisely_incomplete: 0,
        },
      },
      {
        quarter: '2024-Q1',
        counts: {
          record_quality: 1,
          good_practice: 1,
          smell_of_cannabis_only: 0,
          bwv_not_activated_or_late: 1,
          communication_and_respect: 0,
          gowisely_incomplete: 1,
        },
      },
      {
        quarter: '2024-Q2',
        counts: {
          record_quality: 3,
          good_practice: 2,
          smell_of_cannabis_only: 2,
          bwv_not_activated_or_late: 1,
          communication_and_respect: 1,
          gowisely_incomplete: 1,
        },
      },
    ],
  },
  byArea: [
    {
      key: 'E07000117',
      name: 'Burnley',
      ratings: 4,
      amberOrRed: 3,
      themes: [
        { theme: 'record_quality', count: 2 },
        { theme: 'smell_of_cannabis_only', count: 2 },
        { theme: 'bwv_not_activated_or_late', count: 1 },
        { theme: 'good_practice', count: 1 },
        { theme: 'gowisely_incomplete', count: 1 },
        { theme: 'grounds_insufficient', count: 1 },
      ],
    },
    {
      key: 'E07000123',
      name: 'Preston',
      ratings: 3,
      amberOrRed: 1,
      themes: [
        { theme: 'communication_and_respect', count: 1 },
        { theme: 'good_practice', count: 1 },
        { theme: 'handcuffing_routine', count: 1 },
        { theme: 'record_quality', count: 1 },
      ],
    },
  ],
  byTeam: [
    {
      key: 'TEAM-B',
      name: 'TEAM-B',
      ratings: 5,
      amberOrRed: 3,
      themes: [
        { theme: 'record_quality', count: 2 },
        { theme: 'bwv_not_activated_or_late', count: 1 },
        { theme: 'communication_and_respect', count: 1 },
        { theme: 'good_practice', count: 1 },
        { theme: 'gowisely_incomplete', count: 1 },
        { theme: 'grounds_insufficient', count: 1 },
        { theme: 'handcuffing_routine', count: 1 },
        { theme: 'smell_of_cannabis_only', count: 1 },
      ],
    },
    {
      key: 'TEAM-A',
      name: 'TEAM-A',
      ratings: 2,
      amberOrRed: 1,
      themes: [
        { theme: 'good_practice', count: 1 },
        { theme: 'record_quality', count: 1 },
        { theme: 'smell_of_cannabis_only', count: 1 },
      ],
    },
  ],
  repeatConcerns: {
    rule: 'two or more distinct cases rated amber or red within the rolling 12 months ending with the quarter',
    window: { from: '2023-07-01', to: '2024-07-01' },
    officers: [
      {
        subject: 'PC-7001',
        team: 'TEAM-B',
        cases: 2,
        red: 1,
        inQuarter: 1,
        latest: '2024-04-01',
        themes: [
          { theme: 'bwv_not_activated_or_late', count: 2 },
          { theme: 'grounds_insufficient', count: 1 },
          { theme: 'record_quality', count: 1 },
          { theme: 'smell_of_cannabis_only', count: 1 },
        ],
        ratings: [
          {
            ratedOn: '2024-02-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d0a-71ee-8689-65e82d13c97f',
          },
          {
            ratedOn: '2024-04-01',
            rag: 'red',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d29-71c0-be8f-7a05340775f0',
          },
        ],
      },
      {
        subject: 'PC-7002',
        team: 'TEAM-B',
        cases: 2,
        red: 0,
        inQuarter: 1,
        latest: '2024-04-01',
        themes: [
          { theme: 'gowisely_incomplete', count: 2 },
          { theme: 'record_quality', count: 1 },
        ],
        ratings: [
          {
            ratedOn: '2024-03-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d1a-72ab-8c76-a46ba5fc2363',
          },
          {
            ratedOn: '2024-04-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d3b-7130-ba6f-470253365525',
          },
        ],
      },
    ],
    teams: [
      {
        subject: 'TEAM-B',
        team: 'TEAM-B',
        cases: 5,
        red: 1,
        inQuarter: 3,
        latest: '2024-06-01',
        themes: [
          { theme: 'bwv_not_activated_or_late', count: 2 },
          { theme: 'gowisely_incomplete', count: 2 },
          { theme: 'record_quality', count: 2 },
          { theme: 'grounds_insufficient', count: 1 },
          { theme: 'handcuffing_routine', count: 1 },
          { theme: 'smell_of_cannabis_only', count: 1 },
        ],
        ratings: [
          {
            ratedOn: '2024-02-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d0a-71ee-8689-65e82d13c97f',
          },
          {
            ratedOn: '2024-03-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d1a-72ab-8c76-a46ba5fc2363',
          },
          {
            ratedOn: '2024-04-01',
            rag: 'red',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d29-71c0-be8f-7a05340775f0',
          },
          {
            ratedOn: '2024-04-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d3b-7130-ba6f-470253365525',
          },
          {
            ratedOn: '2024-06-01',
            rag: 'amber',
            source: 'review',
            caseKind: 'stop_search',
            caseId: '01a23191-7d42-71bb-ad9b-db286570bddf',
          },
        ],
      },
    ],
  },
  referrals: {
    count: 1,
    items: [
      {
        source: 'review',
        ratingId: '4e5f219a-f31d-4028-859f-d947457c1cf6',
        caseKind: 'stop_search',
        caseId: '01a2318b-0c56-7153-8f42-1a6d880b96a0',
        caseReference: 'SS-880B96A0',
        ratedOn: '2024-04-01',
        officer: 'PC-7001',
        team: 'TEAM-B',
        themes: ['grounds_insufficient', 'smell_of_cannabis_only', 'bwv_not_activated_or_late'],
        actions: [],
      },
    ],
  },
  actions: {
    total: 2,
    byStatus: { done: 1, open: 1 },
    overdue: 1,
    items: [
      {
        id: 'a1df8e92-4d3d-4471-bae4-1c6a2de2c7b0',
        findingId: '068873db-64de-4e58-ab08-f89237b72890',
        sessionId: '068873db-64de-4e58-ab08-f89237b72890',
        agendaItemId: '068873db-64de-4e58-ab08-f89237b72890',
        meetingQuarter: null,
        kind: 'feedback_to_officer',
        description: 'Feed back to the officer on recording grounds',
        owner: 'Sgt, TEAM-A',
        raisedOn: '2024-06-12',
        dueOn: '2024-07-12',
        overdue: false,
        status: 'done',
        response: 'Officer debriefed by their sergeant on 20 June 2024',
        respondedAt: '2024-06-20T10:00:00.000Z',
        version: 2,
      },
      {
        id: '8c15064d-5574-4df8-9272-8bc5c6449b16',
        findingId: null,
        sessionId: null,
        agendaItemId: null,
        meetingQuarter: '2024-Q2',
        kind: 'policy_or_training',
        description: 'GOWISELY and BWV activation briefing for TEAM-B',
        owner: 'Inspector, Burnley NPT',
        raisedOn: '2024-04-01',
        dueOn: '2024-09-30',
        overdue: true,
        status: 'open',
        response: null,
        respondedAt: null,
        version: 1,
      },
    ],
  },
  disproportionality: {
    area: { code: 'E23000003', name: 'Lancashire' },
    months: { from: '2024-04', to: '2024-06' },
    keyRatios: [
      {
        kind: 'stop-search',
        basis: 'self',
        comparator: 'White',
        total: 10,
        groups: [
          {
            group: 'asian',
            count: 1,
            ratePer1000: 0.006293503845330849,
            rateRatio: 1.3876987173839164,
            ci95: { lower: 0.030168944794526177, upper: 11.437991827993049 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'black',
            count: 1,
            ratePer1000: 0.05018065034122842,
            rateRatio: 11.064682858289844,
            ci95: { lower: 0.2405491928031635, upper: 91.19973271362542 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'mixed',
            count: 1,
            ratePer1000: 0.06698372295532186,
            rateRatio: 14.769709960479606,
            ci95: { lower: 0.32109748236194263, upper: 121.73811196444017 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'other',
            count: null,
            ratePer1000: null,
            rateRatio: null,
            ci95: null,
            method: null,
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'white',
            count: 6,
            ratePer1000: 0.004535209095815363,
            rateRatio: 1,
            ci95: null,
            method: null,
            significant: false,
            suppressed: true,
            flagged: true,
          },
        ],
      },
      {
        kind: 'strip-search',
        basis: 'self',
        comparator: 'White',
        total: 0,
        groups: [
          {
            group: 'asian',
            count: 0,
            ratePer1000: 0,
            rateRatio: null,
            ci95: null,
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'black',
            count: 0,
            ratePer1000: 0,
            rateRatio: null,
            ci95: null,
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'mixed',
            count: 0,
            ratePer1000: 0,
            rateRatio: null,
            ci95: null,
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'other',
            count: 0,
            ratePer1000: 0,
            rateRatio: null,
            ci95: null,
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'white',
            count: 0,
            ratePer1000: 0,
            rateRatio: 1,
            ci95: null,
            method: null,
            significant: false,
            suppressed: true,
            flagged: true,
          },
        ],
      },
      {
        kind: 'use-of-force',
        basis: 'officer',
        comparator: 'White',
        total: 2,
        groups: [
          {
            group: 'asian',
            count: 0,
            ratePer1000: 0,
            rateRatio: 0,
            ci95: { lower: 0, upper: 324.72149986783614 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'black',
            count: 1,
            ratePer1000: 0.05018065034122842,
            rateRatio: 66.38809714973905,
            ci95: { lower: 0.8457423395766455, upper: 5211.255528923172 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'mixed',
            count: 0,
            ratePer1000: 0,
            rateRatio: 0,
            ci95: { lower: 0, upper: 3456.112130752224 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'other',
            count: 0,
            ratePer1000: 0,
            rateRatio: 0,
            ci95: { lower: 0, upper: 3578.851217312891 },
            method: 'exact',
            significant: false,
            suppressed: true,
            flagged: true,
          },
          {
            group: 'white',
            count: 1,
            ratePer1000: 0.0007558681826358937,
            rateRatio: 1,
            ci95: null,
            method: null,
            significant: false,
            suppressed: true,
            flagged: true,
          },
        ],
      },
    ],
    findings: [
      {
        id: '41a6fda0-83bc-4cd6-b743-43a3977d7e66',
        title: 'Stop and search in Lancashire, April to June 2024 (demo)',
        status: 'open',
        narrative:
          'Too few searches this quarter for a reliable ratio; the interval is wide. Keep under review with the next quarter.',
        forceExplanation: null,
      },
    ],
  },
  meeting: {
    quarter: '2024-Q2',
    attendees: [
      'Det Supt (chair), Professional Standards',
      'Inspector, Burnley NPT',
      'Chair, Independent Scrutiny Panel',
    ],
    decisions:
      'Grounds and BWV activation are recurring themes in TEAM-B. PC-7001 referred for a development plan; briefing for TEAM-B on GOWISELY.',
    recordedBy: { id: '2229a490-6fbe-45e8-9725-2bbe2cad45d5', displayName: 'Demo Professional Standards' },
    updatedAt: '2024-07-02T09:30:00.000Z',
    version: 1,
    actions: [
      {
        id: '8c15064d-5574-4df8-9272-8bc5c6449b16',
        findingId: null,
        sessionId: null,
        agendaItemId: null,
        meetingQuarter: '2024-Q2',
        kind: 'policy_or_training',
        description: 'GOWISELY and BWV activation briefing for TEAM-B',
        owner: 'Inspector, Burnley NPT',
        raisedOn: '2024-04-01',
        dueOn: '2024-09-30',
        overdue: true,
        status: 'open',
        response: null,
        respondedAt: null,
        version: 1,
      },
    ],
  },
};
