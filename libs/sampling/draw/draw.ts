import { createHash } from 'node:crypto';
import { allocate, type Cell } from './allocation';
import type { PlanSpec } from './plan-spec';
import { chooseWithoutReplacement, seededRandom } from './prng';
import { findRule, type EligibleRecord } from './rules';

/**
 * Names the algorithm below; a sample records it, and verification recomputes a sample with the version that drew it.
 * Version 2 gives every non-empty stratum of the random part at least one item while the sample size lasts (version 1
 * allocated purely proportionally, so small strata could get none and vanish from the estimates).
 */
export const ALGORITHM_VERSION = 'stratified-srs-with-targeted/2';
/** Every version this code can still draw (oldest first): samples drawn with any of them can be verified. */
export const ALGORITHM_VERSIONS = ['stratified-srs-with-targeted/1', ALGORITHM_VERSION] as const;
export type AlgorithmVersion = (typeof ALGORITHM_VERSIONS)[number];

export function isAlgorithmVersion(version: string): version is AlgorithmVersion {
  return (ALGORITHM_VERSIONS as readonly string[]).includes(version);
}

export interface DrawnItem {
  kind: string;
  id: string;
  /** 'random', or the targeted rule that selected the record. */
  reason: string;
  /** Every enabled rule the record matched (a random item can match none). */
  matchedRules: string[];
  /** The stratum (random part) or rule tier the record was drawn from, and its size. */
  stratum: string;
  stratumSize: number;
  inclusionProbability: number;
}

export interface DrawResult {
  algorithmVersion: string;
  eligibleCount: number;
  /** SHA-256 of the sorted eligible ids (kind:id per line). */
  fingerprint: string;
  items: DrawnItem[];
  /** Random part: each stratum's size and how many were drawn from it. */
  allocation: { stratum: string; population: number; sampled: number }[];
}

const byKindAndId = (a: EligibleRecord, b: EligibleRecord) =>
  a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export function populationFingerprint(population: readonly { kind: string; id: string }[]): string {
  const hash = createHash('sha256');
  for (const r of [...population].sort((a, b) => byKindAndId(a as EligibleRecord, b as EligibleRecord)))
    hash.update(`${r.kind}:${r.id}\n`);
  return hash.digest('hex');
}

/**
 * The draw: a pure function of (eligible population, plan, seed). Targeted rules go first, in the plan's order,
 * each taking the records it matches (highest-priority tier first; a rule with `max` takes a seeded random subset
 * of the tier that does not fit); a record is selected once, under the first rule that takes it. The random part
 * then stratifies the rest (the plan's dimensions, plus the area when there is a floor and the team when there is
 * a quota), allocates the sample size across strata proportionally under the floor and quota, and draws each
 * stratum by simple random sampling, so each item's inclusion probability is exactly its stratum's n ÷ N.
 * `algorithmVersion` (default: the current one) recomputes a sample drawn by an earlier version.
 */
export function drawSample(input: {
  population: readonly EligibleRecord[];
  spec: PlanSpec;
  seed: string;
  algorithmVersion?: AlgorithmVersion;
}): DrawResult {
  const { spec, seed } = input;
  const algorithmVersion = input.algorithmVersion ?? ALGORITHM_VERSION;
  const population = [...input.population].sort(byKindAndId);
  const enabled = spec.rules.filter((s) => s.enabled).map((s) => ({ setting: s, rule: findRule(s.rule)! }));
  const matches = new Map<string, string[]>();
  for (const r of population) {
    const names = enabled
      .filter(({ rule, setting }) => rule.match(r, setting.params) !== null)
      .map(({ rule }) => rule.name);
    if (names.length) matches.set(r.id, names);
  }

  const items: DrawnItem[] = [];
  const selected = new Set<string>();
  for (const { setting, rule } of enabled) {
    const tiers = new Map<number, EligibleRecord[]>();
    for (const r of population) {
      if (selected.has(r.id)) continue;
      const tier = rule.match(r, setting.params);
      if (tier === null) continue;
      const group = tiers.get(tier);
      if (group) group.push(r);
      else tiers.set(tier, [r]);
    }
    let slots = setting.max ?? Infinity;
    for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
      const candidates = tiers.get(tier)!;
      const taken =
        candidates.length <= slots
          ? candidates
          : chooseWithoutReplacement(candidates, slots, seededRandom(seed, `rule:${rule.name}:${tier}`));
      for (const r of taken) {
        selected.add(r.id);
        items.push({
          kind: r.kind,
          id: r.id,
          reason: rule.name,
          matchedRules: matches.get(r.id) ?? [],
          stratum: `rule:${rule.name}:tier-${tier}`,
          stratumSize: candidates.length,
          inclusionProbability: taken.length / candidates.length,
        });
      }
      slots -= taken.length;
      if (slots <= 0) break;
    }
  }

  const rest = population.filter((r) => !selected.has(r.id));
  const dimensions = [
    ...spec.strata,
    ...(spec.areaFloor > 0 && !spec.strata.includes('area') ? ['area' as const] : []),
    ...(spec.teamQuota !== null ? ['team' as const] : []),
  ];
  const valueOf = (r: EligibleRecord, d: (typeof dimensions)[number]) =>
    d === 'area' ? r.area : d === 'power' ? r.power : d === 'kind' ? r.kind : r.team;
  const cells = new Map<string, { cell: Cell; records: EligibleRecord[] }>();
  for (const r of rest) {
    const key = dimensions.length ? dimensions.map((d) => `${d}=${valueOf(r, d) ?? '-'}`).join('|') : 'all';
    const entry = cells.get(key) ?? { cell: { key, area: r.area, team: r.team, size: 0 }, records: [] };
    entry.cell.size++;
    entry.records.push(r);
    cells.set(key, entry);
  }
  let capacity: Map<string, number> | null = null;
  if (spec.teamQuota !== null) {
    capacity = new Map();
    for (const r of population) if (r.team !== null) capacity.set(r.team, spec.teamQuota);
    const teamOf = new Map(population.map((r) => [r.id, r.team]));
    for (const item of items) {
      const team = teamOf.get(item.id);
      if (team) capacity.set(team, Math.max(0, capacity.get(team)! - 1));
    }
  }
  const allocation = allocate(
    [...cells.values()].map((c) => c.cell),
    spec.sampleSize,
    spec.areaFloor,
    capacity,
    { oneForEveryCell: algorithmVersion !== 'stratified-srs-with-targeted/1' },
  );
  const strata: DrawResult['allocation'] = [];
  for (const key of [...cells.keys()].sort()) {
    const { records } = cells.get(key)!;
    const n = allocation.get(key) ?? 0;
    strata.push({ stratum: key, population: records.length, sampled: n });
    for (const r of chooseWithoutReplacement(records, n, seededRandom(seed, `stratum:${key}`))) {
      items.push({
        kind: r.kind,
        id: r.id,
        reason: 'random',
        matchedRules: matches.get(r.id) ?? [],
        stratum: key,
        stratumSize: records.length,
        inclusionProbability: n / records.length,
      });
    }
  }
  return {
    algorithmVersion,
    eligibleCount: population.length,
    fingerprint: populationFingerprint(population),
    items,
    allocation: strata,
  };
}
