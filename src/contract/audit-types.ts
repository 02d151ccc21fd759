/** The audit log as the server serves it (`/v1/audit/*`). */

/**
 * What an audit event records.
 *
 * @example
 * const approvals = events.filter((e) => e.type === ('approval.recorded' satisfies AuditEventType));
 */
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
  | 'session.started'
  | 'session.ended'
  | 'key.registered'
  | 'key.revoked'
  | 'policy.loaded';

/**
 * One hash-chained audit event: `hash` covers every other field (RFC 8785
 * canonical JSON), `prev_hash` links it to the event before.
 *
 * @example
 * const events: AuditEvent[] = await auditorClient.auditChain(id);
 */
export interface AuditEvent {
  seq: number;
  at: string;
  type: AuditEventType;
  proposal_id: string | null;
  actor: string;
  reason: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * The verdict of verifying the whole audit log; `checkpoint` when a signed
 * checkpoint was checked against the recomputed tree.
 *
 * @example
 * const result: VerifyResult = await auditorClient.verifyAudit();
 * if (!result.ok) console.error('first bad event', result.first_bad_seq);
 */
export type VerifyResult = (
  | { ok: true; events: number }
  | { ok: false; events: number; first_bad_seq: number; problem: string }
) & { checkpoint?: { tree_size: number; root_hash: string; witnessed: boolean } };
