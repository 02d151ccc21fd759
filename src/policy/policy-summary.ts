import type { Policy } from './policy-config.js';

const duration = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/** "How our change management works", in plain sentences generated from the policy in force. */
export function policySummary(policy: Policy): string[] {
  const s = policy.source;
  const lines = [
    'Every action an AI agent wants to run is proposed first, with what it does, why, its blast radius and whether it can be undone.',
    `The policy reads the action itself and names its risk classes: irreversible, blast radius (several resources, critical path, customer data${s.critical_services.length ? `, or the critical services ${s.critical_services.join(', ')}` : ''}), and cost (above ${s.cost_threshold_usd} USD). It keeps the stricter of what the action shows and what the proposer declared.`,
    'Any risk class needs two approvals from two different people; an agent counts as its owner, and nobody approves their own proposal. One rejection rejects. Every approval and rejection carries a written reason.',
    'Actions with no risk class are approved by policy at once, and that too is recorded with the rule that allowed it.',
    `Undecided proposals expire: triage after ${duration(policy.timeouts_ms.triage)}, normal after ${duration(policy.timeouts_ms.normal)}, low after ${duration(policy.timeouts_ms.low)}. Expired proposals are never retried.`,
    'An approved action runs once: the executor claims it with the SHA-256 hash of the exact action approved, a different action is refused, and a second claim is refused.',
    'Every proposal, decision, refused attempt, expiry, claim and outcome is an audit event in a hash chain and an RFC 6962 Merkle tree. A signed checkpoint covers the approvals before any execution is granted; checkpoints kept outside the database prove the log was neither cut nor rewritten.',
    `Approvers are reviewed for rubber-stamping: after ${s.rubber_stamp.min_decisions} decisions, an approval rate above ${Math.round(s.rubber_stamp.max_approval_rate * 100)} % a median review under ${s.rubber_stamp.min_median_review_seconds} s, or more than ${s.rubber_stamp.max_burst_approvals} approvals each within ${s.rubber_stamp.burst_seconds} s of the previous one is flagged.`,
  ];
  const sd = s.signed_decisions;
  const perClass = (['irreversible', 'blast_radius', 'cost'] as const).filter((c) => sd[c]).map((c) => `${c.replace('_', ' ')}: ${sd[c]}`);
  lines.push(`Signed decisions (each approval or rejection signed with a key registered to the approver, checkable offline from the log): ${sd.default}${perClass.length ? `; ${perClass.join(', ')}` : ''}.`);
  if (s.unknown === 'require_approval') lines.push('Commands the policy cannot analyse need approval as if risky.');
  for (const rule of policy.rules) {
    const needs = [rule.classes.length ? `adds ${rule.classes.join(', ')}` : '', rule.approvals ? `needs ${rule.approvals} approvals` : '', rule.require_human ? 'needs a human approver' : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`Rule "${rule.name}"${needs ? `: ${needs}` : ''}${rule.reason ? ` (${rule.reason})` : ''}.`);
  }
  return lines;
}
