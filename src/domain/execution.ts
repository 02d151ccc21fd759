import { type Change, refused } from './change.js';
import { conflict, forbidden } from './errors.js';
import { hasRole, type Identity } from './identity.js';
import type { Grant } from '../contract/proposal-types.js';
import type { Proposal } from './proposal.js';

/** What an executor receives: exactly the approved action, bound by its hash. */

export const grantOf = (p: Proposal): Grant => ({
  proposal_id: p.id,
  action: p.action,
  action_hash: p.action_hash,
  claimed_by: p.execution.claimed_by ?? '',
  claimed_at: p.execution.claimed_at ?? '',
});

/** Claims the one execution an approval allows, for the exact action that was approved. */
export function claim(proposal: Proposal, actor: Identity, actionHash: string, now: number): Change {
  const at = new Date(now).toISOString();
  const refuse = (error: ReturnType<typeof conflict>) => refused(proposal, error, 'claim', actor.name, at);
  if (actor.name !== proposal.proposer && !hasRole(actor, 'executor')) {
    return refuse(forbidden('not_executor', 'Only the proposer or an identity with the executor role may claim execution.'));
  }
  if (proposal.status !== 'approved') {
    return refuse(conflict('not_approved', `The proposal is ${proposal.status}, not approved; nothing may run.`));
  }
  if (proposal.execution.state !== 'not_started') {
    return refuse(conflict('already_claimed', `Execution was already claimed by "${proposal.execution.claimed_by}"; an approval runs once.`));
  }
  if (actionHash !== proposal.action_hash) {
    return refuse(conflict('hash_mismatch', `action_hash differs from the approved ${proposal.action_hash}; only the approved action may run.`));
  }
  return {
    proposal: { ...proposal, execution: { state: 'claimed', claimed_by: actor.name, claimed_at: at } },
    events: [
      { at, type: 'execution.claimed', proposal_id: proposal.id, actor: actor.name, reason: null, data: { action_hash: actionHash } },
    ],
  };
}

/** Records how the claimed execution ended; only the claimant may, and only once. */
export function recordOutcome(
  proposal: Proposal,
  actor: Identity,
  outcome: 'succeeded' | 'failed',
  detail: string | undefined,
  now: number,
): Change {
  const at = new Date(now).toISOString();
  const refuse = (error: ReturnType<typeof conflict>) => refused(proposal, error, 'record_outcome', actor.name, at);
  if (actor.name !== proposal.proposer && !hasRole(actor, 'executor')) {
    return refuse(forbidden('not_executor', 'Only the proposer or an identity with the executor role may record an outcome.'));
  }
  if (proposal.execution.state === 'not_started') {
    return refuse(conflict('not_claimed', 'Execution has not been claimed; claim it before recording an outcome.'));
  }
  if (actor.name !== proposal.execution.claimed_by) {
    return refuse(conflict('not_claimant', `Only "${proposal.execution.claimed_by}", who claimed execution, may record its outcome.`));
  }
  if (proposal.execution.state !== 'claimed') {
    return refuse(conflict('outcome_recorded', `The outcome was already recorded as ${proposal.execution.state}.`));
  }
  return {
    proposal: { ...proposal, execution: { ...proposal.execution, state: outcome, finished_at: at, ...(detail ? { detail } : {}) } },
    events: [
      { at, type: 'execution.recorded', proposal_id: proposal.id, actor: actor.name, reason: detail ?? null, data: { outcome } },
    ],
  };
}
