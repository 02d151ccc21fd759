import type { ApproverStats } from './approver-stats.js';
import type { AuditEvent } from './audit-event.js';
import type { Proposal } from './proposal.js';

/** What a webhook can be told about. */
export const NOTIFICATION_TYPES = [
  'proposal.created',
  'approval.recorded',
  'proposal.approved',
  'proposal.rejected',
  'proposal.expired',
  'approvers.flagged',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** The proposal as a message shows it (as of sending, so its status may be newer than the event). */
export interface ProposalSummary {
  id: string;
  status: Proposal['status'];
  what: string;
  why: string;
  proposer: string;
  urgency: Proposal['urgency'];
  action: { type: string; command?: string };
  risk: string[];
  approvals: number;
  required_approvals: number;
  created_at: string;
  expires_at: string;
}

/** One thing worth telling the team, independent of how a webhook formats it. */
export interface Notification {
  /** Unique per notification, the same on every replica: deliveries are queued once per key. */
  key: string;
  type: NotificationType;
  at: string;
  /** The audit event it reports, if one. */
  seq: number | null;
  proposal?: ProposalSummary;
  /** Who decided and why (approval.recorded, proposal.rejected). */
  decision?: { identity: string; verdict: 'approve' | 'reject'; reason: string };
  /** Approvals received before the deadline (proposal.expired). */
  approvals_received?: number;
  flagged?: Pick<ApproverStats, 'identity' | 'decisions' | 'approval_rate' | 'median_review_seconds' | 'burst_approvals' | 'one_word_reasons' | 'flags'>[];
}

const summarise = (p: Proposal): ProposalSummary => ({
  id: p.id,
  status: p.status,
  what: p.what,
  why: p.why,
  proposer: p.proposer,
  urgency: p.urgency,
  action: { type: p.action.type, ...(p.action.command !== undefined ? { command: p.action.command } : {}) },
  risk: p.risk.classes,
  approvals: p.approvals.length,
  required_approvals: p.required_approvals,
  created_at: p.created_at,
  expires_at: p.expires_at,
});

/**
 * The notification an audit event calls for, if any. A proposal the policy
 * approved at once needs nobody, so its creation is not announced.
 */
export function notificationFor(event: AuditEvent, proposal: Proposal | undefined): Notification | undefined {
  if (!proposal) return undefined;
  const base = { key: `seq-${event.seq}`, at: event.at, seq: event.seq, proposal: summarise(proposal) };
  switch (event.type) {
    case 'proposal.created':
      return Number(event.data.required_approvals) > 0 ? { ...base, type: 'proposal.created' } : undefined;
    case 'approval.recorded':
      return { ...base, type: 'approval.recorded', decision: { identity: event.actor, verdict: 'approve', reason: event.reason ?? '' } };
    case 'proposal.approved':
      return { ...base, type: 'proposal.approved' };
    case 'proposal.rejected':
      return { ...base, type: 'proposal.rejected', decision: { identity: event.actor, verdict: 'reject', reason: event.reason ?? '' } };
    case 'proposal.expired':
      return { ...base, type: 'proposal.expired', approvals_received: Number(event.data.approvals_received ?? 0) };
    default:
      return undefined;
  }
}

/** The periodic digest of flagged approvers: one per period, none when nobody is flagged. */
export function flaggedDigest(stats: ApproverStats[], periodStart: number): Notification | undefined {
  const flagged = stats.filter((s) => s.flags.length > 0);
  if (flagged.length === 0) return undefined;
  const at = new Date(periodStart).toISOString();
  return {
    key: `flagged-${at}`,
    type: 'approvers.flagged',
    at,
    seq: null,
    flagged: flagged.map(({ identity, decisions, approval_rate, median_review_seconds, burst_approvals, one_word_reasons, flags }) => ({
      identity, decisions, approval_rate, median_review_seconds, burst_approvals, one_word_reasons, flags,
    })),
  };
}
