import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, decideSigned, type SignatureCheckInput } from './decision-signature.js';
import { decisionStatement } from '../contract/decision-statement.js';
import { keyIdOf, publicKeyOf, signEd25519 } from '../contract/ed25519-key.js';
import { defineIdentity } from './identity.js';
import { openProposal, type Proposal, type SignedDecisions } from './proposal.js';
import { parseInput, proposalInputSchema } from './proposal-schema.js';
import type { SigningKey } from './signing-key.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const agent = defineIdentity({ name: 'agent', kind: 'agent', roles: ['proposer'] }, undefined, T0);
const alice = defineIdentity({ name: 'alice', kind: 'human', roles: ['approver'] }, undefined, T0);
const viewer = defineIdentity({ name: 'viewer', kind: 'human', roles: [] }, undefined, T0);

function proposal(level: SignedDecisions): Proposal {
  const input = parseInput(proposalInputSchema, {
    action: { type: 'sql', command: 'DROP TABLE users' },
    what: 'drop', why: 'unused', blast_radius: { resources: ['users'] }, reversibility: { reversible: false }, urgency: 'triage',
  });
  return openProposal({
    id: 'p1', input, actionHash: 'sha256:abc', proposer: agent, now: T0,
    assessment: { risk: { classes: ['irreversible'], reasons: [], declared_mismatch: false }, required_approvals: 2, timeout_ms: 60_000, rule: 'two_person', signed_decisions: level },
  }).proposal;
}

function keyFor(identity: string): { privateKey: KeyObject; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const public_key = publicKeyOf(privateKey);
  return { privateKey, key: { key_id: keyIdOf(public_key), identity, kind: 'key', public_key, sign_count: 0, label: null, created_at: new Date(T0).toISOString(), revoked_at: null, revoked_by: null } };
}
const own = keyFor('alice');

function signed(level: SignedDecisions, overrides: Partial<{ proposal_id: string; action_hash: string; decision: 'approve' | 'reject'; reason: string; identity: string }> = {}, k = own): SignatureCheckInput {
  const fields = { proposal_id: 'p1', action_hash: 'sha256:abc', decision: 'approve' as const, reason: 'checked', identity: 'alice', ...overrides };
  return {
    proposal: proposal(level), verdict: 'approve', actor: alice, reason: 'checked',
    signature: { key_id: k.key.key_id, sig: signEd25519(k.privateKey, decisionStatement(fields)) }, key: k.key,
  };
}

describe('checking a decision signature', () => {
  it('verifies a signature over exactly this decision, under optional and required', () => {
    expect(checkSignature(signed('required')).verified).toMatchObject({ kind: 'key', key_id: own.key.key_id });
    expect(checkSignature(signed('optional')).verified).toBeDefined();
  });

  it('requires a signature only under required', () => {
    const unsigned = { ...signed('required'), signature: undefined, key: undefined };
    expect(checkSignature(unsigned).refusal).toMatchObject({ status: 403, code: 'signature_required' });
    expect(checkSignature({ ...unsigned, proposal: proposal('optional') })).toEqual({});
  });

  it('refuses a signature over another proposal, action_hash, decision, reason or identity', () => {
    for (const other of [{ proposal_id: 'p2' }, { action_hash: 'sha256:abd' }, { decision: 'reject' as const }, { reason: 'checked!' }, { identity: 'bob' }]) {
      expect(checkSignature(signed('required', other)).refusal).toMatchObject({ status: 403, code: 'signature_required', detail: expect.stringMatching(/does not verify/) });
      expect(checkSignature(signed('optional', other)).refusal).toMatchObject({ status: 403, code: 'signature_invalid' });
    }
  });

  it("refuses another identity's key and a revoked key", () => {
    expect(checkSignature(signed('required', {}, keyFor('bob'))).refusal?.detail).toMatch(/registered to another identity, not "alice"/);
    const revoked = { ...own, key: { ...own.key, revoked_at: '2026-11-25T08:00:00.000Z', revoked_by: 'alice' } };
    expect(checkSignature(signed('required', {}, revoked)).refusal?.detail).toMatch(/was revoked at 2026-11-25T08:00:00.000Z/);
  });

  it('names what is malformed: base64url, length, unknown key_id, signatures while off', () => {
    const field = (input: SignatureCheckInput) => checkSignature(input).refusal?.errors?.[0];
    const base = signed('required');
    expect(field({ ...base, signature: { ...base.signature!, sig: 'a+b/' } })).toMatchObject({ field: 'signature.sig', message: expect.stringMatching(/not base64url/) });
    expect(field({ ...base, signature: { ...base.signature!, sig: 'AAAA' } })).toMatchObject({ field: 'signature.sig', message: expect.stringMatching(/wrong length.*64 bytes.*this is 3 bytes/) });
    expect(field({ ...base, key: undefined })).toMatchObject({ field: 'signature.key_id', message: expect.stringMatching(/unknown key_id/) });
    expect(field({ ...signed('off') })).toMatchObject({ field: 'signature', message: expect.stringMatching(/off/) });
  });

  it('refuses a bad signature before counting, audits it with the signature presented, and records a good one', () => {
    const bad = checkSignature(signed('required', { reason: 'other' }));
    const refused = decideSigned(proposal('required'), { verdict: 'approve', actor: alice, reason: 'checked', now: T0 + 1000 }, bad);
    expect(refused.proposal.approvals).toHaveLength(0);
    expect(refused.events).toMatchObject([{ type: 'attempt.refused', data: { code: 'signature_required', signature: { key_id: own.key.key_id } } }]);

    const good = decideSigned(proposal('required'), { verdict: 'approve', actor: alice, reason: 'checked', now: T0 + 1000 }, checkSignature(signed('required')));
    expect(good.proposal.approvals[0]!.signature).toEqual({ kind: 'key', key_id: own.key.key_id });
    expect(good.events[0]).toMatchObject({ type: 'approval.recorded', data: { signature: { kind: 'key', key_id: own.key.key_id, sig: expect.any(String) } } });
  });

  it('tells a non-approver so, rather than asking for a signature; a malformed body still comes first', () => {
    const unsigned = checkSignature({ ...signed('required'), signature: undefined, key: undefined });
    expect(decideSigned(proposal('required'), { verdict: 'approve', actor: viewer, reason: 'x', now: T0 }, unsigned).refusal?.code).toBe('not_an_approver');
    const malformed = checkSignature({ ...signed('required'), key: undefined });
    expect(decideSigned(proposal('required'), { verdict: 'approve', actor: viewer, reason: 'x', now: T0 }, malformed).refusal?.status).toBe(400);
  });
});
