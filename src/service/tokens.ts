import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens look like `cs_<id>_<secret>`: the id finds the identity by index, the
 * 256-bit secret is checked against its stored SHA-256 in constant time.
 */
export interface IssuedToken {
  token: string;
  token_id: string;
  token_hash: Buffer;
}

const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export function issueToken(): IssuedToken {
  const token_id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `cs_${token_id}_${secret}`, token_id, token_hash: hashSecret(secret) };
}

export function parseToken(token: string): { token_id: string; secret: string } | undefined {
  const match = /^cs_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { token_id: match[1]!, secret: match[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
