/**
 * Numbers identical rows of a file as they stream past: the first row with a given content key is 1, the next
 * identical one 2, and so on, exactly as numbering them by line within their key would (the row's dedup key is its
 * content key with this number, so identical rows in one file — people searched together — are all kept, and a
 * second import of them adds nothing). Keys are the first 120 bits of the row's SHA-256 content key (its first 20
 * base64url characters, 6 bits each), held in an open-addressing table of typed arrays: no object per row for the
 * garbage collector, about 40 bytes a row.
 */
const SIXES = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((c, i) => (SIXES[c.charCodeAt(0)] = i));

/** Five base64url characters from `at` as a 30-bit number. */
function bits30(key: string, at: number): number {
  if (key.length < at + 5) throw new Error('a content key has at least 20 characters');
  return (
    (SIXES[key.charCodeAt(at)] << 24) |
    (SIXES[key.charCodeAt(at + 1)] << 18) |
    (SIXES[key.charCodeAt(at + 2)] << 12) |
    (SIXES[key.charCodeAt(at + 3)] << 6) |
    SIXES[key.charCodeAt(at + 4)]
  );
}

export class OccurrenceCounter {
  private keys: Uint32Array;
  private counts: Uint32Array;
  private mask: number;
  private size = 0;

  constructor(capacity = 1 << 16) {
    let slots = 1;
    while (slots < capacity * 2) slots <<= 1;
    this.keys = new Uint32Array(slots * 4);
    this.counts = new Uint32Array(slots);
    this.mask = slots - 1;
  }

  /** How many rows with this content key (base64url, at least 20 characters) have been seen, this one included. */
  next(contentKey: string): number {
    const a = bits30(contentKey, 0);
    const b = bits30(contentKey, 5);
    const c = bits30(contentKey, 10);
    const d = bits30(contentKey, 15);
    const { keys, counts, mask } = this;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const count = counts[slot];
      const k = slot * 4;
      if (count === 0) {
        keys[k] = a;
        keys[k + 1] = b;
        keys[k + 2] = c;
        keys[k + 3] = d;
        counts[slot] = 1;
        if (++this.size * 2 > counts.length) this.grow();
        return 1;
      }
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d)
        return (counts[slot] = count + 1);
    }
  }

  private grow(): void {
    const { keys, counts } = this;
    const slots = counts.length * 2;
    this.keys = new Uint32Array(slots * 4);
    this.counts = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let slot = 0; slot < counts.length; slot++) {
      if (!counts[slot]) continue;
      const k = slot * 4;
      let to = keys[k] & this.mask;
      while (this.counts[to]) to = (to + 1) & this.mask;
      this.keys.set(keys.subarray(k, k + 4), to * 4);
      this.counts[to] = counts[slot];
    }
  }
}
