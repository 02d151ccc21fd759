import type { Proposal } from '../domain/proposal.js';

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
    ...p.approvals.map((a) => `             - ${a.identity} at ${a.at}: ${a.reason}`),
  ];
  if (p.rejection) lines.push(`  rejected   by ${p.rejection.identity} at ${p.rejection.at}: ${p.rejection.reason}`);
  lines.push(p.status === 'pending' ? `  expires    ${p.expires_at}` : `  decided    ${p.decided_at}`);
  lines.push(`  execution  ${p.execution.state}${p.execution.claimed_by ? ` by ${p.execution.claimed_by}` : ''}`);
  return lines.join('\n');
}

export function formatRow(p: Proposal): string {
  const approvals = `${p.approvals.length}/${p.required_approvals}`;
  return [p.id, p.status.padEnd(8), approvals.padEnd(5), (p.risk.classes.join(',') || '-').padEnd(28), p.what].join('  ');
}
