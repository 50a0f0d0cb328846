import { eventHash, findBreak, GENESIS_HASH, type ChainedFields } from './audit-chain';
import { canonicalJson } from './canonical-json';

function chain(n: number): (ChainedFields & { hash: string })[] {
  const out: (ChainedFields & { hash: string })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields: ChainedFields = {
      seq,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actorId: null,
      actorUsername: 'admin',
      actorRoles: ['admin'],
      action: 'user.updated',
      targetType: 'user',
      targetId: 'u1',
      requestId: 'r',
      before: { roles: ['analyst'] },
      after: { roles: ['analyst', 'supervisor'] },
      details: null,
      prevHash: prev,
    };
    const hash = eventHash(fields);
    out.push({ ...fields, hash });
    prev = hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('accepts an intact chain', () => {
    expect(findBreak(chain(5), { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('names the altered event', () => {
    const events = chain(5);
    events[2] = { ...events[2], after: { roles: ['admin'] } };
    expect(findBreak(events, { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 3,
      reason: expect.stringContaining('altered'),
    });
  });

  it('names the event after a removed one', () => {
    const events = chain(5);
    events.splice(1, 1);
    expect(findBreak(events, { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 3,
      reason: expect.stringContaining('events removed'),
    });
  });

  it('accepts a gap in seq left by a rolled-back transaction (nothing was ever linked there)', () => {
    const events = chain(3);
    const third = { ...events[2], seq: 7 };
    events[2] = { ...third, hash: eventHash(third) };
    expect(findBreak(events, { seq: 0, hash: GENESIS_HASH })).toBeNull();
  });

  it('catches a re-hashed altered event through the next link', () => {
    const events = chain(4);
    const forged = { ...events[1], actorUsername: 'someone-else' };
    events[1] = { ...forged, hash: eventHash(forged) };
    expect(findBreak(events, { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      seq: 3,
      reason: expect.stringContaining('prev_hash'),
    });
  });

  it('hashes jsonb-reordered content the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
