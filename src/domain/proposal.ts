import { type AuditEventInput, SYSTEM_ACTORS } from './audit-event.js';
import type { Identity } from './identity.js';
import type { Action, ProposalInput, Urgency } from './proposal-schema.js';

export const STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type Status = (typeof STATUSES)[number];
export type ExecutionState = 'not_started' | 'claimed' | 'succeeded' | 'failed';
export type RiskClass = 'irreversible' | 'blast_radius' | 'cost';

export interface Risk {
  classes: RiskClass[];
  reasons: string[];
  declared_mismatch: boolean;
}

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
}

export interface ApproverGroup {
  group: string;
  /** Identity or principal names, as the policy listed them when the proposal was made. */
  members: string[];
  min: number;
}

export interface Decision {
  identity: string;
  principal: string;
  kind?: Identity['kind'];
  reason: string;
  at: string;
}

export interface Execution {
  state: ExecutionState;
  claimed_by?: string;
  claimed_at?: string;
  finished_at?: string;
  detail?: string;
}

export interface Proposal {
  id: string;
  status: Status;
  action: Action;
  action_hash: string;
  what: string;
  why: string;
  blast_radius: ProposalInput['blast_radius'];
  reversibility: ProposalInput['reversibility'];
  cost_impact_usd: number | null;
  urgency: Urgency;
  proposer: string;
  proposer_principal: string;
  risk: Risk;
  required_approvals: number;
  approver_groups?: ApproverGroup[];
  require_human?: boolean;
  approvals: Decision[];
  rejection: Decision | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  execution: Execution;
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
