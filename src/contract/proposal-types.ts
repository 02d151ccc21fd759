/**
 * The proposal as it crosses the wire (DESIGN.md §3–4): what an agent sends,
 * and what the server returns. Server, SDK and CLI all read these.
 */

/** Every kind of action a proposal may ask to run. */
export const ACTION_TYPES = ['sql', 'shell', 'git', 'kubernetes', 'terraform', 'cloud', 'http', 'mcp_tool', 'custom'] as const;
/** Every urgency; the policy maps each to a timeout. */
export const URGENCIES = ['triage', 'normal', 'low'] as const;
/** Every status a proposal can have. */
export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
/** Every kind of identity. */
export const IDENTITY_KINDS = ['human', 'agent'] as const;

/**
 * What kind of action a proposal asks to run.
 *
 * @example
 * const type: ActionType = 'mcp_tool';
 */
export type ActionType = (typeof ACTION_TYPES)[number];
/**
 * How soon a decision is needed; the policy maps it to a timeout.
 *
 * @example
 * const urgency: Urgency = 'triage'; // 30 minutes by default
 */
export type Urgency = (typeof URGENCIES)[number];
/**
 * Where a proposal stands.
 *
 * @example
 * const waiting = (await client.list('pending' satisfies ProposalStatus)).length;
 */
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
/**
 * A person, or an agent acting for one.
 *
 * @example
 * const humans = proposal.approvals.filter((d) => d.kind === ('human' satisfies IdentityKind));
 */
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
/**
 * How far the approved action's one execution got.
 *
 * @example
 * if (proposal.execution.state === ('failed' satisfies ExecutionState)) console.log(proposal.execution.detail);
 */
export type ExecutionState = 'not_started' | 'claimed' | 'succeeded' | 'failed';
/**
 * A risk the policy found in the action or its declaration.
 *
 * @example
 * const irreversible = proposal.risk.classes.includes('irreversible' satisfies RiskClass);
 */
export type RiskClass = 'irreversible' | 'blast_radius' | 'cost';

/**
 * Exactly what will run. Its canonical hash binds the approval to it.
 *
 * @example
 * const action: Action = { type: 'shell', command: 'rm -r /srv/cache/build-42', target: { environment: 'production' } };
 */
export interface Action {
  type: ActionType;
  command?: string;
  target?: { system?: string; environment?: string };
  params?: Record<string, unknown>;
}

/**
 * The body of `POST /v1/proposals`.
 *
 * @example
 * const input: ProposalInput = {
 *   action: { type: 'git', command: 'push --force origin main' },
 *   what: 'Rewrite main', why: 'Remove a leaked secret', urgency: 'triage',
 *   blast_radius: { resources: ['github.com/acme/app'] }, reversibility: { reversible: false },
 * };
 */
export interface ProposalInput {
  action: Action;
  what: string;
  why: string;
  blast_radius: { resources: string[]; critical_path?: boolean; customer_data?: boolean };
  reversibility: { reversible: boolean; rollback_plan?: string };
  cost_impact_usd?: number;
  urgency: Urgency;
}

/**
 * The risk the policy found, and why.
 *
 * @example
 * const { classes, reasons, declared_mismatch }: Risk = proposal.risk;
 */
export interface Risk {
  classes: RiskClass[];
  reasons: string[];
  /** True when the action is riskier than the proposal declared. */
  declared_mismatch: boolean;
}

/**
 * Approvals that must come from members of a named group (e.g. one DBA and one SRE).
 *
 * @example
 * for (const g of proposal.approver_groups ?? []) console.log(`${g.min} from ${g.group}`);
 */
export interface ApproverGroup {
  group: string;
  /** Identity or principal names, as the policy listed them when the proposal was made. */
  members: string[];
  min: number;
}

/**
 * One approval or rejection.
 *
 * @example
 * for (const d of proposal.approvals) console.log(`${d.identity} (for ${d.principal}): ${d.reason}`);
 */
/** Whether decisions must carry a signature by a registered key (DESIGN.md §8); absent means `optional`. */
export type SignedDecisions = 'off' | 'optional' | 'required';

export interface Decision {
  identity: string;
  /** The person the decider answers to; approvals are counted per principal. */
  principal: string;
  kind?: IdentityKind;
  reason: string;
  at: string;
  /** The registered key that signed it, when signed. */
  signature?: { kind: string; key_id: string };
}

/**
 * A key registered to sign one identity's decisions.
 *
 * @example
 * const keys: SigningKeyRecord[] = await client.listKeys();
 * const usable = keys.filter((k) => k.revoked_at === null);
 */
export interface SigningKeyRecord {
  key_id: string;
  identity: string;
  kind: 'key';
  /** base64url of the raw Ed25519 public key. */
  public_key: string;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

/**
 * The execution record of an approved proposal.
 *
 * @example
 * const ranBy: string | undefined = proposal.execution.claimed_by;
 */
export interface Execution {
  state: ExecutionState;
  claimed_by?: string;
  claimed_at?: string;
  finished_at?: string;
  detail?: string;
}

/**
 * A proposal as the server returns it.
 *
 * @example
 * const proposal: Proposal = await client.get(id);
 * console.log(proposal.status, proposal.risk.classes, proposal.required_approvals);
 */
export interface Proposal {
  id: string;
  status: ProposalStatus;
  action: Action;
  action_hash: string;
  what: string;
  why: string;
  blast_radius: ProposalInput['blast_radius'];
  reversibility: ProposalInput['reversibility'];
  cost_impact_usd: number | null;
  urgency: Urgency;
  proposer: string;
  /** The person behind the proposer (its owner chain's root); never an approver of this proposal. */
  proposer_principal: string;
  risk: Risk;
  required_approvals: number;
  approver_groups?: ApproverGroup[];
  /** At least one approval must come from a human identity. */
  require_human?: boolean;
  /** At least one approval must be a person's passkey-signed decision (policy `require_passkey`). */
  require_passkey?: boolean;
  /** Set when decisions must (`required`) or must not (`off`) be signed; absent means `optional`. */
  signed_decisions?: SignedDecisions;
  approvals: Decision[];
  rejection: Decision | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  execution: Execution;
}

/**
 * What a claim returns: the approved action, to be run exactly once.
 *
 * @example
 * const grant: Grant = await client.claimExecution(proposal.id, proposal.action_hash);
 * await run(grant.action);
 */
export interface Grant {
  proposal_id: string;
  action: Action;
  action_hash: string;
  claimed_by: string;
  claimed_at: string;
}
