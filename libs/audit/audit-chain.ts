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
