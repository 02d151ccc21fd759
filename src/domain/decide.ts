import { type AuditEventInput, SYSTEM_ACTORS } from './audit-event.js';
import { type Change, refused } from './change.js';
import { conflict, forbidden } from './errors.js';
import { hasRole, type Identity } from './identity.js';
import type { ApproverGroup, Decision, Proposal } from './proposal.js';
import type { DecisionSignature } from './signing-key.js';

export type Verdict = 'approve' | 'reject';

export interface DecisionAttempt {
  verdict: Verdict;
  actor: Identity;
  reason: string;
  now: number;
  /** When this actor first viewed the proposal, if ever (feeds rubber-stamp detection). */
  firstViewedAt?: number;
  /** A signature already verified over this decision's statement (see decision-signature.ts). */
  signature?: DecisionSignature;
}

/**
 * Applies one approval or rejection. Counts principals, not identities: the
 * proposer, the proposer's owner and anyone already counted are refused.
 */
export function decide(proposal: Proposal, attempt: DecisionAttempt): Change {
  const { verdict, actor, reason, now } = attempt;
  const at = new Date(now).toISOString();
  const refuse = (error: ReturnType<typeof conflict>) => refused(proposal, error, verdict, actor.name, at);

  if (!hasRole(actor, 'approver')) {
    return refuse(forbidden('not_an_approver', `"${actor.name}" lacks the approver role; ask an admin to grant it.`));
  }
  if (proposal.status !== 'pending') {
    return refuse(conflict('not_pending', `The proposal is already ${proposal.status}; decisions are closed.`));
  }
  if (now >= Date.parse(proposal.expires_at)) {
    const late = refuse(conflict('expired', `The proposal expired at ${proposal.expires_at}; it cannot be decided.`));
    const expiry = expire(proposal, now);
    return expiry ? { ...expiry, events: [...late.events, ...expiry.events], refusal: late.refusal } : late;
  }
  if (actor.name === proposal.proposer) {
    return refuse(conflict('own_proposal', 'You proposed this action; two other people must decide it.'));
  }
  if (actor.principal === proposal.proposer_principal) {
    const who = actor.principal === actor.name ? `"${actor.name}"` : `"${actor.name}" acts for "${actor.principal}", who`;
    return refuse(conflict('proposer_principal', `${who} is behind the proposer "${proposal.proposer}"; two other people must decide.`));
  }
  const previous = proposal.approvals.find((a) => a.principal === actor.principal);
  if (previous) {
    return refuse(
      conflict('same_principal', `"${actor.principal}" already approved this proposal (as "${previous.identity}"); a second approval must come from someone else.`),
    );
  }

  const { signature } = attempt;
  const decision: Decision = {
    identity: actor.name, principal: actor.principal, kind: actor.kind, reason, at,
    ...(signature ? { signature: { kind: signature.kind, key_id: signature.key_id } } : {}),
  };
  const signed = signature ? { signature } : {};
  const record = {
    proposal_id: proposal.id,
    identity: actor.name,
    principal: actor.principal,
    verdict,
    at,
    review_ms: attempt.firstViewedAt === undefined ? 0 : Math.max(0, now - attempt.firstViewedAt),
    reason,
  };
  const base = { at, proposal_id: proposal.id, actor: actor.name, reason };

  if (verdict === 'reject') {
    const next: Proposal = { ...proposal, status: 'rejected', rejection: decision, decided_at: at };
    return { proposal: next, decision: record, events: [{ ...base, type: 'proposal.rejected', data: { principal: actor.principal, ...signed } }] };
  }

  const approvals = [...proposal.approvals, decision];
  const missing = stillNeeded(proposal, approvals);
  const quorum = approvals.length >= proposal.required_approvals && missing.length === 0;
  const next: Proposal = { ...proposal, approvals, status: quorum ? 'approved' : 'pending', decided_at: quorum ? at : null };
  const events: AuditEventInput[] = [
    {
      ...base,
      type: 'approval.recorded',
      data: { principal: actor.principal, count: approvals.length, required: proposal.required_approvals, ...(missing.length ? { still_needed: missing } : {}), ...signed },
    },
  ];
  if (quorum) {
    events.push({
      at,
      type: 'proposal.approved',
      proposal_id: proposal.id,
      actor: SYSTEM_ACTORS.quorum,
      reason: `${approvals.length} of ${proposal.required_approvals} approvals from distinct principals`,
      data: { approvers: approvals.map((a) => a.identity), action_hash: proposal.action_hash },
    });
  }
  return { proposal: next, decision: record, events };
}

const inGroup = (a: Decision, g: ApproverGroup) => g.members.includes(a.identity) || g.members.includes(a.principal);

/** Gives each group its seats from distinct approvals; one approval fills at most one seat (small search, groups are few). */
function seatGroups(approvals: Decision[], seats: ApproverGroup[], used = new Set<number>()): boolean {
  const [first, ...rest] = seats;
  if (!first) return true;
  return approvals.some((a, i) => {
    if (used.has(i) || !inGroup(a, first)) return false;
    used.add(i);
    const ok = seatGroups(approvals, rest, used);
    used.delete(i);
    return ok;
  });
}

/** What the policy still asks for beyond the count: group members, a human. Empty when satisfied. */
export function stillNeeded(proposal: Proposal, approvals: Decision[]): string[] {
  const missing: string[] = [];
  const groups = proposal.approver_groups ?? [];
  const seats = groups.flatMap((g) => Array.from({ length: g.min }, () => g));
  if (!seatGroups(approvals, seats)) missing.push(`approvals from ${groups.map((g) => `${g.min} of group ${g.group}`).join(' and ')}`);
  if (proposal.require_human && !approvals.some((a) => a.kind === 'human')) missing.push('an approval from a human');
  if (proposal.require_passkey && !approvals.some((a) => a.kind === 'human' && a.signature?.kind === 'passkey')) missing.push("an approval signed with a person's passkey");
  return missing;
}

/** Expires a pending proposal past its deadline; `undefined` when there is nothing to expire. */
export function expire(proposal: Proposal, now: number): Change | undefined {
  if (proposal.status !== 'pending' || now < Date.parse(proposal.expires_at)) return undefined;
  const at = new Date(now).toISOString();
  return {
    proposal: { ...proposal, status: 'expired', decided_at: at },
    events: [
      {
        at,
        type: 'proposal.expired',
        proposal_id: proposal.id,
        actor: SYSTEM_ACTORS.system,
        reason: `no decision before ${proposal.expires_at}; expired proposals are never retried`,
        data: { approvals_received: proposal.approvals.length, required: proposal.required_approvals },
      },
    ],
  };
}
