import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Ed25519 keys as decisions use them. A public key travels as the base64url
 * of its 32 raw bytes (the JWK `x`), which any library reads; its key id is
 * derived from those bytes, so a key id names one key and nothing else.
 */

export const ED25519_SIGNATURE_BYTES = 64;
const RAW_PUBLIC = /^[A-Za-z0-9_-]{43}$/;

export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

/** `ed25519_` and the first 128 bits of SHA-256 over the raw public key, in hex. */
export function keyIdOf(publicKey: string): string {
  return `ed25519_${createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 32)}`;
}

const rawOf = (key: KeyObject): string => key.export({ format: 'jwk' }).x!;

/** A public key from PEM (SPKI) or from the base64url of its 32 raw bytes; returns the base64url form. */
export function parsePublicKey(text: string): string {
  const trimmed = text.trim();
  if (RAW_PUBLIC.test(trimmed) && Buffer.from(trimmed, 'base64url').toString('base64url') === trimmed) return trimmed;
  let key: KeyObject;
  try {
    key = createPublicKey(trimmed);
  } catch {
    throw new KeyFormatError('must be an Ed25519 public key: PEM ("-----BEGIN PUBLIC KEY-----") or the base64url of its 32 bytes');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFormatError(`must be an Ed25519 key (this one is ${key.asymmetricKeyType ?? 'unknown'})`);
  return rawOf(key);
}

/** A private key from PKCS#8 PEM (or a KeyObject), checked to be Ed25519. */
export function parsePrivateKey(key: KeyObject | string): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch {
    throw new KeyFormatError('is not a private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")');
  }
  if (object.type !== 'private' || object.asymmetricKeyType !== 'ed25519') throw new KeyFormatError('is not an Ed25519 private key');
  return object;
}

/** The base64url public key of a private key. */
export const publicKeyOf = (privateKey: KeyObject): string => rawOf(createPublicKey(privateKey));

/** base64url Ed25519 signature of `message`. */
export const signEd25519 = (privateKey: KeyObject, message: Buffer): string => sign(null, message, privateKey).toString('base64url');

/** True when `signature` (raw bytes) is `publicKey`'s signature over `message`. */
export function verifyEd25519(publicKey: string, message: Buffer, signature: Buffer): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  return verify(null, message, key, signature);
}
