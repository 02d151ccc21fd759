import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Ed25519 keys in the signed-note (golang.org/x/mod/sumdb/note, C2SP
 * signed-note) text forms:
 *   private  PRIVATE+KEY+<name>+<keyid hex>+<base64(0x01 ‖ seed)>
 *   public   <name>+<keyid hex>+<base64(0x01 ‖ public key)>
 * keyid = first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
 */

const ED25519 = 0x01;
// DER prefixes that wrap a raw 32-byte Ed25519 seed / public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteKeyError extends Error {
  override name = 'NoteKeyError';
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
  /** The public key in its text form (what `audit public-key` prints). */
  text: string;
}

export interface NoteSigner extends NoteVerifier {
  sign(message: Buffer): Buffer;
}

/** Splits at the first `n - 1` "+" only: base64 may contain "+". */
function splitN(text: string, n: number): string[] {
  const parts = text.split('+');
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join('+')];
}

const validName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name).update('\n').update(Buffer.of(ED25519)).update(publicKey).digest().subarray(0, 4);
}

function verifierFor(name: string, publicKey: Buffer): NoteVerifier {
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  const id = keyId(name, publicKey);
  return {
    name,
    keyId: id,
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
    text: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.of(ED25519), publicKey]).toString('base64')}`,
  };
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** A new key named `name`, in its private text form. */
export function generateNoteKey(name: string): string {
  if (!validName(name)) throw new NoteKeyError(`key name "${name}" must be non-empty with no spaces or "+"`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const id = keyId(name, rawPublic(publicKey));
  return `PRIVATE+KEY+${name}+${id.toString('hex')}+${Buffer.concat([Buffer.of(ED25519), seed]).toString('base64')}`;
}

export function parseSigner(text: string): NoteSigner {
  const [p, k, name, hex, b64] = splitN(text.trim(), 5);
  const raw = Buffer.from(b64 ?? '', 'base64');
  if (p !== 'PRIVATE' || k !== 'KEY' || !name || !validName(name) || raw.length !== 33 || raw[0] !== ED25519) {
    throw new NoteKeyError('not an Ed25519 signed-note private key (PRIVATE+KEY+name+id+key)');
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw.subarray(1)]), format: 'der', type: 'pkcs8' });
  const verifier = verifierFor(name, rawPublic(createPublicKey(privateKey)));
  if (verifier.keyId.toString('hex') !== hex) throw new NoteKeyError('private key id does not match its key');
  return { ...verifier, sign: (message) => sign(null, message, privateKey) };
}

export function parseVerifier(text: string): NoteVerifier {
  const [name, hex, b64] = splitN(text.trim(), 3);
  const raw = Buffer.from(b64 ?? '', 'base64');
  if (!name || !validName(name) || raw.length !== 33 || raw[0] !== ED25519) {
    throw new NoteKeyError('not an Ed25519 signed-note public key (name+id+key)');
  }
  const verifier = verifierFor(name, raw.subarray(1));
  if (verifier.keyId.toString('hex') !== hex) throw new NoteKeyError('public key id does not match its key');
  return verifier;
}
