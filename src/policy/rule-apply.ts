import type { ApproverGroup, RiskClass, SignedDecisions } from '../domain/proposal.js';
import type { ProposalInput } from '../domain/proposal-schema.js';
import type { Finding } from './classifiers/finding.js';
import type { Policy } from './policy-config.js';
import type { Rule } from './policy-rules.js';
import { ruleMatches } from './rule-match.js';

export interface RuleOutcome {
  names: string[];
  findings: Finding[];
  /** Human-readable lines naming each rule's demands, for `risk.reasons`. */
  notes: string[];
  approvals: number;
  groups: ApproverGroup[];
  requireHuman: boolean;
  signedDecisions: SignedDecisions[];
  demandsApproval: boolean;
  timeouts_ms: NonNullable<Rule['timeouts_ms']>[];
}

function demands(rule: Rule): string[] {
  const out: string[] = [];
  if (rule.approvals) out.push(`${rule.approvals} approvals`);
  for (const [g, n] of Object.entries(rule.approver_groups ?? {})) out.push(`${n} from group ${g}`);
  if (rule.require_human) out.push('a human approver');
  if (rule.signed_decisions === 'required') out.push('signed decisions');
  for (const [u, ms] of Object.entries(rule.timeouts_ms ?? {})) out.push(`${u} timeout ${Math.round(ms / 60_000)}m`);
  return out;
}

/**
 * Every matching rule applies (not only the first): classes add up, the
 * largest approval count and group sizes win, a human is required if any rule
 * says so, and the shortest timeout for the urgency is kept.
 */
export function applyRules(input: ProposalInput, policy: Policy, found: ReadonlySet<RiskClass>): RuleOutcome {
  const fired = policy.rules.filter((r) => ruleMatches(r, input, found));
  const groupMin = new Map<string, number>();
  for (const r of fired) for (const [g, n] of Object.entries(r.approver_groups ?? {})) groupMin.set(g, Math.max(n, groupMin.get(g) ?? 0));
  return {
    names: fired.map((r) => r.name),
    findings: fired.flatMap((r) => r.classes.map((c) => ({ class: c, reason: `rule ${r.name}: ${r.reason ?? `the policy classes this as ${c}`}` }))),
    notes: fired.filter((r) => demands(r).length).map((r) => `policy: rule ${r.name} requires ${demands(r).join(', ')}`),
    approvals: Math.max(0, ...fired.map((r) => r.approvals ?? 0)),
    groups: [...groupMin].map(([group, min]) => ({ group, min, members: policy.approver_groups[group] ?? [] })),
    requireHuman: fired.some((r) => r.require_human),
    signedDecisions: fired.flatMap((r) => (r.signed_decisions ? [r.signed_decisions] : [])),
    demandsApproval: fired.some((r) => r.approvals || r.approver_groups || r.require_human),
    timeouts_ms: fired.flatMap((r) => (r.timeouts_ms ? [r.timeouts_ms] : [])),
  };
}
