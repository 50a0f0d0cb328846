import { createHash } from 'node:crypto';

/**
 * A seeded pseudo-random generator (sfc32) keyed by SHA-256 of `key`: the same key gives the same stream on any
 * machine and Node version (integer arithmetic only, no Math.random). Dip-sample draws and the agreement bootstrap
 * both draw from it, so their results can be recomputed from what they recorded.
 */
export function seededStream(key: string): () => number {
  const digest = createHash('sha256').update(key).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
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
