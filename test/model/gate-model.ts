/**
 * A small reference model of the gate's rules (../shared/DESIGN.md §2),
 * written apart from `src/` so that code moving there is checked against an
 * independent statement of what must hold. Pure: no I/O, no clock of its own.
 */
import { can, person, principalOf, REQUIRED, type Template, TIMEOUT_MS, type Urgency } from './gate-cast.js';

export interface ModelEvent {
  type: string;
  actor: string;
  /** The refusal code of an `attempt.refused`. */
  code?: string;
  /** The reason a decision gave, or the detail of an outcome (null without one). */
  reason?: string | null;
}

/** The events whose reason the model follows: decisions and outcomes. */
export const EVENTS_WITH_REASON = ['approval.recorded', 'proposal.rejected', 'execution.recorded'];

export interface ModelDecision {
  identity: string;
  reason: string;
  at: string;
}

export interface ModelExecution {
  state: 'not_started' | 'claimed' | 'succeeded' | 'failed';
  claimed_by?: string;
  claimed_at?: string;
  finished_at?: string;
  detail?: string;
}

/** What the model says a proposal looks like from outside. */
export interface ModelProposal {
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  proposer: string;
  required_approvals: number;
  approvals: ModelDecision[];
  rejection: ModelDecision | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  execution: ModelExecution;
}

/** One proposal of the sequence: its id (learnt from the server), its view, and its audit trail. */
export interface Tracked {
  id: string;
  /** Its position in the sequence, for readable counterexamples. */
  n: number;
  template: Template;
  action_hash: string;
  view: ModelProposal;
  events: ModelEvent[];
}

/** What one request should get: a status, a problem code or field, and the proposal as it then stands. */
export interface Expected {
  status: number;
  code?: string;
  field?: string;
  /** The proposal's next view and its events after the request (undefined: nothing changes). */
  next?: { view: ModelProposal; events: ModelEvent[] };
}

const iso = (ms: number) => new Date(ms).toISOString();
const refused = (t: Tracked, status: number, code: string, actor: string): Expected => ({
  status,
  code,
  next: { view: t.view, events: [...t.events, { type: 'attempt.refused', actor, code }] },
});

/** A new proposal by `actor` at `now`; 201 with its first view and events, or the refusal. */
export function expectPropose(actor: string, template: Template, urgency: Urgency, valid: boolean, now: number): Expected {
  if (!person(actor)) return { status: 401 };
  if (!valid) return { status: 400, field: 'why' };
  if (!can(actor, 'proposer')) return { status: 403, code: 'not_a_proposer' };
  const required = REQUIRED[template];
  const byPolicy = required === 0;
  return {
    status: 201,
    next: {
      view: {
        status: byPolicy ? 'approved' : 'pending',
        proposer: actor,
        required_approvals: required,
        approvals: [],
        rejection: null,
        created_at: iso(now),
        expires_at: iso(now + TIMEOUT_MS[urgency]),
        decided_at: byPolicy ? iso(now) : null,
        execution: { state: 'not_started' },
      },
      events: [{ type: 'proposal.created', actor }, ...(byPolicy ? [{ type: 'proposal.approved_by_policy', actor: 'policy' }] : [])],
    },
  };
}

export type DecisionBody = 'reason' | 'no-reason' | 'blank-reason' | 'bundle';

/**
 * An approval or rejection. Checks in the contract's order: 401 token, 404
 * proposal, 400 body, 403 role, then 409 (not pending, expired, own proposal,
 * the proposer's principal, a principal already counted).
 */
export function expectDecision(
  t: Tracked | undefined,
  actor: string,
  verdict: 'approve' | 'reject',
  body: DecisionBody,
  reason: string,
  now: number,
): Expected {
  if (!person(actor)) return { status: 401 };
  if (!t) return { status: 404, code: 'not_found' };
  if (body === 'no-reason' || body === 'blank-reason') return { status: 400, field: 'reason' };
  if (body === 'bundle') return { status: 400, field: 'proposal_ids' };
  const p = t.view;
  if (!can(actor, 'approver')) return refused(t, 403, 'not_an_approver', actor);
  if (p.status !== 'pending') return refused(t, 409, 'not_pending', actor);
  if (now >= Date.parse(p.expires_at)) {
    // Refused, and the proposal expires there and then, sweeper or not.
    const late = refused(t, 409, 'expired', actor);
    return { ...late, next: { view: { ...p, status: 'expired', decided_at: iso(now) }, events: [...late.next!.events, { type: 'proposal.expired', actor: 'system' }] } };
  }
  if (actor === p.proposer) return refused(t, 409, 'own_proposal', actor);
  if (principalOf(actor) === principalOf(p.proposer)) return refused(t, 409, 'proposer_principal', actor);
  if (p.approvals.some((a) => principalOf(a.identity) === principalOf(actor))) return refused(t, 409, 'same_principal', actor);

  const decision = { identity: actor, reason, at: iso(now) };
  if (verdict === 'reject') {
    return {
      status: 201,
      next: { view: { ...p, status: 'rejected', rejection: decision, decided_at: iso(now) }, events: [...t.events, { type: 'proposal.rejected', actor, reason }] },
    };
  }
  const approvals = [...p.approvals, decision];
  const quorum = approvals.length >= p.required_approvals;
  return {
    status: 201,
    next: {
      view: { ...p, approvals, status: quorum ? 'approved' : 'pending', decided_at: quorum ? iso(now) : null },
      events: [...t.events, { type: 'approval.recorded', actor, reason }, ...(quorum ? [{ type: 'proposal.approved', actor: 'quorum' }] : [])],
    },
  };
}

export type ClaimHash = 'approved' | 'other' | 'malformed';

/** Claims execution: once, by the proposer or an executor, for an approved proposal, with its exact hash. */
export function expectClaim(t: Tracked | undefined, actor: string, hash: ClaimHash, now: number): Expected {
  if (!person(actor)) return { status: 401 };
  if (!t) return { status: 404, code: 'not_found' };
  if (hash === 'malformed') return { status: 400, field: 'action_hash' };
  const p = t.view;
  if (actor !== p.proposer && !can(actor, 'executor')) return refused(t, 403, 'not_executor', actor);
  if (p.status !== 'approved') return refused(t, 409, 'not_approved', actor);
  if (p.execution.state !== 'not_started') return refused(t, 409, 'already_claimed', actor);
  if (hash !== 'approved') return refused(t, 409, 'hash_mismatch', actor);
  return {
    status: 200,
    next: {
      view: { ...p, execution: { state: 'claimed', claimed_by: actor, claimed_at: iso(now) } },
      events: [...t.events, { type: 'execution.claimed', actor }],
    },
  };
}

export type Outcome = 'succeeded' | 'failed' | 'unheard-of';

/** Records the outcome: only the claimant, only once. */
export function expectOutcome(t: Tracked | undefined, actor: string, outcome: Outcome, detail: string | undefined, now: number): Expected {
  if (!person(actor)) return { status: 401 };
  if (!t) return { status: 404, code: 'not_found' };
  if (outcome === 'unheard-of') return { status: 400, field: 'outcome' };
  const p = t.view;
  if (actor !== p.proposer && !can(actor, 'executor')) return refused(t, 403, 'not_executor', actor);
  if (p.execution.state === 'not_started') return refused(t, 409, 'not_claimed', actor);
  if (actor !== p.execution.claimed_by) return refused(t, 409, 'not_claimant', actor);
  if (p.execution.state !== 'claimed') return refused(t, 409, 'outcome_recorded', actor);
  return {
    status: 200,
    next: {
      view: { ...p, execution: { ...p.execution, state: outcome, finished_at: iso(now), ...(detail ? { detail } : {}) } },
      events: [...t.events, { type: 'execution.recorded', actor, reason: detail ?? null }],
    },
  };
}

/** The sweeper: every pending proposal at or past its `expires_at` expires, once. */
export function expectSweep(t: Tracked, now: number): Expected['next'] {
  if (t.view.status !== 'pending' || now < Date.parse(t.view.expires_at)) return undefined;
  return { view: { ...t.view, status: 'expired', decided_at: iso(now) }, events: [...t.events, { type: 'proposal.expired', actor: 'system' }] };
}

/** The model's state for one sequence: its proposals and the time it believes it is. */
export class GateModel {
  readonly proposals: Tracked[] = [];
  /**
   * @param now the time the model believes it is
   * @param logLength how many events the whole audit log should hold: this
   *   sequence's, plus those the sweeper appends for proposals of earlier ones
   */
  constructor(
    public now: number,
    public logLength: number,
  ) {}

  /** The events of this sequence's proposals. */
  eventCount(): number {
    return this.proposals.reduce((n, t) => n + t.events.length, 0);
  }

  /** Whether a step can run: some proposal is in the state it asks for ('unknown' always can). */
  has(target: Target): boolean {
    return target === 'unknown' || this.proposals.some(IN_STATE[target.among]);
  }

  /** The proposal a step acts on: the k-th (modulo) of those in the state it asks for. */
  resolve(target: Target): Tracked | undefined {
    if (target === 'unknown') return undefined;
    const some = this.proposals.filter(IN_STATE[target.among]);
    return some[target.k % some.length];
  }
}

/** Which proposal a step acts on; 'unknown' names an id nobody has. */
export type Target = { k: number; among: keyof typeof IN_STATE } | 'unknown';

const IN_STATE = {
  any: () => true,
  pending: (t: Tracked) => t.view.status === 'pending',
  approved: (t: Tracked) => t.view.status === 'approved',
  claimed: (t: Tracked) => t.view.execution.state === 'claimed',
};

/** An actor as a command names it: a name, or the chosen proposal's proposer, the proposer's owner, or its claimant. */
export type ActorSpec = string;
export const PROPOSER = '@proposer';
export const PROPOSER_OWNER = '@owner';
export const CLAIMANT = '@claimant';

export function resolveActor(spec: ActorSpec, t: Tracked | undefined): string {
  if (!spec.startsWith('@')) return spec;
  // Without a proposal (the 404 case) any real identity will do.
  const proposer = t?.view.proposer ?? 'bob';
  if (spec === PROPOSER_OWNER) return person(proposer)?.owner ?? proposer;
  if (spec === CLAIMANT) return t?.view.execution.claimed_by ?? proposer;
  return proposer;
}
