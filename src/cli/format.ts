import type { Decision, Proposal } from '../contract/proposal-types.js';
import type { ApprovalService } from '../service/approval-service.js';

const signedBy = (d: Decision) => (d.signature ? ` (signed, ${d.signature.kind} ${d.signature.key_id})` : '');

/** A proposal as a person reads it in a terminal. */
export function formatProposal(p: Proposal): string {
  const lines = [
    `${p.id}  ${p.status.toUpperCase()}  ${p.what}`,
    `  action     ${p.action.type}: ${p.action.command ?? JSON.stringify(p.action.params)}`,
    `  hash       ${p.action_hash}`,
    `  proposer   ${p.proposer}${p.proposer_principal !== p.proposer ? ` (for ${p.proposer_principal})` : ''}`,
    `  risk       ${p.risk.classes.length > 0 ? p.risk.classes.join(', ') : 'none'}${p.risk.declared_mismatch ? '  (DECLARED MISMATCH: the action is riskier than declared)' : ''}`,
    ...p.risk.reasons.map((r) => `             - ${r}`),
    `  approvals  ${p.approvals.length} of ${p.required_approvals}`,
    ...p.approvals.map((a) => `             - ${a.identity} at ${a.at}${signedBy(a)}: ${a.reason}`),
  ];
  if (p.rejection) lines.push(`  rejected   by ${p.rejection.identity} at ${p.rejection.at}${signedBy(p.rejection)}: ${p.rejection.reason}`);
  lines.push(p.status === 'pending' ? `  expires    ${p.expires_at}` : `  decided    ${p.decided_at}`);
  lines.push(`  execution  ${p.execution.state}${p.execution.claimed_by ? ` by ${p.execution.claimed_by}` : ''}`);
  return lines.join('\n');
}

export function formatRow(p: Proposal): string {
  const approvals = `${p.approvals.length}/${p.required_approvals}`;
  return [p.id, p.status.padEnd(8), approvals.padEnd(5), (p.risk.classes.join(',') || '-').padEnd(28), p.what].join('  ');
}

export type DeliveryRow = Awaited<ReturnType<ApprovalService['deliveries']>>['items'][number];
export type ExpiredReport = Awaited<ReturnType<ApprovalService['expiredReport']>>;

export function formatDelivery(d: DeliveryRow): string {
  const result = d.status === 'pending' ? `pending, next ${d.next_attempt_at}` : d.status === 'delivered' ? `delivered ${d.delivered_at}` : 'FAILED';
  return [d.created_at, d.webhook.padEnd(12), d.event_type.padEnd(18), `${result} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'})`, d.last_error ?? '', d.proposal_id ?? '']
    .filter(Boolean)
    .join('  ');
}

/** The expiry review: counts per group first, then each proposal with what happened to it. */
export function formatExpiredReport({ groups, items }: ExpiredReport): string[] {
  const lines = [`${items.length} expired proposal${items.length === 1 ? '' : 's'} (never retried)`];
  for (const g of groups) lines.push(`  ${String(g.count).padStart(4)}  ${g.group}: ${g.meaning}`);
  for (const e of items) {
    const notified = e.notified.map((n) => `${n.webhook} ${n.event.replace('proposal.', '')} ${n.status}`).join(', ') || 'no webhook';
    lines.push(`${e.id}  ${e.group}  waited ${Math.round(e.waited_seconds / 60)} min  ${e.approvals_received}/${e.required_approvals} approvals  opened by ${e.viewed_by.join(', ') || 'nobody'}  notified: ${notified}  ${e.what}`);
  }
  return lines;
}
