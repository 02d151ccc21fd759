/**
 * The wire shapes of the HTTP API (DESIGN.md §3–4), written out here so the
 * SDK carries no server code: at run time it needs only `fetch` and `canonicalize`.
 */

/**
 * What kind of action a proposal asks to run.
 *
 * @example
 * const type: ActionType = 'mcp_tool';
 */
export type ActionType = 'sql' | 'shell' | 'git' | 'kubernetes' | 'terraform' | 'cloud' | 'http' | 'mcp_tool' | 'custom';
/**
 * How soon a decision is needed; the policy maps it to a timeout.
 *
 * @example
 * const urgency: Urgency = 'triage'; // 30 minutes by default
 */
export type Urgency = 'triage' | 'normal' | 'low';
/**
 * Where a proposal stands.
 *
 * @example
 * const waiting = (await client.list('pending' satisfies ProposalStatus)).length;
 */
export type ProposalStatus = 'pending' | 'approved' | 'rejected' | 'expired';
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
 * One approval or rejection.
 *
 * @example
 * for (const d of proposal.approvals) console.log(`${d.identity}: ${d.reason}`);
 */
export interface Decision {
  identity: string;
  principal?: string;
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
  proposer: string;
  blast_radius: ProposalInput['blast_radius'];
  reversibility: ProposalInput['reversibility'];
  cost_impact_usd: number | null;
  urgency: Urgency;
  risk: { classes: RiskClass[]; reasons: string[]; declared_mismatch: boolean };
  required_approvals: number;
  /** Set when decisions must (`required`) or must not (`off`) be signed; absent means `optional`. */
  signed_decisions?: 'off' | 'optional' | 'required';
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

/**
 * One hash-chained audit event.
 *
 * @example
 * const events: AuditEvent[] = await auditorClient.auditChain(id);
 */
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

/**
 * The verdict of verifying the whole audit log.
 *
 * @example
 * const result: VerifyResult = await auditorClient.verifyAudit();
 * if (!result.ok) console.error('first bad event', result.first_bad_seq);
 */
export type VerifyResult = { ok: true; events: number } | { ok: false; first_bad_seq: number; problem: string };

/**
 * One invalid field of a refused request, and how to fix it.
 *
 * @example
 * catch (e) { if (e instanceof InvalidProposal) e.errors.forEach((f: FieldError) => console.error(f.field, f.message)); }
 */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem document as the server sends it.
 *
 * @example
 * catch (e) { if (e instanceof ApiError) console.error((e.problem as Problem).code); }
 */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}
