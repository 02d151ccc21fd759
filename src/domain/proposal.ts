import type { ApproverGroup, Proposal, Risk, SignedDecisions } from '../contract/proposal-types.js';
import { type AuditEventInput, SYSTEM_ACTORS } from './audit-event.js';
import type { Identity } from './identity.js';
import type { ProposalInput } from './proposal-schema.js';

// The proposal's shape is the wire contract's; this module keeps the rule that opens one.
export { PROPOSAL_STATUSES as STATUSES } from '../contract/proposal-types.js';
export type {
  ApproverGroup,
  Decision,
  Execution,
  ExecutionState,
  Proposal,
  ProposalStatus as Status,
  Risk,
  RiskClass,
  SignedDecisions,
} from '../contract/proposal-types.js';

/** What the policy decided for one proposal. */
export interface Assessment {
  risk: Risk;
  required_approvals: number;
  /** How long the proposal may wait for its decision. */
  timeout_ms: number;
  /** Names the rule that lets a riskless action through without approvals. */
  rule: string;
  /** Approvals that must come from members of named groups (e.g. one DBA and one SRE). */
  approver_groups?: ApproverGroup[];
  /** At least one approval must come from a human identity. */
  require_human?: boolean;
  /** At least one approval must be a person's passkey-signed decision (policy `require_passkey`). */
  require_passkey?: boolean;
  /** Set when it is not the default, `optional`. */
  signed_decisions?: SignedDecisions;
}

export interface NewProposal {
  id: string;
  input: ProposalInput;
  actionHash: string;
  proposer: Identity;
  assessment: Assessment;
  now: number;
}

/** Builds a proposal and the events that record it; riskless ones are approved by policy at once. */
export function openProposal({ id, input, actionHash, proposer, assessment, now }: NewProposal): {
  proposal: Proposal;
  events: AuditEventInput[];
} {
  const at = new Date(now).toISOString();
  const approvedByPolicy = assessment.required_approvals === 0;
  const proposal: Proposal = {
    id,
    status: approvedByPolicy ? 'approved' : 'pending',
    action: input.action,
    action_hash: actionHash,
    what: input.what,
    why: input.why,
    blast_radius: input.blast_radius,
    reversibility: input.reversibility,
    cost_impact_usd: input.cost_impact_usd ?? null,
    urgency: input.urgency,
    proposer: proposer.name,
    proposer_principal: proposer.principal,
    risk: assessment.risk,
    required_approvals: assessment.required_approvals,
    ...(assessment.approver_groups?.length ? { approver_groups: assessment.approver_groups } : {}),
    ...(assessment.require_human ? { require_human: true } : {}),
    ...(assessment.require_passkey ? { require_passkey: true } : {}),
    ...(assessment.signed_decisions && assessment.signed_decisions !== 'optional' ? { signed_decisions: assessment.signed_decisions } : {}),
    approvals: [],
    rejection: null,
    created_at: at,
    expires_at: new Date(now + assessment.timeout_ms).toISOString(),
    decided_at: approvedByPolicy ? at : null,
    execution: { state: 'not_started' },
  };
  const events: AuditEventInput[] = [
    {
      at,
      type: 'proposal.created',
      proposal_id: id,
      actor: proposer.name,
      reason: input.why,
      data: {
        action: input.action,
        action_hash: actionHash,
        what: input.what,
        risk: assessment.risk,
        required_approvals: assessment.required_approvals,
        ...(proposal.approver_groups ? { approver_groups: proposal.approver_groups } : {}),
        ...(proposal.require_human ? { require_human: true } : {}),
        ...(proposal.require_passkey ? { require_passkey: true } : {}),
        ...(proposal.signed_decisions ? { signed_decisions: proposal.signed_decisions } : {}),
        expires_at: proposal.expires_at,
      },
    },
  ];
  if (approvedByPolicy) {
    events.push({
      at,
      type: 'proposal.approved_by_policy',
      proposal_id: id,
      actor: SYSTEM_ACTORS.policy,
      reason: `no risk class applies (rule: ${assessment.rule})`,
      data: { rule: assessment.rule },
    });
  }
  return { proposal, events };
}
