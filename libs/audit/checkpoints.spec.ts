import { generateAuditKeyPair, parseSigningKey, parseVerifyKeys, auditKeyId } from '@scrutiny/core';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { checkpointSignatureProblem, signCheckpoint } from './checkpoints';

describe('audit checkpoint signatures', () => {
  const pair = generateAuditKeyPair();
  const key = parseSigningKey(pair.privateKey);
  const keys = new Map([[pair.keyId, createPublicKey(key)]]);
  const head = { seq: 1000, hash: 'a'.repeat(64) };

  it('signs seq, hash and time so that the public key alone verifies them', () => {
    const c = signCheckpoint(key, head, new Date('2026-01-02T03:04:05Z'));
    expect(c).toMatchObject({ seq: 1000, hash: head.hash, at: '2026-01-02T03:04:05.000Z', keyId: pair.keyId });
    expect(checkpointSignatureProblem(c, keys)).toBeNull();
    const [publicOnly] = parseVerifyKeys(pair.publicKey);
    expect(checkpointSignatureProblem(c, new Map([[auditKeyId(publicOnly), publicOnly]]))).toBeNull();
  });

  it('rejects any change to a signed field, and keys it does not know', () => {
    const c = signCheckpoint(key, head, new Date());
    for (const altered of [
      { ...c, seq: 999 },
      { ...c, hash: 'b'.repeat(64) },
      { ...c, at: new Date(0).toISOString() },
    ]) {
      expect(checkpointSignatureProblem(altered, keys)).toMatch(/signature does not verify/);
    }
    const other = signCheckpoint(parseSigningKey(generateAuditKeyPair().privateKey), head, new Date());
    expect(checkpointSignatureProblem(other, keys)).toMatch(/not a known key/);
  });

  it('reads the key as PEM (with \\n escapes) or base64 DER, and refuses other kinds of key', () => {
    const pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(auditKeyId(parseSigningKey(pem.replace(/\n/g, '\\n')))).toBe(pair.keyId);
    expect(() => parseSigningKey('not a key!')).toThrow(/PEM key or the base64/);
    expect(() => parseSigningKey('AAAA')).toThrow(/not a readable private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    expect(() => parseSigningKey(rsa.toString())).toThrow(/must be an Ed25519 key \(this one is rsa\)/);
  });
});
