import { describe, expect, it } from 'vitest';
import { decide, expire } from './decide.js';
import { claim, recordOutcome } from './execution.js';
import { defineIdentity, type Identity } from './identity.js';
import { openProposal, type Proposal } from './proposal.js';
import { parseInput, proposalInputSchema } from './proposal-schema.js';

const T0 = Date.parse('2026-11-25T09:00:00Z');
const people: Record<string, Identity> = {};
const add = (name: string, kind: 'human' | 'agent', roles: string[], owner?: string) =>
  (people[name] = defineIdentity({ name, kind, roles, owner }, owner ? people[owner] : undefined, T0));
add('bob', 'human', ['approver', 'proposer']);
add('agent', 'agent', ['proposer'], 'bob');
add('sub-agent', 'agent', ['approver'], 'agent');
add('alice', 'human', ['approver']);
add('carol', 'human', ['approver']);

function pending(required = 2): Proposal {
  const input = parseInput(proposalInputSchema, {
    action: { type: 'sql', command: 'DROP TABLE users' },
    what: 'drop',
    why: 'unused',
    blast_radius: { resources: ['users'] },
    reversibility: { reversible: false },
    urgency: 'triage',
  });
  return openProposal({
    id: 'p1',
    input,
    actionHash: 'sha256:abc',
    proposer: people.agent!,
    assessment: { risk: { classes: ['irreversible'], reasons: [], declared_mismatch: false }, required_approvals: required, timeout_ms: 60_000, rule: 'two_person' },
    now: T0,
  }).proposal;
}

const approve = (p: Proposal, who: string, now = T0 + 1_000) => decide(p, { verdict: 'approve', actor: people[who]!, reason: 'ok', now });

describe('identities', () => {
  it('resolves an agent of an agent to the human at the root of its owner chain', () => {
    expect(people['sub-agent']!.principal).toBe('bob');
  });
  it('refuses names that could alias another by case or spacing', () => {
    expect(() => defineIdentity({ name: 'Alice', kind: 'human', roles: [] }, undefined, T0)).toThrow(/name/);
    expect(() => defineIdentity({ name: 'alice ', kind: 'human', roles: [] }, undefined, T0)).toThrow(/name/);
  });
  it('refuses unknown roles and kinds, naming them', () => {
    expect(() => defineIdentity({ name: 'x', kind: 'robot', roles: ['root'] }, undefined, T0)).toThrow(/kind.*roles|roles.*kind/s);
  });
});

describe('decisions', () => {
  it("counts an agent's approval as its owner's: the owner of the proposing agent's sub-agent is refused", () => {
    const change = approve(pending(), 'sub-agent');
    expect(change.refusal?.code).toBe('proposer_principal');
    expect(change.proposal.approvals).toHaveLength(0);
    expect(change.events[0]!.type).toBe('attempt.refused');
  });

  it('reaches quorum only with distinct principals', () => {
    const once = approve(pending(), 'alice').proposal;
    expect(once.status).toBe('pending');
    expect(approve(once, 'alice').refusal?.code).toBe('same_principal');
    const twice = approve(once, 'carol');
    expect(twice.proposal.status).toBe('approved');
    expect(twice.events.map((e) => e.type)).toEqual(['approval.recorded', 'proposal.approved']);
  });

  it('honours a policy that requires three approvals', () => {
    let p = approve(pending(3), 'alice').proposal;
    p = approve(p, 'carol').proposal;
    expect(p.status).toBe('pending');
  });

  it('refuses a decision at the deadline and expires the proposal in the same change', () => {
    const change = approve(pending(), 'alice', T0 + 60_000);
    expect(change.refusal?.code).toBe('expired');
    expect(change.proposal.status).toBe('expired');
  });

  it('expires only pending proposals past their deadline', () => {
    expect(expire(pending(), T0 + 59_999)).toBeUndefined();
    expect(expire(pending(), T0 + 60_000)?.proposal.status).toBe('expired');
    const approved = approve(approve(pending(), 'alice').proposal, 'carol').proposal;
    expect(expire(approved, T0 + 120_000)).toBeUndefined();
  });

  it('records the review time from first view to decision', () => {
    const change = decide(pending(), { verdict: 'reject', actor: people.alice!, reason: 'no', now: T0 + 5_000, firstViewedAt: T0 + 2_000 });
    expect(change.decision).toMatchObject({ verdict: 'reject', review_ms: 3_000 });
    expect(change.proposal.status).toBe('rejected');
  });
});

describe('execution', () => {
  const approved = () => approve(approve(pending(), 'alice').proposal, 'carol').proposal;

  it('claims once with the approved hash and refuses every other claim', () => {
    const first = claim(approved(), people.agent!, 'sha256:abc', T0 + 2_000);
    expect(first.refusal).toBeUndefined();
    expect(first.proposal.execution.state).toBe('claimed');
    expect(claim(first.proposal, people.agent!, 'sha256:abc', T0 + 3_000).refusal?.code).toBe('already_claimed');
    expect(claim(approved(), people.agent!, 'sha256:def', T0 + 2_000).refusal?.code).toBe('hash_mismatch');
  });

  it('lets only the claimant record the outcome, once', () => {
    const claimed = claim(approved(), people.agent!, 'sha256:abc', T0).proposal;
    expect(recordOutcome(claimed, people.bob!, 'succeeded', undefined, T0).refusal?.status).toBe(403);
    const done = recordOutcome(claimed, people.agent!, 'failed', 'timeout', T0);
    expect(done.proposal.execution).toMatchObject({ state: 'failed', detail: 'timeout' });
    expect(recordOutcome(done.proposal, people.agent!, 'succeeded', undefined, T0).refusal?.code).toBe('outcome_recorded');
  });
});

describe('require_passkey', () => {
  const passkeyRequired = (): Proposal => ({ ...pending(), require_passkey: true });
  const signedApprove = (p: Proposal, who: string, kind: 'key' | 'passkey') =>
    decide(p, { verdict: 'approve', actor: people[who]!, reason: 'ok', now: T0 + 1_000, signature: { kind, key_id: `${who}-${kind}`, sig: 'x' } });

  it("keeps an irreversible action pending until one approval is a person's passkey", () => {
    const first = signedApprove(passkeyRequired(), 'alice', 'key');
    const second = signedApprove(first.proposal, 'carol', 'key');
    expect(second.proposal.status).toBe('pending');
    expect(second.events[0]!.data.still_needed).toEqual(["an approval signed with a person's passkey"]);
    const withPasskey = signedApprove(signedApprove(passkeyRequired(), 'alice', 'passkey').proposal, 'carol', 'key');
    expect(withPasskey.proposal.status).toBe('approved');
  });
});
