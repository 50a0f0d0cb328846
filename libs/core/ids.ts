import { randomFillSync } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from URLs and files; check them before they reach a query (TypeORM treats undefined as "any"). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

let lastMs = 0;
let sequence = 0;
// Random bits come from a pooled buffer: one crypto call per 8,192 ids rather than Math.random per id.
const pool = Buffer.alloc(65_536);
let poolAt = pool.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  let out = '';
  for (let i = 0; i < bytes; i++) out += HEX[pool[poolAt++]];
  return out;
}

/**
 * A time-ordered UUID (version 7, RFC 9562) with a 12-bit counter within each millisecond, so ids made in bulk
 * arrive in ascending order and append to the primary-key index instead of landing at random places in it.
 */
export function uuidv7(now = Date.now()): string {
  if (now <= lastMs) {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    sequence = parseInt(randomHex(2), 16) & 0x3ff;
  }
  const hex = now.toString(16).padStart(12, '0');
  const rand = randomHex(8);
  const variant = HEX[0x80 | (parseInt(rand.slice(0, 2), 16) & 0x3f)] + rand.slice(2, 4);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${variant}-${rand.slice(4, 16)}`;
}
