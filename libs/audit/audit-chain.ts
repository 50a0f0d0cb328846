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
 * Checks a run of sealed events, in seq order, against the hash of the sealed event before the run. Returns the first
 * event that does not fit: a seq not above its predecessor's, a prevHash that is not its predecessor's hash (an event
 * removed, the chain re-linked, or the previous event altered), or a hash that does not match its content (the row
 * was altered). Seqs may skip: a transaction that drew a seq and rolled back leaves a gap no event ever filled, so a
 * removal shows in the link, not in the numbering.
 */
export function findBreak(
  events: ChainedFields[] & { hash: string }[],
  previous: { seq: number; hash: string },
): ChainBreak | null {
  let prev = previous;
  for (const event of events as (ChainedFields & { hash: string })[]) {
    if (!(event.seq > prev.seq)) {
      return { seq: event.seq, id: event.id, reason: `out of order: seq ${event.seq} after ${prev.seq}` };
    }
    if (event.prevHash !== prev.hash) {
      return {
        seq: event.seq,
        id: event.id,
        reason:
          event.seq === prev.seq + 1
            ? 'prev_hash does not match the previous event (chain re-linked or previous event altered)'
            : `prev_hash does not match the previous event seq ${prev.seq} (events removed between them, chain re-linked or previous event altered)`,
      };
    }
    if (eventHash(event) !== event.hash) {
      return { seq: event.seq, id: event.id, reason: 'hash does not match the event content (event altered)' };
    }
    prev = event;
  }
  return null;
}
