/**
 * The wire shapes of the HTTP API (DESIGN.md §3–4), written out here so the
 * SDK carries no server code: an agent project needs nothing but `fetch`.
 */

/** What kind of action a proposal asks to run. */
export type ActionType = 'sql' | 'shell' | 'git' | 'kubernetes' | 'terraform' | 'cloud' | 'http' | 'mcp_tool' | 'custom';
export type Urgency = 'triage' | 'normal' | 'low';
export type ProposalStatus = 'pending' | 'approved' | 'rejected' | 'expired';
export type ExecutionState = 'not_started' | 'claimed' | 'succeeded' | 'failed';
export type RiskClass = 'irreversible' | 'blast_radius' | 'cost';

/** Exactly what will run. Its canonical hash binds the approval to it. */
export interface Action {
  type: ActionType;
  command?: string;
  target?: { system?: string; environment?: string };
  params?: Record<string, unknown>;
}

/** The body of `POST /v1/proposals`. */
export interface ProposalInput {
  action: Action;
  what: string;
  why: string;
  blast_radius: { resources: string[]; critical_path?: boolean; customer_data?: boolean };
  reversibility: { reversible: boolean; rollback_plan?: string };
  cost_impact_usd?: number;
  urgency: Urgency;
}

export interface Decision {
  identity: string;
  principal?: string;
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

/** A proposal as the server returns it. */
export interface Proposal {
  id: string;
  status: ProposalStatus;
  action: Action;
  action_hash: string;
  what: string;
  why: string;
  proposer: string;
  blast_radius: ProposalInput['blast_radius'];
  reversibility: ProposalInput['reversibility'];
  cost_impact_usd: number | null;
  urgency: Urgency;
  risk: { classes: RiskClass[]; reasons: string[]; declared_mismatch: boolean };
  required_approvals: number;
  approvals: Decision[];
  rejection: Decision | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  execution: Execution;
}

/** What a claim returns: the approved action, to be run exactly once. */
export interface Grant {
  proposal_id: string;
  action: Action;
  action_hash: string;
  claimed_by: string;
  claimed_at: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  type: string;
  proposal_id: string | null;
  actor: string;
  reason: string | null;
  data: unknown;
  prev_hash: string;
  hash: string;
}

export type VerifyResult = { ok: true; events: number } | { ok: false; first_bad_seq: number; problem: string };

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem document as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}
