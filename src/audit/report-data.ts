import type { AuditEvent } from '../domain/audit-event.js';
import type { Proposal } from '../domain/proposal.js';

/** One high-risk action in the period, as an auditor reads it. */
export interface ActionRow {
  proposal_id: string;
  what: string;
  why: string;
  action_type: string;
  command: string;
  risk_classes: string;
  proposer: string;
  approvers: string;
  approval_reasons: string;
  rejected_by: string;
  rejection_reason: string;
  created_at: string;
  decided_at: string;
  status: string;
  execution: string;
  executed_by: string;
}

export interface RefusalRow {
  seq: number;
  at: string;
  proposal_id: string;
  actor: string;
  attempt: string;
  code: string;
  reason: string;
}

export interface ExpiryRow {
  proposal_id: string;
  what: string;
  proposer: string;
  urgency: string;
  created_at: string;
  expired_at: string;
  approvals_received: number;
  required_approvals: number;
  waited_minutes: number;
  /** Filled in from the store: why it likely expired, who opened it, which webhooks were told. */
  group?: string;
  opened_by?: string;
  notified?: string;
}

export interface ReportRows {
  actions: ActionRow[];
  refusals: RefusalRow[];
  expirations: ExpiryRow[];
}

const minutes = (from: string, to: string | null) => (to ? Math.round((Date.parse(to) - Date.parse(from)) / 60_000) : 0);

/** Turns the period's events and their proposals into the report's tables. */
export function reportRows(events: AuditEvent[], proposals: Map<string, Proposal>): ReportRows {
  const touched = [...new Set(events.map((e) => e.proposal_id).filter((id): id is string => id !== null))];
  const actions = touched
    .map((id) => proposals.get(id))
    .filter((p): p is Proposal => p !== undefined && p.risk.classes.length > 0)
    .map((p): ActionRow => ({
      proposal_id: p.id,
      what: p.what,
      why: p.why,
      action_type: p.action.type,
      command: p.action.command ?? JSON.stringify(p.action.params ?? {}),
      risk_classes: p.risk.classes.join(' '),
      proposer: p.proposer,
      approvers: p.approvals.map((a) => a.identity).join(' '),
      approval_reasons: p.approvals.map((a) => `${a.identity}: ${a.reason}`).join(' | '),
      rejected_by: p.rejection?.identity ?? '',
      rejection_reason: p.rejection?.reason ?? '',
      created_at: p.created_at,
      decided_at: p.decided_at ?? '',
      status: p.status,
      execution: p.execution.state,
      executed_by: p.execution.claimed_by ?? '',
    }));
  const refusals = events
    .filter((e) => e.type === 'attempt.refused')
    .map((e): RefusalRow => ({
      seq: e.seq,
      at: e.at,
      proposal_id: e.proposal_id ?? '',
      actor: e.actor,
      attempt: String(e.data.attempt ?? ''),
      code: String(e.data.code ?? ''),
      reason: e.reason ?? '',
    }));
  const expirations = events
    .filter((e) => e.type === 'proposal.expired' && e.proposal_id && proposals.has(e.proposal_id))
    .map((e): ExpiryRow => {
      const p = proposals.get(e.proposal_id!)!;
      return {
        proposal_id: p.id,
        what: p.what,
        proposer: p.proposer,
        urgency: p.urgency,
        created_at: p.created_at,
        expired_at: e.at,
        approvals_received: p.approvals.length,
        required_approvals: p.required_approvals,
        waited_minutes: minutes(p.created_at, e.at),
      };
    });
  return { actions, refusals, expirations };
}
