import { seededStream } from '@scrutiny/core';

/**
 * A seeded pseudo-random generator (sfc32) keyed by SHA-256 of the seed and a label, so each stratum or rule draws
 * from its own stream: a draw is reproducible from (seed, label) alone, on any machine and Node version.
 */
export function seededRandom(seed: string, label: string): () => number {
  return seededStream(`${seed}\u001f${label}`);
}

/** `k` of `items` chosen uniformly without replacement (partial Fisher–Yates), in the order drawn. */
export function chooseWithoutReplacement<T>(items: readonly T[], k: number, random: () => number): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
