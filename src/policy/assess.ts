import type { ApproverGroup, Assessment, RiskClass } from '../domain/proposal.js';
import type { ProposalInput } from '../domain/proposal-schema.js';
import { classifyAction } from './classifiers/classify-action.js';
import type { Finding } from './classifiers/finding.js';
import { matchesAny } from './glob.js';
import type { Policy } from './policy-config.js';
import { applyRules } from './rule-apply.js';
import { signedDecisionsFor } from './signed-decisions.js';

const ORDER: RiskClass[] = ['irreversible', 'blast_radius', 'cost'];

function declaredFindings(input: ProposalInput, policy: Policy): Finding[] {
  const declared: Finding[] = [];
  const { blast_radius: blast, reversibility } = input;
  if (!reversibility.reversible) declared.push({ class: 'irreversible', reason: 'declared not reversible' });
  if (blast.resources.length > 1) declared.push({ class: 'blast_radius', reason: `declares ${blast.resources.length} resources` });
  if (blast.critical_path) declared.push({ class: 'blast_radius', reason: 'declared on a critical path' });
  if (blast.customer_data) declared.push({ class: 'blast_radius', reason: 'declared to touch customer data' });
  if ((input.cost_impact_usd ?? 0) > policy.cost_threshold_usd) {
    declared.push({ class: 'cost', reason: `cost impact $${input.cost_impact_usd} exceeds the $${policy.cost_threshold_usd} threshold` });
  }
  return declared;
}

/**
 * Classifies a proposal. Risk comes from the action itself, from the policy's
 * rules and from what the agent declared, and the stricter view wins: a
 * declaration can add a class, never remove one. A class seen in the action
 * that the declaration denied sets `declared_mismatch`.
 */
export function assess(input: ProposalInput, policy: Policy): Assessment {
  const computed = classifyAction(input.action, { unknown: policy.unknown, critical: policy.critical_services, costThreshold: policy.cost_threshold_usd, mcpTools: policy.mcp_tools });
  const declared = declaredFindings(input, policy);

  const critical = [...input.blast_radius.resources, input.action.target?.system].filter((v): v is string => !!v);
  const hit = critical.find((name) => matchesAny(name, policy.critical_services));
  if (hit) computed.push({ class: 'blast_radius', reason: `"${hit}" matches a critical service in the policy` });

  const rules = applyRules(input, policy, new Set([...computed, ...declared].map((f) => f.class)));
  computed.push(...rules.findings);

  const declaredClasses = new Set(declared.map((f) => f.class));
  const classes = ORDER.filter((c) => declaredClasses.has(c) || computed.some((f) => f.class === c));
  const declared_mismatch = computed.some((f) => !declaredClasses.has(f.class));
  const reasons = [...new Set([...[...computed, ...declared].map((f) => `${f.class}: ${f.reason}`), ...rules.notes])];

  // Two people for any risk class; rules may ask for more, never fewer.
  const floor = classes.length > 0 || rules.demandsApproval ? 2 : 0;
  const groups: ApproverGroup[] = rules.groups;
  const required = Math.max(floor, rules.approvals, groups.reduce((n, g) => n + g.min, 0));
  const signed = signedDecisionsFor(policy.signed_decisions, classes, rules.signedDecisions);
  const timeout = Math.min(policy.timeouts_ms[input.urgency], ...rules.timeouts_ms.map((t) => t[input.urgency] ?? Infinity));

  return {
    risk: { classes, reasons, declared_mismatch },
    required_approvals: required,
    timeout_ms: timeout,
    rule: required > 0 ? ['two_person', ...rules.names].join('+') : 'no_risk_class',
    ...(groups.length ? { approver_groups: groups } : {}),
    ...(rules.requireHuman ? { require_human: true } : {}),
    ...(policy.require_passkey === 'irreversible' && classes.includes('irreversible') ? { require_passkey: true } : {}),
    ...(signed !== 'optional' ? { signed_decisions: signed } : {}),
  };
}
