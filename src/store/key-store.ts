import type { AuditEventInput } from '../domain/audit-event.js';
import type { SigningKey } from '../domain/signing-key.js';

/**
 * Signing keys registered per identity. Like every other write, registering
 * and revoking append their audit events in the same transaction.
 */
export interface KeyStore extends KeyReader {
  /** Stores a new key with its events; `false` (and nothing written) if its key_id is taken already. */
  insertKey(key: SigningKey, events: AuditEventInput[]): Promise<boolean>;
  /**
   * Marks a key revoked and appends `events`, once: `false` (and nothing
   * written) if it does not exist or was revoked already.
   */
  revokeKey(keyId: string, revokedAt: string, revokedBy: string, events: AuditEventInput[]): Promise<boolean>;
  /**
   * Sets a passkey's signature counter from `from` to `to`, atomically and
   * only while it still is `from` and the key is not revoked: `false` when
   * another request moved it first (a replayed assertion loses).
   */
  advanceSignCount(keyId: string, from: number, to: number): Promise<boolean>;
}

/** The registered keys as they stand now (the log's `key.*` events are read through the audit log). */
export interface KeyReader {
  getKey(keyId: string): Promise<SigningKey | undefined>;
  /** One identity's keys, oldest first, revoked ones included. */
  listKeys(identity: string): Promise<SigningKey[]>;
}
