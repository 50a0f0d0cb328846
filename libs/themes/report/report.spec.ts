import { PALETTE, rateRatioChart, themesOverTimeChart } from './charts';
import { chartSvg, escapeHtml } from './html';
import { pdfText, wrapLines } from './pdf';
import { printedCell, tableCsv } from './tables';

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
      columns: ['a', 'b', 'c'],
      rows: [
        ['=HYPERLINK("x")', -3, 'one, two'],
        [null, true, '@SUM(A1)'],
      ],
    });
    expect(csv).toBe(`a,b,c\r\n"'=HYPERLINK(""x"")",-3,"one, two"\r\n,yes,'@SUM(A1)\r\n`);
    expect(tableCsv({ name: 't', title: 'T', columns: ['r'], rows: [[0.086293585]] })).toBe('r\r\n0.086293585\r\n');
    expect([0.086293585, 121.71, 1234, 3.5e-7, null].map(printedCell)).toEqual(['0.0863', '122', '1234', '3.5e-7', '']);
  });

  it('wraps cell text at spaces, breaks only words wider than the column, and keeps blank lines', () => {
    const width = (t: string) => t.length; // one unit per character
    expect(wrapLines('aaa bbb ccc', 7, width)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapLines('abcdefghij xy', 4, width)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
    expect(wrapLines('one\n\ntwo', 10, width)).toEqual(['one', '', 'two']);
    const long = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const lines = wrapLines(long, 60, width);
    expect(lines.every((l) => l.length <= 60)).toBe(true);
    expect(lines.join(' ')).toBe(long);
  });
});
