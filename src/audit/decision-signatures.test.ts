import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../domain/audit-event.js';
import { decisionStatement } from '../contract/decision-statement.js';
import { keyIdOf, publicKeyOf, signEd25519 } from '../contract/ed25519-key.js';
import { checkDecisionSignatures } from './decision-signatures.js';

const ACTION_HASH = `sha256:${'0'.repeat(64)}`;
const event = (seq: number, type: string, actor: string, data: Record<string, unknown>, reason: string | null = null): AuditEvent =>
  ({ seq, at: '2026-11-25T09:00:00.000Z', type, proposal_id: type.startsWith('key.') ? null : 'p1', actor, reason, data, prev_hash: '', hash: '' }) as AuditEvent;

const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = publicKeyOf(privateKey);
const keyId = keyIdOf(publicKey);
const registered = (seq: number, identity = 'alice') => event(seq, 'key.registered', identity, { key_id: keyId, identity, kind: 'key', algorithm: 'ed25519', public_key: publicKey });
const revoked = (seq: number) => event(seq, 'key.revoked', 'alice', { key_id: keyId, identity: 'alice', kind: 'key' });

function approval(seq: number, reason = 'checked', signedReason = reason) {
  const sig = signEd25519(privateKey, decisionStatement({ proposal_id: 'p1', action_hash: ACTION_HASH, decision: 'approve', reason: signedReason, identity: 'alice' }));
  return event(seq, 'approval.recorded', 'alice', { principal: 'alice', signature: { kind: 'key', key_id: keyId, sig } }, reason);
}
const chain = (...decisions: AuditEvent[]) => [event(2, 'proposal.created', 'agent', { action_hash: ACTION_HASH }), ...decisions];

describe('offline check of decision signatures', () => {
  it('verifies a decision signed by a key registered to the decider before it', () => {
    expect(checkDecisionSignatures(chain(approval(5)), [registered(1)]).get(5)).toEqual({ kind: 'key', key_id: keyId, verified: true });
  });

  it('still verifies a decision whose key was revoked after it', () => {
    expect(checkDecisionSignatures(chain(approval(5)), [registered(1), revoked(6)]).get(5)?.verified).toBe(true);
  });

  it('does not verify a decision made after its key was revoked', () => {
    expect(checkDecisionSignatures(chain(approval(5)), [registered(1), revoked(3)]).get(5)).toMatchObject({ verified: false, problem: expect.stringMatching(/revoked \(seq 3\)/) });
  });

  it('does not verify without a registration before the decision, or one to another identity', () => {
    expect(checkDecisionSignatures(chain(approval(5)), [registered(7)]).get(5)).toMatchObject({ verified: false, problem: expect.stringMatching(/no proven key\.registered/) });
    expect(checkDecisionSignatures(chain(approval(5)), [registered(1, 'bob')]).get(5)).toMatchObject({ verified: false, problem: expect.stringMatching(/registered to "bob"/) });
  });

  it('does not verify a recorded reason that differs from the one signed', () => {
    expect(checkDecisionSignatures(chain(approval(5, 'checked', 'looked')), [registered(1)]).get(5)).toMatchObject({ verified: false, problem: expect.stringMatching(/does not verify/) });
  });

  it('gives null for an unsigned decision and nothing for other events', () => {
    const verdicts = checkDecisionSignatures(chain(event(5, 'proposal.rejected', 'bob', { principal: 'bob' }, 'no')), []);
    expect([...verdicts]).toEqual([[5, null]]);
  });
});
