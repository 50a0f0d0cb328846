import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/**
 * Ed25519 keys for the audit checkpoints. Accepted forms, so a key fits in one environment variable: PEM (with real
 * line breaks or `\n`), or the base64 of the DER (PKCS#8 for the private key, SPKI for a public one).
 */
function keyText(text: string): { pem: string } | { der: Buffer } {
  const trimmed = text.trim().replace(/\\n/g, '\n');
  if (trimmed.startsWith('-----BEGIN')) return { pem: trimmed };
  if (!/^[A-Za-z0-9+/_=-]+$/.test(trimmed)) throw new Error('must be a PEM key or the base64 of a DER key');
  return { der: Buffer.from(trimmed, 'base64') };
}

function ed25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`must be an Ed25519 key (this one is ${key.asymmetricKeyType ?? 'not asymmetric'})`);
  }
  return key;
}

export function parseSigningKey(text: string): KeyObject {
  const source = keyText(text);
  let key: KeyObject;
  try {
    key =
      'pem' in source
        ? createPrivateKey(source.pem)
        : createPrivateKey({ key: source.der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('is not a readable private key (PEM, or base64 PKCS#8 DER; see `npm run cli -- audit:keygen`)');
  }
  return ed25519(key);
}

export function parseVerifyKeys(text: string): KeyObject[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const source = keyText(part);
      let key: KeyObject;
      try {
        key =
          'pem' in source
            ? createPublicKey(source.pem)
            : createPublicKey({ key: source.der, format: 'der', type: 'spki' });
      } catch {
        throw new Error('each key must be a readable public key (PEM, or base64 SPKI DER)');
      }
      return ed25519(key);
    });
}

/** A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function auditKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/** A new key pair in the one-line forms the environment takes. */
export function generateAuditKeyPair(): { privateKey: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    keyId: auditKeyId(publicKey),
  };
}
