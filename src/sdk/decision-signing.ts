import type { KeyObject } from 'node:crypto';
import { decisionStatement } from '../contract/decision-statement.js';
import { keyIdOf, parsePrivateKey, publicKeyOf, signEd25519 } from '../contract/ed25519-key.js';

/**
 * A key that signs decisions: a Node `KeyObject` or its PKCS#8 PEM text
 * (what `countersign key create` writes).
 *
 * @example
 * const key: DecisionKey = readFileSync('alice.key', 'utf8');
 */
export type DecisionKey = KeyObject | string;

/**
 * A decision body as the API takes it: the reason and the signature over the decision statement.
 *
 * @example
 * const body: SignedDecisionBody = { reason: 'checked the backup', signature: { key_id, sig } };
 */
export interface SignedDecisionBody {
  reason: string;
  signature: { key_id: string; sig: string };
}

/**
 * Builds a signed decision body: reads the proposal (for its action_hash) and
 * the key's registration (for the identity it signs as), then signs the
 * statement. The reason is trimmed, as the server records it.
 *
 * @example
 * const body = await signDecision((path) => request('GET', path), id, 'approve', 'checked the backup', pem);
 */
export async function signDecision(get: <T>(path: string) => Promise<T>, proposalId: string, decision: 'approve' | 'reject', reason: string, key: DecisionKey): Promise<SignedDecisionBody> {
  const privateKey = parsePrivateKey(key);
  const keyId = keyIdOf(publicKeyOf(privateKey));
  const [proposal, registered] = await Promise.all([
    get<{ id: string; action_hash: string }>(`/v1/proposals/${encodeURIComponent(proposalId)}`),
    get<{ identity: string }>(`/v1/keys/${encodeURIComponent(keyId)}`),
  ]);
  const trimmed = reason.trim();
  const statement = decisionStatement({ proposal_id: proposal.id, action_hash: proposal.action_hash, decision, reason: trimmed, identity: registered.identity });
  return { reason: trimmed, signature: { key_id: keyId, sig: signEd25519(privateKey, statement) } };
}
