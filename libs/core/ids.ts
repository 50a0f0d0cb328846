const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from URLs and files; check them before they reach a query (TypeORM treats undefined as "any"). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

let lastMs = 0;
let sequence = 0;

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
    sequence = Math.floor(Math.random() * 0x400);
  }
  const hex = now.toString(16).padStart(12, '0');
  const rand = Array.from({ length: 4 }, () => Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')).join('');
  const variant = (0x8000 | (parseInt(rand.slice(0, 4), 16) & 0x3fff)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${variant}-${rand.slice(4, 16)}`;
}
