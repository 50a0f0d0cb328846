import { createHash } from 'node:crypto';

/**
 * A seeded pseudo-random generator (sfc32) keyed by SHA-256 of the seed and a label, so each stratum or rule draws
 * from its own stream: a draw is reproducible from (seed, label) alone, on any machine and Node version (integer
 * arithmetic only, no Math.random).
 */
export function seededRandom(seed: string, label: string): () => number {
  const key = createHash('sha256').update(`${seed}\u001f${label}`).digest();
  let a = key.readUInt32LE(0);
  let b = key.readUInt32LE(4);
  let c = key.readUInt32LE(8);
  let d = key.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // discard the first outputs, which still echo the key
  return next;
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
