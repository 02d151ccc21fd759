import type { AuditEvent } from '../contract/audit-types.js';

/**
 * The actors the product itself writes into the audit log, beside identity
 * names. No identity may take one of these names (see `defineIdentity`), so
 * an event's actor always says unambiguously who acted.
 */
export const SYSTEM_ACTORS = Object.freeze({
  /** Expiry and policy changes. */
  system: 'system',
  /** The approval that completes a quorum. */
  quorum: 'quorum',
  /** A riskless proposal approved by policy at once. */
  policy: 'policy',
  /** The first `admin`, created by `serve` on an empty database. */
  bootstrap: 'bootstrap',
  /** `countersign identity add`, working on the database directly. */
  cli: 'cli',
} as const);

export const RESERVED_ACTOR_NAMES: readonly string[] = Object.values(SYSTEM_ACTORS);

// A sealed event's shape is the wire contract's (`hash` covers every other field, `prev_hash` links the chain).
export type { AuditEvent, AuditEventType } from '../contract/audit-types.js';

/** An audit event before it is sealed into the hash chain by the store. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'prev_hash' | 'hash'>;

/**
 * A stored event as verification reads it: the columns in table order, with
 * `data` left as its stored JSON text, so the verifier can hash it unparsed.
 */
export type AuditEventRow = [seq: number, at: string, type: string, proposal_id: string | null, actor: string, reason: string | null, data: string, prev_hash: string, hash: string];
