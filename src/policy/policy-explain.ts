import type { ApproverGroup, RiskClass, SignedDecisions } from '../domain/proposal.js';
import { actionSchema, parseInput, type ProposalInput, proposalInputSchema } from '../domain/proposal-schema.js';
import { assess } from './assess.js';
import type { Policy } from './policy-config.js';

export interface Explanation {
  classes: RiskClass[];
  reasons: string[];
  declared_mismatch: boolean;
  required_approvals: number;
  approver_groups: ApproverGroup[];
  require_human: boolean;
  signed_decisions: SignedDecisions;
  timeout: string;
  rule: string;
}

/** A bare action is explained as if its proposer declared nothing risky, so only the action and the rules speak. */
function asProposal(value: unknown): { input: ProposalInput; bare: boolean } {
  if (value && typeof value === 'object' && 'action' in value) return { input: parseInput(proposalInputSchema, value), bare: false };
  const input: ProposalInput = {
    action: parseInput(actionSchema, value),
    what: 'explain',
    why: 'explain',
    blast_radius: { resources: [] },
    reversibility: { reversible: true },
    urgency: 'normal',
  };
  return { input, bare: true };
}

const human = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

/** Classifies a proposal (or a bare action) without proposing it. */
export function explain(value: unknown, policy: Policy): Explanation {
  const { input, bare } = asProposal(value);
  const a = assess(input, policy);
  return {
    ...a.risk,
    declared_mismatch: bare ? false : a.risk.declared_mismatch, // a bare action declared nothing
    required_approvals: a.required_approvals,
    approver_groups: a.approver_groups ?? [],
    require_human: a.require_human ?? false,
    signed_decisions: a.signed_decisions ?? 'optional',
    timeout: human(a.timeout_ms),
    rule: a.rule,
  };
}

export function formatExplanation(e: Explanation): string {
  const lines = [
    `classes    ${e.classes.length ? e.classes.join(', ') : 'none'}`,
    `approvals  ${e.required_approvals}${e.required_approvals === 0 ? ' (approved by policy at once)' : ''}`,
    ...e.approver_groups.map((g) => `  group    ${g.min} from ${g.group} (${g.members.join(', ')})`),
    ...(e.require_human ? ['  human    at least one approver must be a human'] : []),
    `signed     ${e.signed_decisions}${e.signed_decisions === 'required' ? ' (each decision must be signed by a registered key)' : ''}`,
    `timeout    ${e.timeout}`,
    `rule       ${e.rule}`,
    ...(e.declared_mismatch ? ['mismatch   the action carries a class its declaration denied'] : []),
    'reasons',
    ...(e.reasons.length ? e.reasons.map((r) => `  - ${r}`) : ['  - none']),
  ];
  return lines.join('\n');
}
