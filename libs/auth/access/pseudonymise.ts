import { createHmac } from 'node:crypto';

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
