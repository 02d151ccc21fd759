import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';

/** A WebAuthn assertion as a decision carries it and the audit log keeps it: each part base64url. */
export interface PasskeyAssertion {
  authenticator_data: string;
  client_data_json: string;
  signature: string;
}

/** What the assertion must be bound to. `origin` is checked online only; the log does not know it. */
export interface AssertionExpectation {
  /** The bytes whose SHA-256 must be the challenge: the decision statement. */
  statement: Buffer;
  /** COSE_Key of the passkey, base64url, as registered. */
  publicKey: string;
  rpId: string;
  origin?: string;
}

/** A part that cannot be read at all (a 400, naming the part), or a well-formed assertion that fails a check (a refusal). */
export type AssertionResult = { ok: true; signCount: number } | { ok: false; malformed: boolean; part?: keyof PasskeyAssertion; problem: string };

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
/** rpIdHash (32) ‖ flags (1) ‖ signCount (4): the shortest authenticatorData. */
const AUTH_DATA_MIN = 37;
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest();

/** The challenge a passkey signs for a decision: SHA-256 of the statement, base64url as clientDataJSON carries it. */
export const passkeyChallenge = (statement: Buffer): string => sha256(statement).toString('base64url');

/** COSE algorithm ids (RFC 9053) this server accepts, and how Node verifies each. */
const ALGORITHMS: Record<number, { name: string; hash: string | null }> = {
  [-7]: { name: 'ES256', hash: 'sha256' },
  [-8]: { name: 'EdDSA', hash: null },
  [-257]: { name: 'RS256', hash: 'sha256' },
};
export const PASSKEY_ALGORITHM_IDS = Object.keys(ALGORITHMS).map(Number);

/** A COSE_Key (RFC 9052 §7) as a Node key, with its algorithm; throws on a key of another kind. */
export function coseKey(publicKey: string): { key: KeyObject; alg: number; name: string } {
  // Read as a plain CBOR map: the library's typed map names only some labels.
  const cose = decodeCredentialPublicKey(new Uint8Array(Buffer.from(publicKey, 'base64url'))) as unknown as Map<number, unknown>;
  const alg = Number(cose.get(3));
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw new Error(`COSE algorithm ${alg} is not supported (use ${Object.values(ALGORITHMS).map((a) => a.name).join(', ')})`);
  const b64 = (label: number) => Buffer.from(cose.get(label) as Uint8Array).toString('base64url');
  const kty = Number(cose.get(1));
  const jwk =
    kty === 2 && Number(cose.get(-1)) === 1 ? { kty: 'EC', crv: 'P-256', x: b64(-2), y: b64(-3) }
    : kty === 1 && Number(cose.get(-1)) === 6 ? { kty: 'OKP', crv: 'Ed25519', x: b64(-2) }
    : kty === 3 ? { kty: 'RSA', n: b64(-1), e: b64(-2) }
    : undefined;
  if (!jwk) throw new Error(`COSE key type ${kty} with curve ${String(cose.get(-1))} is not supported`);
  return { key: createPublicKey({ key: jwk, format: 'jwk' }), alg, name: algorithm.name };
}

const b64url = (text: string): Buffer | undefined => (/^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : undefined);

/**
 * Checks a WebAuthn assertion (W3C WebAuthn Level 3 §7.2) over a decision:
 * type `webauthn.get`, the challenge equal to SHA-256 of the statement, the
 * origin (when given), the RP ID hash, user presence and user verification,
 * and the signature over authenticatorData ‖ SHA-256(clientDataJSON).
 * Pure; the caller compares the returned signCount with the stored one.
 */
export function checkAssertion(assertion: PasskeyAssertion, expected: AssertionExpectation): AssertionResult {
  const malformed = (part: keyof PasskeyAssertion, problem: string): AssertionResult => ({ ok: false, malformed: true, part, problem });
  const refused = (problem: string): AssertionResult => ({ ok: false, malformed: false, problem });
  const authData = b64url(assertion.authenticator_data);
  const clientDataBytes = b64url(assertion.client_data_json);
  const sig = b64url(assertion.signature);
  if (!authData || authData.length < AUTH_DATA_MIN) return malformed('authenticator_data', `must be base64url of at least ${AUTH_DATA_MIN} bytes (rpIdHash, flags, signCount)`);
  if (!clientDataBytes) return malformed('client_data_json', 'must be base64url of the clientDataJSON bytes');
  if (!sig) return malformed('signature', 'must be base64url of the assertion signature');
  let clientData: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
  try {
    clientData = JSON.parse(clientDataBytes.toString('utf8'));
  } catch {
    return malformed('client_data_json', 'is not JSON once decoded: send clientDataJSON exactly as the authenticator returned it');
  }
  if (typeof clientData !== 'object' || clientData === null) return malformed('client_data_json', 'is not a JSON object');
  if (clientData.type !== 'webauthn.get') return refused(`clientDataJSON.type is ${JSON.stringify(clientData.type)}, not "webauthn.get": send an assertion, not a registration`);
  if (clientData.challenge !== passkeyChallenge(expected.statement)) {
    return refused("the assertion's challenge is not the SHA-256 of this decision's statement: it was made for another proposal, verdict, reason or identity");
  }
  if (expected.origin !== undefined && clientData.origin !== expected.origin) return refused(`the assertion was made on ${JSON.stringify(clientData.origin)}, not on this server (${expected.origin})`);
  if (clientData.crossOrigin === true) return refused('the assertion was made in a cross-origin frame');
  if (!authData.subarray(0, 32).equals(sha256(expected.rpId))) return refused(`the assertion is for another relying party than "${expected.rpId}"`);
  const flags = authData[32]!;
  if (!(flags & FLAG_USER_PRESENT)) return refused('the authenticator did not report user presence');
  if (!(flags & FLAG_USER_VERIFIED)) return refused('the authenticator did not verify the user (no PIN or biometric): user verification is required');
  let key: ReturnType<typeof coseKey>;
  try {
    key = coseKey(expected.publicKey);
  } catch (error) {
    return refused(`the registered passkey cannot be read: ${(error as Error).message}`);
  }
  const signed = Buffer.concat([authData, sha256(clientDataBytes)]);
  let valid: boolean;
  try {
    valid = verify(ALGORITHMS[key.alg]!.hash, signed, key.key, sig);
  } catch {
    valid = false; // e.g. an ECDSA signature that is not DER
  }
  if (!valid) return refused('the assertion signature does not verify with the registered passkey');
  return { ok: true, signCount: authData.readUInt32BE(33) };
}
