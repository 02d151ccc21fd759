import { z } from 'zod';
import type { AuditEventInput } from './audit-event.js';
import { KeyFormatError, keyIdOf, parsePublicKey } from '../contract/ed25519-key.js';
import { invalidInput } from './errors.js';
import { hasRole, type Identity } from './identity.js';

/** How a key signs: `key` is an Ed25519 key held by the CLI or an agent; `passkey` a person's WebAuthn credential. */
export type KeyKind = 'key' | 'passkey';

/** A signature as a decision carries it and the audit log keeps it: enough to check it offline. */
export interface DecisionSignature {
  kind: KeyKind;
  key_id: string;
  /** base64url signature: over the decision statement (`key`), or over authenticator_data ‖ SHA-256(client_data_json) (`passkey`). */
  sig: string;
  /** Passkeys only, base64url as the authenticator returned them. */
  authenticator_data?: string;
  client_data_json?: string;
}

/** A public key registered to one identity; its signatures count only while it is not revoked. */
export interface SigningKey {
  key_id: string;
  identity: string;
  kind: KeyKind;
  /** base64url of the raw Ed25519 public key, or of a passkey's COSE_Key. */
  public_key: string;
  /** A passkey's last signature counter (always 0 for keys): a counter that does not grow marks a replay or a clone. */
  sign_count: number;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** `POST /v1/keys`: the caller registers a public key for itself. */
export const registerKeyBodySchema = z.strictObject({
  public_key: z.string().max(2_000, 'must be at most 2000 characters'),
  label: text(200).optional(),
});
export const revokeKeyBodySchema = z.strictObject({ reason: text(1_000).optional() });

/** Only the key's own identity, or an admin, may see or revoke its keys. */
export const mayManageKeysOf = (actor: Identity, identity: string): boolean => actor.name === identity || hasRole(actor, 'admin');

/**
 * A new key for `actor`, and the event that records it. The event carries
 * the public key itself, so the log alone can check every signature later.
 */
export function registerKey(actor: Identity, body: z.infer<typeof registerKeyBodySchema>, now: number): { key: SigningKey; events: AuditEventInput[] } {
  let publicKey: string;
  try {
    publicKey = parsePublicKey(body.public_key);
  } catch (error) {
    if (error instanceof KeyFormatError) throw invalidInput([{ field: 'public_key', message: error.message }]);
    throw error;
  }
  const at = new Date(now).toISOString();
  const key: SigningKey = {
    key_id: keyIdOf(publicKey),
    identity: actor.name,
    kind: 'key',
    public_key: publicKey,
    sign_count: 0,
    label: body.label ?? null,
    created_at: at,
    revoked_at: null,
    revoked_by: null,
  };
  const { key_id, identity, kind, public_key, label } = key;
  return {
    key,
    events: [{ at, type: 'key.registered', proposal_id: null, actor: actor.name, reason: null, data: { key_id, identity, kind, algorithm: 'ed25519', public_key, label } }],
  };
}

/** The event that ends a key's use: signatures made after it do not count, offline either. */
export function revocationEvents(key: SigningKey, actor: Identity, reason: string | undefined, now: number): AuditEventInput[] {
  const { key_id, identity, kind } = key;
  return [{ at: new Date(now).toISOString(), type: 'key.revoked', proposal_id: null, actor: actor.name, reason: reason ?? null, data: { key_id, identity, kind } }];
}

/** A passkey as verified at registration: its credential id is its key_id. */
export interface VerifiedPasskey {
  credential_id: string;
  /** COSE_Key, base64url. */
  public_key: string;
  /** COSE algorithm name, e.g. ES256. */
  algorithm: string;
  sign_count: number;
  rp_id: string;
}

/**
 * A person's new passkey and the event that records it. The event carries the
 * credential id, the COSE public key and the RP ID, so the log alone checks
 * every assertion later.
 */
export function registerPasskey(actor: Identity, passkey: VerifiedPasskey, label: string | undefined, now: number): { key: SigningKey; events: AuditEventInput[] } {
  const at = new Date(now).toISOString();
  const key: SigningKey = {
    key_id: passkey.credential_id,
    identity: actor.name,
    kind: 'passkey',
    public_key: passkey.public_key,
    sign_count: passkey.sign_count,
    label: label ?? null,
    created_at: at,
    revoked_at: null,
    revoked_by: null,
  };
  const data = { key_id: key.key_id, identity: key.identity, kind: key.kind, algorithm: passkey.algorithm, credential_id: passkey.credential_id, public_key: key.public_key, rp_id: passkey.rp_id, label: key.label };
  return { key, events: [{ at, type: 'key.registered', proposal_id: null, actor: actor.name, reason: null, data }] };
}
