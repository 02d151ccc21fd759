import type { RiskClass } from '../domain/proposal.js';
import type { ProposalInput } from '../domain/proposal-schema.js';
import type { Rule } from './policy-rules.js';

const any = (patterns: RegExp[] | undefined, values: (string | undefined)[]): boolean =>
  patterns === undefined || values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/** The HTTP method and path of an `http` action, from params or from a "DELETE /path" command. */
function httpParts(input: ProposalInput): { method?: string; path?: string } {
  const [method, target] = (input.action.command ?? '').trim().split(/\s+/);
  const params = input.action.params ?? {};
  const url = text(params.url) ?? text(params.path) ?? target;
  let path = url;
  try {
    if (url && /^https?:\/\//i.test(url)) path = new URL(url).pathname;
  } catch {
    // a malformed URL is matched as written
  }
  return { method: (text(params.method) ?? method)?.toUpperCase(), path };
}

/**
 * True when every condition the rule names holds for this proposal. `classes`
 * looks at what the classifiers found, so a rule can tighten what they flag.
 */
export function ruleMatches(rule: Rule, input: ProposalInput, found: ReadonlySet<RiskClass>): boolean {
  const m = rule.match;
  const { action } = input;
  const params = action.params ?? {};
  const resources = [...input.blast_radius.resources, ...(Array.isArray(params.resources) ? params.resources.map(text) : [])];
  const http = action.type === 'http' ? httpParts(input) : {};
  const args = (params.arguments ?? {}) as Record<string, unknown>;
  return (
    (m.type === undefined || m.type.includes(action.type)) &&
    any(m.command, [action.command?.replace(/\s+/g, ' ').trim()]) &&
    any(m.tool, [text(params.tool)]) &&
    (m.arguments === undefined || m.arguments.every(([key, patterns]) => any(patterns, [text(args[key])]))) &&
    any(m.method, [http.method]) &&
    any(m.path, [http.path]) &&
    any(m.system, [action.target?.system]) &&
    any(m.environment, [action.target?.environment]) &&
    any(m.resource, resources) &&
    (m.cost_over === undefined || (input.cost_impact_usd ?? 0) > m.cost_over) &&
    (m.classes === undefined || m.classes.some((c) => found.has(c)))
  );
}
