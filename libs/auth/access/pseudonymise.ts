import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * An officer as an external panel sees them: a token stable within one panel (so the panel can notice repeat
 * officers) but different between panels, and not reversible without the key (HMAC-SHA256).
 */
export function officerToken(key: string, panelId: string, officerRef: string): string {
  const digest = createHmac('sha256', key).update(`${panelId}\u001f${officerRef}`).digest();
  let token = '';
  for (let i = 0; i < 6; i++) token += ALPHABET[digest[i] % ALPHABET.length];
  return `Officer ${token}`;
}

/** Times shown to external panels are rounded down to the hour. */
export function roundToHour(date: Date): string {
  const d = new Date(date);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

/**
 * An id as an external panel sees it: an HMAC of the real id under PSEUDONYM_KEY and the panel, shaped as a UUIDv4
 * (version nibble 4), so it encodes no creation time (case and clip ids are UUIDv7) and cannot be linked between
 * panels. Nothing maps it back: a route resolves it by recomputing it over the ids in the member's scope.
 */
export function opaqueId(key: string, panelId: string, id: string): string {
  const d = createHmac('sha256', key).update(`id\u001f${panelId}\u001f${id}`).digest();
  d[6] = (d[6] & 0x0f) | 0x40;
  d[8] = (d[8] & 0x3f) | 0x80;
  const hex = d.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Free text for an external panel with every officer reference in `references` (case-insensitive, as a whole word)
 * replaced by that officer's token. Names the register does not hold cannot be recognised: see the README.
 */
export function pseudonymiseText(text: string, references: Iterable<string>, token: (reference: string) => string) {
  let out = text;
  for (const ref of [...new Set(references)].filter(Boolean).sort((a, b) => b.length - a.length)) {
    const escaped = ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), () => token(ref));
  }
  return out;
}

const sealingKey = (key: string) => createHash('sha256').update(`cursor\u001f${key}`).digest();

/**
 * A page cursor no client can read (AES-256-GCM under a key derived from PSEUDONYM_KEY): a case list's cursor holds
 * the last case's exact time and id, which an external member must not learn.
 */
export function sealCursor(key: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The value of a sealed cursor, or undefined when it is not one (tampered, or sealed under another key). */
export function openCursor(key: string, cursor: string): unknown {
  try {
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length < 29) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(key), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}
