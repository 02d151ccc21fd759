import { randomUUID } from 'node:crypto';
import { actionHash } from '../../src/audit/canonical-json.js';
import type { Identity } from '../../src/domain/identity.js';
import { openProposal, type Proposal } from '../../src/domain/proposal.js';
import type { ProposalInput } from '../../src/domain/proposal-schema.js';
import type { AuditEventInput } from '../../src/domain/audit-event.js';

export const T0 = Date.parse('2026-11-25T09:00:00Z');

export const person = (name: string, roles: Identity['roles'] = ['approver']): Identity => ({
  name,
  kind: 'human',
  owner: null,
  principal: name,
  roles,
  created_at: new Date(T0).toISOString(),
});

const input: ProposalInput = {
  action: { type: 'sql', command: 'DROP TABLE users', target: { system: 'postgres://prod-db/app', environment: 'production' }, params: {} },
  what: 'Drop the legacy users table',
  why: 'Replaced by accounts (OPS-1234)',
  blast_radius: { resources: ['prod-db/app.users'], critical_path: true, customer_data: true },
  reversibility: { reversible: false },
  cost_impact_usd: 0,
  urgency: 'triage',
} as ProposalInput;

/** A pending two-approval proposal and its creation events. */
export function newProposal(options: { now?: number; timeoutMs?: number; required?: number } = {}): { proposal: Proposal; events: AuditEventInput[] } {
  return openProposal({
    id: randomUUID(),
    input,
    actionHash: actionHash(input.action),
    proposer: person('agent-7', ['proposer']),
    assessment: {
      risk: { classes: ['irreversible'], reasons: ['DROP TABLE'], declared_mismatch: false },
      required_approvals: options.required ?? 2,
      timeout_ms: options.timeoutMs ?? 30 * 60_000,
      rule: 'test',
    },
    now: options.now ?? T0,
  });
}
