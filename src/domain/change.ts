import type { AuditEventInput } from './audit-event.js';
import type { CountersignError } from './errors.js';
import type { Proposal } from './proposal.js';

/** A decision as kept for approver statistics. */
export interface DecisionRecord {
  proposal_id: string;
  identity: string;
  principal: string;
  verdict: 'approve' | 'reject';
  at: string;
  /** Milliseconds from the approver first viewing the proposal to deciding; 0 if never viewed. */
  review_ms: number;
  /** The reason given; null for decisions stored before reasons were kept here. */
  reason: string | null;
}

/**
 * The outcome of applying a rule to a proposal: its next state and the audit
 * events to append, committed together. A refused attempt is a change too:
 * it writes its `attempt.refused` event and then surfaces `refusal`.
 */
export interface Change {
  proposal: Proposal;
  events: AuditEventInput[];
  decision?: DecisionRecord;
  refusal?: CountersignError;
}

export function refused(proposal: Proposal, error: CountersignError, attempt: string, actor: string, at: string): Change {
  return {
    proposal,
    refusal: error,
    events: [
      {
        at,
        type: 'attempt.refused',
        proposal_id: proposal.id,
        actor,
        reason: error.detail,
        data: { attempt, code: error.code },
      },
    ],
  };
}
