import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { Identity } from '../../src/domain/identity.js';
import { openProposal, type Proposal } from '../../src/domain/proposal.js';
import type { ProposalInput } from '../../src/domain/proposal-schema.js';
import { assess } from '../../src/policy/assess.js';
import { parsePolicy } from '../../src/policy/policy-config.js';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const person = (name: string, kind: Identity['kind'] = 'human', owner?: string): Identity => ({
  name, kind, owner: owner ?? null, principal: owner ?? name, roles: ['approver', 'proposer'], created_at: '2026-01-01T00:00:00Z',
});

const policy = parsePolicy(`
approver_groups: { dba: [alice, bob], sre: [carol] }
rules:
  - name: prod-db
    match: { type: sql, classes: [irreversible] }
    approver_groups: { dba: 1, sre: 1 }
  - name: humans-for-shell
    match: { type: shell }
    require_human: true
`);

function open(input: Partial<ProposalInput['action']>): Proposal {
  const full: ProposalInput = {
    action: { type: 'sql', ...input } as ProposalInput['action'],
    what: 'x', why: 'y', blast_radius: { resources: [] }, reversibility: { reversible: true }, urgency: 'normal',
  };
  return openProposal({ id: 'p1', input: full, actionHash: 'sha256:0', proposer: person('agent-7', 'agent', 'zed'), assessment: assess(full, policy), now: NOW }).proposal;
}

const approve = (p: Proposal, who: Identity) => decide(p, { verdict: 'approve', actor: who, reason: 'checked', now: NOW + 1000 }).proposal;

describe('approver groups and required humans', () => {
  it('stays pending after two approvals from the same group, and approves once the other group signs', () => {
    let p = open({ command: 'DROP TABLE users' });
    expect(p.approver_groups?.map((g) => g.group)).toEqual(['dba', 'sre']);
    p = approve(approve(p, person('alice')), person('bob'));
    expect(p.status).toBe('pending');
    const change = decide(p, { verdict: 'approve', actor: person('carol'), reason: 'ok', now: NOW + 2000 });
    expect(change.proposal.status).toBe('approved');
  });

  it('records what is still needed in the approval event', () => {
    const change = decide(open({ command: 'DROP TABLE users' }), { verdict: 'approve', actor: person('alice'), reason: 'ok', now: NOW + 1 });
    expect(change.events[0]!.data).toMatchObject({ still_needed: ['approvals from 1 of group dba and 1 of group sre'] });
  });

  it('does not let one approver fill two group seats', () => {
    const both = parsePolicy(`
approver_groups: { dba: [alice], sre: [alice, carol] }
rules: [{ name: r, match: { type: sql }, approver_groups: { dba: 1, sre: 1 } }]
`);
    const input: ProposalInput = { action: { type: 'sql', command: 'DROP TABLE t' }, what: 'x', why: 'y', blast_radius: { resources: [] }, reversibility: { reversible: true }, urgency: 'normal' };
    let p = openProposal({ id: 'p', input, actionHash: 'sha256:0', proposer: person('agent-7', 'agent', 'zed'), assessment: assess(input, both), now: NOW }).proposal;
    p = approve(approve(p, person('alice')), person('dave'));
    expect(p.status).toBe('pending');
    expect(approve(p, person('carol')).status).toBe('approved');
  });

  it('stays pending while only agents approved a proposal that requires a human', () => {
    let p = open({ type: 'shell', command: 'rm -rf /srv/cache' });
    expect(p.require_human).toBe(true);
    p = approve(approve(p, person('bot-1', 'agent', 'alice')), person('bot-2', 'agent', 'bob'));
    expect(p.status).toBe('pending');
    expect(approve(p, person('carol')).status).toBe('approved');
  });

  it('leaves proposals without group rules on the plain two-person count', () => {
    let p = open({ type: 'git', command: 'git push --force origin main' });
    expect(p.approver_groups).toBeUndefined();
    p = approve(approve(p, person('x')), person('y'));
    expect(p.status).toBe('approved');
  });
});
