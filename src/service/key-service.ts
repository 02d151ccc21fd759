import { conflict, forbidden, notFound } from '../domain/errors.js';
import type { Identity } from '../domain/identity.js';
import { parseInput } from '../domain/proposal-schema.js';
import { mayManageKeysOf, registerKey, registerKeyBodySchema, revocationEvents, revokeKeyBodySchema, type SigningKey } from '../domain/signing-key.js';
import type { KeyStore } from '../store/key-store.js';

export interface KeyServiceDeps {
  keys: KeyStore;
  clock: () => number;
}

/** Registering, listing and revoking the keys that sign decisions; each change is an audit event. */
export function createKeyService({ keys, clock }: KeyServiceDeps) {
  /** A key its caller may manage; another identity's key is "not found" to anyone but an admin. */
  async function manageable(actor: Identity, keyId: string): Promise<SigningKey> {
    const key = await keys.getKey(keyId);
    if (!key || !mayManageKeysOf(actor, key.identity)) throw notFound(`Key "${keyId}" of "${actor.name}"`);
    return key;
  }

  return {
    /** Registers a public key for the caller itself. */
    async register(actor: Identity, body: unknown): Promise<SigningKey> {
      const { key, events } = registerKey(actor, parseInput(registerKeyBodySchema, body), clock());
      if (await keys.insertKey(key, events)) return key;
      const existing = await keys.getKey(key.key_id);
      const whose = existing?.identity === actor.name ? 'to you' : 'to another identity';
      throw conflict('key_exists', `This public key is registered already (${whose}, as "${key.key_id}"); a key belongs to one identity once: create a new one.`);
    },

    /** The keys of `identity` (the caller's own unless an admin asks for another's), revoked ones included. */
    async list(actor: Identity, identity = actor.name): Promise<SigningKey[]> {
      if (!mayManageKeysOf(actor, identity)) throw forbidden('not_your_keys', `Only "${identity}" or an admin may list its keys.`);
      return keys.listKeys(identity);
    },

    get: manageable,

    /** Ends a key's use at once: decisions it signs from now on are refused, and verify as false offline. */
    async revoke(actor: Identity, keyId: string, body: unknown): Promise<SigningKey> {
      const key = await manageable(actor, keyId);
      const { reason } = parseInput(revokeKeyBodySchema, body ?? {});
      const now = clock();
      const at = new Date(now).toISOString();
      if (!(await keys.revokeKey(keyId, at, actor.name, revocationEvents(key, actor, reason, now)))) {
        throw conflict('key_revoked', `Key "${keyId}" is revoked already.`);
      }
      return { ...key, revoked_at: at, revoked_by: actor.name };
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
