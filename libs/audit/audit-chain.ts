import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The hash the first event links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers (everything but the hash itself). */
export interface ChainedFields {
  seq: number;
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorRoles: string[];
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  prevHash: string;
}

export function eventHash(fields: ChainedFields): string {
  const material = canonicalJson({
    seq: fields.seq,
    id: fields.id,
    occurredAt: fields.occurredAt.toISOString(),
    actorId: fields.actorId,
    actorUsername: fields.actorUsername,
    actorRoles: fields.actorRoles,
    action: fields.action,
    targetType: fields.targetType,
    targetId: fields.targetId,
    requestId: fields.requestId,
    before: fields.before ?? null,
    after: fields.after ?? null,
    details: fields.details ?? null,
    prevHash: fields.prevHash,
  });
  return createHash('sha256').update(material).digest('hex');
}

export type ChainBreak = { seq: number; id: string; reason: string };

/**
 * Checks a run of consecutive events against the hash of the event before the run. Returns the first event
 * that does not fit: a gap in the sequence, a prevHash that is not its predecessor's hash, or a hash that does
 * not match its content (the row was altered).
 */
export function findBreak(
  events: ChainedFields[] & { hash: string }[],
  previous: { seq: number; hash: string },
): ChainBreak | null {
  let prev = previous;
  for (const event of events as (ChainedFields & { hash: string })[]) {
    if (event.seq !== prev.seq + 1) {
      return {
        seq: event.seq,
        id: event.id,
        reason: `sequence gap: expected ${prev.seq + 1}, found ${event.seq} (events removed)`,
      };
    }
    if (event.prevHash !== prev.hash) {
      return {
        seq: event.seq,
        id: event.id,
        reason: 'prev_hash does not match the previous event (chain re-linked or previous event altered)',
      };
    }
    if (eventHash(event) !== event.hash) {
      return { seq: event.seq, id: event.id, reason: 'hash does not match the event content (event altered)' };
    }
    prev = event;
  }
  return null;
}
