import type { AuditEvent } from '../domain/audit-event.js';
import { signatureProblem } from '../domain/decision-signature.js';
import { decisionStatement } from '../contract/decision-statement.js';
import { keyIdOf } from '../contract/ed25519-key.js';
import type { DecisionSignature, KeyKind } from '../domain/signing-key.js';

/** What `audit chain --verify` says of one signed decision. */
export interface SignatureVerdict {
  kind: string;
  key_id: string;
  verified: boolean;
  /** Why it does not verify. */
  problem?: string;
}

const DECISIONS: Record<string, 'approve' | 'reject'> = { 'approval.recorded': 'approve', 'proposal.rejected': 'reject' };

export const isDecision = (event: AuditEvent): boolean => event.type in DECISIONS;
const signatureOf = (event: AuditEvent) => event.data.signature as DecisionSignature | undefined;

/** The key ids whose registrations the signed decisions among `events` need. */
export const signingKeyIds = (events: AuditEvent[]): string[] =>
  [...new Set(events.filter(isDecision).flatMap((e) => signatureOf(e)?.key_id ?? []))];

/**
 * Checks each decision's signature from the log alone: the proposal's own
 * `proposal.created` gives the action_hash, and the key must have been
 * registered to the decider (`key.registered`, which carries the public key)
 * and not revoked (`key.revoked`) before the decision. Returns, per decision
 * event's seq, its verdict, or null when the decision was not signed.
 */
export function checkDecisionSignatures(events: AuditEvent[], keyEvents: AuditEvent[]): Map<number, SignatureVerdict | null> {
  const actionHash = events.find((e) => e.type === 'proposal.created')?.data.action_hash as string | undefined;
  const verdicts = new Map<number, SignatureVerdict | null>();
  for (const event of events.filter(isDecision)) {
    const signature = signatureOf(event);
    if (!signature) {
      verdicts.set(event.seq, null);
      continue;
    }
    const problem = findProblem(event, signature, actionHash, keyEvents);
    verdicts.set(event.seq, { kind: signature.kind, key_id: signature.key_id, verified: !problem, ...(problem ? { problem } : {}) });
  }
  return verdicts;
}

function findProblem(event: AuditEvent, signature: DecisionSignature, actionHash: string | undefined, keyEvents: AuditEvent[]): string | undefined {
  const before = (type: string) => keyEvents.find((k) => k.type === type && k.data.key_id === signature.key_id && k.seq < event.seq);
  const registered = before('key.registered');
  if (!registered) return 'no proven key.registered event for this key precedes the decision';
  const { identity, kind, public_key: publicKey, rp_id: rpId } = registered.data as { identity: string; kind: KeyKind; public_key: string; rp_id?: string };
  if (identity !== event.actor) return `the key is registered to "${identity}", not to the decider "${event.actor}"`;
  // A key's id is derived from its public key; a passkey's is its credential id, which the registration names.
  const matches = kind === 'passkey' ? registered.data.credential_id === signature.key_id : keyIdOf(publicKey) === signature.key_id;
  if (kind !== signature.kind || !matches) return 'the registered key does not match the key_id and kind signed with';
  const revoked = before('key.revoked');
  if (revoked) return `the key was revoked (seq ${revoked.seq}) before this decision`;
  if (!actionHash) return "the proposal's proposal.created event (its action_hash) is missing";
  const statement = decisionStatement({
    proposal_id: event.proposal_id ?? '',
    action_hash: actionHash,
    decision: DECISIONS[event.type]!,
    reason: event.reason ?? '',
    identity: event.actor,
  });
  return signatureProblem({ kind, public_key: publicKey, rp_id: rpId }, statement, signature);
}
