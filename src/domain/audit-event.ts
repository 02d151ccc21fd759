import type { AuditEvent } from '../contract/audit-types.js';

// A sealed event's shape is the wire contract's (`hash` covers every other field, `prev_hash` links the chain).
export type { AuditEvent, AuditEventType } from '../contract/audit-types.js';

/** An audit event before it is sealed into the hash chain by the store. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'prev_hash' | 'hash'>;

/**
 * A stored event as verification reads it: the columns in table order, with
 * `data` left as its stored JSON text, so the verifier can hash it unparsed.
 */
export type AuditEventRow = [seq: number, at: string, type: string, proposal_id: string | null, actor: string, reason: string | null, data: string, prev_hash: string, hash: string];
