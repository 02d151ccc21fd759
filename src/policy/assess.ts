import type { Assessment, RiskClass } from '../domain/proposal.js';
import type { ProposalInput } from '../domain/proposal-schema.js';
import { classifyAction } from './classifiers/classify-action.js';
import { matchesAny } from './glob.js';
import type { Policy } from './policy-config.js';

const ORDER: RiskClass[] = ['irreversible', 'blast_radius', 'cost'];

/**
 * Classifies a proposal. Risk comes from the action itself and from what the
 * agent declared, and the stricter view wins: a declaration can add a class,
 * never remove one. A class seen in the action that the declaration denied
 * sets `declared_mismatch`.
 */
export function assess(input: ProposalInput, policy: Policy): Assessment {
  const computed = classifyAction(input.action, policy.mcp_tools);
  const declared: { class: RiskClass; reason: string }[] = [];
  const { blast_radius: blast, reversibility } = input;

  if (!reversibility.reversible) declared.push({ class: 'irreversible', reason: 'declared not reversible' });
  if (blast.resources.length > 1) declared.push({ class: 'blast_radius', reason: `declares ${blast.resources.length} resources` });
  if (blast.critical_path) declared.push({ class: 'blast_radius', reason: 'declared on a critical path' });
  if (blast.customer_data) declared.push({ class: 'blast_radius', reason: 'declared to touch customer data' });
  if ((input.cost_impact_usd ?? 0) > policy.cost_threshold_usd) {
    declared.push({ class: 'cost', reason: `cost impact $${input.cost_impact_usd} exceeds the $${policy.cost_threshold_usd} threshold` });
  }

  const critical = [...blast.resources, input.action.target?.system].filter((v): v is string => !!v);
  const hit = critical.find((name) => matchesAny(name, policy.critical_services));
  if (hit) computed.push({ class: 'blast_radius', reason: `"${hit}" matches a critical service in the policy` });

  const declaredClasses = new Set(declared.map((f) => f.class));
  const classes = ORDER.filter((c) => declaredClasses.has(c) || computed.some((f) => f.class === c));
  const declared_mismatch = computed.some((f) => !declaredClasses.has(f.class));
  const reasons = [...new Set([...computed, ...declared].map((f) => `${f.class}: ${f.reason}`))];

  return {
    risk: { classes, reasons, declared_mismatch },
    required_approvals: classes.length > 0 ? 2 : 0,
    timeout_ms: policy.timeouts_ms[input.urgency],
    rule: classes.length > 0 ? 'two_person' : 'no_risk_class',
  };
}
