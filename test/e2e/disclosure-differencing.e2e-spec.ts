import { seededStream } from '@scrutiny/core';
import { shownCount } from '@scrutiny/statistics';
import { tokenFor } from '../factories/users';
import { createTestApp, type TestApp } from '../setup/test-app';

/**
 * The differencing attack of issue 13 (point 6), through the HTTP API as an analyst: ask for a set, a part of it and
 * the rest (adjacent periods, two local authorities of a force, two powers), and work out each withheld count from
 * what is shown. Before the disclosure rule every count from 10 up was exact, so whole − part gave a withheld rest
 * exactly (7 counts recovered in 210 requests). Now no count under 10 may be pinned to one value.
 *
 * The attack, precisely: for each cell (a group, the not-stated count, the total) of a triple (whole W, part A,
 * rest B = W − A), the analyst knows shown(W), shown(A) and shown(B). Each shown figure stands for the true counts
 * its rule allows: under the disclosure rule the response states, a shown s is s to s + 4 and a withheld one 0 to 9;
 * without it, a shown count is exact. The values of B consistent with all three (b in band(B), some a in band(A)
 * with a + b in band(W)) are what the analyst can say of B. For every B under 10 the test asserts at least two
 * remain (and, for the rule, at least four: the unit tests prove the bound), and that the true B is one of them
 * (the bands are honest). The same for A as the rest of W − B, and for the pair alone (without B's own figure).
 */

const FORCE = 'E23000003'; // Lancashire
const LAS = ['E07000117', 'E07000122']; // Burnley, Pendle: every seeded record is in one of them
const POWERS = ['misuse_of_drugs_act_s23', 'pace_s1']; // every seeded record has one of them
const MONTHS = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06'];
/** Self-defined code and the officer's record for each seeded group (Mixed: officers record no Mixed). */
const GROUPS: Record<string, { self: string | null; officer: string | null }> = {
  white: { self: 'W1', officer: 'white' },
  black: { self: 'B1', officer: 'black' },
  asian: { self: 'A3', officer: 'asian' },
  mixed: { self: 'M1', officer: 'other' },
  other: { self: 'O9', officer: 'other' },
  not_stated: { self: null, officer: null },
};
const SEXES = ['female', 'male'];

interface Atom {
  month: string;
  area: string;
  power: string;
  group: string;
  sex: string;
  n: number;
}

interface Query {
  from: number;
  to: number;
  area: string | null; // null: the force
  power: string | null;
  view: 'self' | 'officer' | 'sex';
}

describe('disclosure: no withheld count can be worked out by differencing (e2e)', () => {
  let t: TestApp;
  let analyst: string;
  let psd: string;
  const atoms: Atom[] = [];
  const rnd = seededStream('issue-13-differencing');

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
    analyst = await tokenFor(t, 'analyst');
    psd = await tokenFor(t, 'professional_standards');
    // Many small cells: most atoms hold 0 to 4 records, a few (White above all) more.
    for (const month of MONTHS)
      for (const area of LAS)
        for (const power of POWERS)
          for (const group of Object.keys(GROUPS))
            for (const sex of SEXES) {
              const big = group === 'white' ? 0.7 : 0.15;
              const n = rnd() < big ? 3 + Math.floor(rnd() * 12) : Math.floor(rnd() * 4);
              if (n) atoms.push({ month, area, power, group, sex, n });
            }
    await t.dataSource.query(
      `INSERT INTO stop_searches (force_code, area_code, occurred_at, period, search_type, legislation, age_range, gender,
         clothing_removed, self_defined_ethnicity, officer_defined_ethnicity, source, version)
       SELECT $1, a.area, (a.month || '-10T12:00:00Z')::timestamptz, (a.month || '-01')::date, 'person', a.power, '18-24', a.sex,
         false, a.self, a.officer, 'manual', 1
       FROM jsonb_to_recordset($2::jsonb) AS a(month text, area text, power text, sex text, self text, officer text, n int)
       CROSS JOIN LATERAL generate_series(1, a.n)`,
      [FORCE, JSON.stringify(atoms.map((a) => ({ ...a, ...GROUPS[a.group] })))],
    );
  }, 120_000);
  afterAll(() => t.close());

  const groupIn = (a: Atom, view: Query['view']) =>
    view === 'sex' ? a.sex : view === 'officer' ? (GROUPS[a.group].officer ?? 'not_stated') : a.group;

  /** The true count of each cell of a query, from the seeded atoms. */
  function truth(q: Query): Map<string, number> {
    const cells = new Map<string, number>();
    for (const a of atoms) {
      const m = MONTHS.indexOf(a.month);
      if (m < q.from || m > q.to || (q.area && a.area !== q.area) || (q.power && a.power !== q.power)) continue;
      const g = groupIn(a, q.view);
      cells.set(g, (cells.get(g) ?? 0) + a.n);
      cells.set('total', (cells.get('total') ?? 0) + a.n);
    }
    return cells;
  }

  const url = (q: Query) =>
    `/api/v1/disproportionality?from=${MONTHS[q.from]}&to=${MONTHS[q.to]}&area=${q.area ?? 'lancashire'}` +
    (q.power ? `&power=${q.power}` : '') +
    (q.view === 'sex' ? '&by=sex' : `&basis=${q.view}`);

  type Cell = { shown: number | null; suppressed: boolean; rule: boolean; kind: 'group' | 'total' };
  type Shown = Map<string, Cell>;
  const asked = new Map<string, Shown>();
  let requests = 0;

  /** What the analyst is shown for each cell of a query (asked once: the same query gives the same answer). */
  async function ask(q: Query): Promise<Shown> {
    const key = url(q);
    const hit = asked.get(key);
    if (hit) return hit;
    requests++;
    const body = (await t.http().get(key).set('authorization', `Bearer ${analyst}`).expect(200)).body;
    const rule = body.disclosure?.rule === 'rounded_base_5_suppressed_under_10' && body.disclosure.applied === true;
    const shown: Shown = new Map();
    for (const g of body.groups as { group: string; count: number | null; suppressed: boolean }[])
      shown.set(g.group, { shown: g.count, suppressed: g.suppressed, rule, kind: 'group' });
    const ns = body.notStated;
    if (ns) shown.set('not_stated', { shown: ns.count, suppressed: ns.suppressed, rule, kind: 'group' });
    shown.set('total', { shown: body.total, suppressed: body.total === null, rule, kind: 'total' });
    asked.set(key, shown);
    return shown;
  }

  /** The true counts a shown figure stands for, as the analyst reads it. */
  function band(cell: Cell | undefined): [number, number] {
    if (!cell) return [0, 0]; // a group not listed has no records
    if (cell.shown === null)
      // Withheld: under 10 when it says so. (Before the rule a total, or a group beside a small comparator, was also
      // withheld: then it says nothing but that it is not under 10.)
      return cell.kind === 'total' && !cell.rule ? [0, Infinity] : cell.suppressed ? [0, 9] : [10, Infinity];
    return cell.rule ? [cell.shown, cell.shown + 4] : [cell.shown, cell.shown];
  }

  /** Values of the rest consistent with the whole's and the part's bands (and the rest's own, when given). */
  function feasible(whole: [number, number], part: [number, number], rest?: [number, number]): [number, number] {
    let lo = Math.max(0, whole[0] - part[1]);
    let hi = whole[1] - part[0];
    if (rest) [lo, hi] = [Math.max(lo, rest[0]), Math.min(hi, rest[1])];
    return [lo, hi];
  }

  function randomQuery(): Query {
    const from = Math.floor(rnd() * (MONTHS.length - 1));
    const to = from + 1 + Math.floor(rnd() * (MONTHS.length - 1 - from));
    const r = rnd();
    return {
      from,
      to,
      area: r < 0.5 ? null : LAS[Math.floor(rnd() * LAS.length)],
      power: rnd() < 0.6 ? null : POWERS[Math.floor(rnd() * POWERS.length)],
      view: (['self', 'self', 'officer', 'sex'] as const)[Math.floor(rnd() * 4)],
    };
  }

  /** A query split into two that add up to it: adjacent periods, the force's two authorities, or the two powers. */
  function split(w: Query): [Query, Query] | null {
    const how = Math.floor(rnd() * 3);
    if (how === 0) {
      const m = w.from + Math.floor(rnd() * (w.to - w.from));
      return [
        { ...w, to: m },
        { ...w, from: m + 1 },
      ];
    }
    if (how === 1 && w.area === null)
      return [
        { ...w, area: LAS[0] },
        { ...w, area: LAS[1] },
      ];
    if (how === 2 && w.power === null)
      return [
        { ...w, power: POWERS[0] },
        { ...w, power: POWERS[1] },
      ];
    return null;
  }

  it('an insider sees the seeded counts; the analyst, what the rule makes of them', async () => {
    // The records are what the seed says (an insider sees the true counts)...
    const q: Query = { from: 0, to: 5, area: null, power: null, view: 'self' };
    const inside = (await t.http().get(url(q)).set('authorization', `Bearer ${psd}`).expect(200)).body;
    expect(inside.disclosure).toEqual({ rule: 'rounded_base_5_suppressed_under_10', applied: false });
    const expected = truth(q);
    for (const g of inside.groups) expect([g.group, g.count]).toEqual([g.group, expected.get(g.group) ?? 0]);
    expect(inside.total).toBe(expected.get('total'));
    // ...and the analyst is shown what the rule makes of them.
    const outside = (await t.http().get(url(q)).set('authorization', `Bearer ${analyst}`).expect(200)).body;
    expect(outside.disclosure).toEqual({ rule: 'rounded_base_5_suppressed_under_10', applied: true });
    for (const g of outside.groups)
      expect([g.group, g.count, g.suppressed]).toEqual([
        g.group,
        shownCount(expected.get(g.group) ?? 0),
        (expected.get(g.group) ?? 0) < 10,
      ]);
    expect(outside.total).toBe(shownCount(expected.get('total')!));
  });

  it('no count under 10 follows from pairs and triples of queries: random splits of random queries', async () => {
    let attacks = 0;
    let targets = 0;
    let narrowest = Infinity;
    const pinned = new Set<string>();
    const dishonest: string[] = [];
    while (requests < 185) {
      const w = randomQuery();
      const parts = split(w);
      if (!parts) continue;
      const [a, b] = parts;
      const [sw, sa, sb] = [await ask(w), await ask(a), await ask(b)];
      const [tw, ta, tb] = [truth(w), truth(a), truth(b)];
      attacks++;
      for (const cell of new Set([...sw.keys(), ...sa.keys(), ...sb.keys()])) {
        // Each part in turn is the target; the other is the known part.
        for (const [target, trueTarget, known] of [
          [sb.get(cell), tb.get(cell) ?? 0, sa.get(cell)],
          [sa.get(cell), ta.get(cell) ?? 0, sb.get(cell)],
        ] as const) {
          expect(tw.get(cell) ?? 0).toBe((ta.get(cell) ?? 0) + (tb.get(cell) ?? 0));
          if (trueTarget >= 10) continue;
          targets++;
          for (const withOwn of [false, true]) {
            const [lo, hi] = feasible(band(sw.get(cell)), band(known), withOwn ? band(target) : undefined);
            // The bands are honest: the true count is among the values they allow.
            if (trueTarget < lo || trueTarget > hi)
              dishonest.push(`${url(w)} ${cell}: ${trueTarget} not in ${lo}–${hi}`);
            narrowest = Math.min(narrowest, hi - lo + 1);
            if (hi === lo) pinned.add(`${cell} of ${url(target === sb.get(cell) ? b : a)}: ${trueTarget}`);
          }
        }
      }
    }
    expect(requests).toBeLessThanOrEqual(200);
    expect(attacks).toBeGreaterThan(30);
    expect(targets).toBeGreaterThan(100); // the seed has many small cells
    expect([...pinned]).toEqual([]);
    expect(dishonest).toEqual([]);
    expect(narrowest).toBeGreaterThanOrEqual(4);
  });

  it('trends and outcomes give each count through the same rule', async () => {
    for (let i = 0; i < 5; i++) {
      const q = { ...randomQuery(), view: 'self' as const };
      const base = url(q).replace('/api/v1/disproportionality?', '');
      const trends = (
        await t
          .http()
          .get(`/api/v1/disproportionality/trends?${base}`)
          .set('authorization', `Bearer ${analyst}`)
          .expect(200)
      ).body;
      expect(trends.disclosure).toEqual({ rule: 'rounded_base_5_suppressed_under_10', applied: true });
      for (const s of trends.series as { period: string; groups: { group: string; count: number | null }[] }[]) {
        const m = MONTHS.indexOf(s.period);
        const month = truth({ ...q, from: m, to: m });
        for (const g of s.groups)
          expect([s.period, g.group, g.count]).toEqual([s.period, g.group, shownCount(month.get(g.group) ?? 0)]);
      }
      const outcomes = (
        await t
          .http()
          .get(`/api/v1/disproportionality/outcomes?${base}`)
          .set('authorization', `Bearer ${analyst}`)
          .expect(200)
      ).body;
      const all = truth(q);
      for (const g of outcomes.groups as { group: string; searches: number | null; find: { reason: string } }[]) {
        expect([g.group, g.searches]).toEqual([g.group, shownCount(all.get(g.group) ?? 0)]);
        // Nothing seeded records the link: no rate, and no exact 0 either (under 10 is withheld like any count).
        expect(g.find.reason).toMatch(/under 10|fewer than 10/);
      }
    }
  });

  it('rates and other figures carry nothing beyond the bands: a rate times the population gives the band’s middle', async () => {
    let checked = 0;
    for (const shown of [...asked.keys()].slice(0, 20)) {
      const body = (await t.http().get(shown).set('authorization', `Bearer ${analyst}`).expect(200)).body;
      for (const g of body.groups as {
        count: number | null;
        ratePer1000: number | null;
        population: number | null;
      }[]) {
        if (g.count === null) expect(g.ratePer1000).toBeNull();
        if (g.ratePer1000 === null || !g.population) continue;
        checked++;
        const implied = (g.ratePer1000 * g.population) / 1000;
        expect(Math.abs(implied - (g.count! + 2)) / (g.count! + 2)).toBeLessThan(0.005);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
