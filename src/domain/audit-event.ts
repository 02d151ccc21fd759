/** An audit event before it is sealed into the hash chain by the store. */
export interface AuditEventInput {
  at: string;
  type: AuditEventType;
  proposal_id: string | null;
  actor: string;
  reason: string | null;
  data: Record<string, unknown>;
}

/** A sealed audit event: `hash` covers every other field, `prev_hash` links the chain. */
export interface AuditEvent extends AuditEventInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * A stored event as verification reads it: the columns in table order, with
 * `data` left as its stored JSON text, so the verifier can hash it unparsed.
 */
export type AuditEventRow = [seq: number, at: string, type: string, proposal_id: string | null, actor: string, reason: string | null, data: string, prev_hash: string, hash: string];

export type AuditEventType =
  | 'proposal.created'
  | 'proposal.approved_by_policy'
  | 'approval.recorded'
  | 'proposal.approved'
  | 'proposal.rejected'
  | 'proposal.expired'
  | 'execution.claimed'
  | 'execution.recorded'
  | 'attempt.refused'
  | 'identity.created'
  | 'key.registered'
  | 'key.revoked'
  | 'policy.loaded';
