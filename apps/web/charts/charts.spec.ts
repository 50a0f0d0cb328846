import { authoritiesOf, choropleth, DIVERGING, NO_DATA, ratioClass } from './choropleth';
import { forestPlot } from './forest';
import { funnelPlot } from './funnel';
import { lineChart } from './line';
import type { ChartFigure } from './chart';

/** Every chart: role="img" named by its own title and described by its desc, both escaped, and a table of its figures. */
function expectAccessible(f: ChartFigure) {
  expect(f.svg).toMatch(new RegExp(`^<svg [^>]*role="img" aria-labelledby="${f.id}-title ${f.id}-desc"`));
  expect(f.svg).toContain(`<title id="${f.id}-title">`);
  expect(f.svg).toContain(`<desc id="${f.id}-desc">`);
  expect(f.svg).not.toMatch(/<script|on\w+=/i);
  expect(f.table.rows.every((r) => r.length === f.table.head.length)).toBe(true);
}

describe('web charts', () => {
  it('draws a forest plot from the report pack’s shapes, with the ratios and intervals in its table', () => {
    const f = forestPlot({
      title: 'Rate ratio to White <b>',
      subtitle: 'self-defined ethnicity',
      rows: [
        { label: 'Black', ratio: 4.8, lower: 3.1, upper: 7.25, significant: true },
        { label: 'Asian', ratio: null, lower: null, upper: null, significant: false, note: 'withheld' },
      ],
      headings: ['Group', 'Ratio', 'Lower', 'Upper', 'Significant', 'Note'],
      yesNo: ['yes', 'no'],
    });
    expectAccessible(f);
    expect(f.svg).toContain('Rate ratio to White &lt;b&gt;');
    expect(f.svg).not.toContain('<b>');
    expect(f.table.rows).toEqual([
      ['Black', '4.8', '3.1', '7.25', 'yes', ''],
      ['Asian', '', '', '', '', 'withheld'],
    ]);
    expect(f.description).toContain('Black: 4.8 (95% CI 3.1 to 7.3), significant');
  });

  it('draws a line chart whose lines break at missing values, every period in the table', () => {
    const f = lineChart({
      title: 'Rates over time',
      periods: ['2024-01', '2024-02', '2024-03'],
      series: [
        { label: 'Black', values: [10, null, 12] },
        { label: 'White', values: [2, 2, 2.5] },
      ],
      measure: 'Per 1,000',
      periodHeading: 'Month',
    });
    expectAccessible(f);
    // Black has no segment across the gap: only White's line (3 points) and the two legend samples are polylines.
    const polylines = f.svg.match(/<polyline points="([^"]+)"/g)!;
    expect(polylines.map((p) => p.split(' ').length - 1)).toEqual([2, 3, 2].map((n) => n));
    expect(f.table.rows).toEqual([
      ['2024-01', '10', '2'],
      ['2024-02', '', '2'],
      ['2024-03', '12', '2.5'],
    ]);
  });

  it('maps a force’s local authorities from the ONS boundaries with a diverging colour-blind-safe scale', () => {
    const lancs = authoritiesOf('E23000003');
    expect(lancs.length).toBe(14);
    expect(lancs.map((a) => a.name)).toContain('Blackburn with Darwen');
    const areas = lancs.map((a, i) => ({
      ...a,
      ratio: i === 0 ? null : 0.4 + i * 0.2,
      note: i === 0 ? 'withheld' : null,
    }));
    const f = choropleth({
      title: 'Rate ratio by local authority',
      measure: 'Rate ratio, Black to White',
      forceCode: 'E23000003',
      areas,
      headings: ['Area', 'Code', 'Ratio', 'Lower', 'Upper', 'Note'],
      noRatio: 'No ratio',
    });
    expectAccessible(f);
    const paths = f.svg.match(/<path d="M[^"]+" fill="(#[0-9a-f]{6})"[^>]*><title>([^<]+)<\/title>/g)!;
    expect(paths).toHaveLength(14);
    expect(f.svg).toContain(`fill="${NO_DATA}"`);
    expect(f.svg).toContain(`<title>${lancs[0].name}: withheld</title>`);
    expect(f.table.rows).toHaveLength(14);
    // Every coordinate is inside the drawing.
    const coords = [...f.svg.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(Math.min(...coords.flat())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...coords.map((c) => c[0]))).toBeLessThanOrEqual(520);
    // Simplified: a force map stays small enough to inline in a page.
    expect(f.svg.length).toBeLessThan(120_000);
  });

  it('classes ratios about parity: purple below, orange above, neutral at about 1', () => {
    expect(DIVERGING[ratioClass(0.3)]).toBe('#542788');
    expect(DIVERGING[ratioClass(1)]).toBe('#f7f7f7');
    expect(DIVERGING[ratioClass(2)]).toBe('#b35806');
    expect(DIVERGING[ratioClass(1.2)]).toBe('#fee0b6');
  });

  it('draws a funnel plot with control limits and marks units outside them by shape as well as colour', () => {
    const f = funnelPlot({
      title: 'Share of searches of Black people by team',
      benchmark: 0.2,
      units: [
        { unit: 'TEAM-A', searches: 100, share: 0.5, outside95: true, outside998: true },
        { unit: 'TEAM-B', searches: 50, share: 0.2, outside95: false, outside998: false },
      ],
      headings: ['Team', 'Searches', 'Share', 'Outside 95%', 'Outside 99.8%'],
      yesNo: ['yes', 'no'],
    });
    expectAccessible(f);
    expect(f.svg.match(/<rect /g)).toHaveLength(1);
    expect(f.description).toContain('outside the 99.8% limits: TEAM-A');
    expect(f.table.rows[0]).toEqual(['TEAM-A', '100', '50%', 'yes', 'yes']);
  });
});
