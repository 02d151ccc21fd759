import { posix } from 'node:path';
import { z } from 'zod';
import type { Action } from '../../domain/proposal-schema.js';
import { globToRegExp } from '../glob.js';
import { type Finding, irreversible } from './finding.js';

/**
 * A policy rule for `mcp_tool` actions: a tool-name glob ("delete*|drop*")
 * and, optionally, argument globs. With `arguments`, the rule applies when any
 * listed argument (`"*"` means any argument) has a value matching its glob.
 */
export const mcpToolRuleSchema = z.strictObject({
  tool: z.string().min(1),
  arguments: z.record(z.string().min(1), z.string().min(1)).optional(),
  class: z.enum(['irreversible', 'blast_radius']).default('irreversible'),
  reason: z.string().min(1).optional(),
});
export type McpToolRule = z.infer<typeof mcpToolRuleSchema>;

const alternatives = (glob: string) => glob.split('|').map((g) => globToRegExp(g.trim()));
const matches = (value: string, glob: string) => alternatives(glob).some((re) => re.test(value));

/** String values of one argument; paths also in normalised form, so "/a/./b/../c" cannot dodge "/a/c*". */
function stringsOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string').flatMap((v) => (v.includes('/') ? [v, posix.normalize(v)] : [v]));
}

function argumentHit(args: Record<string, unknown>, patterns: Record<string, string>): string | undefined {
  for (const [name, glob] of Object.entries(patterns)) {
    const names = name === '*' ? Object.keys(args) : [name];
    for (const n of names) {
      const value = stringsOf(args[n]).find((v) => matches(v, glob));
      if (value !== undefined) return `${n} "${value}" matches ${glob}`;
    }
  }
  return undefined;
}

/**
 * Reads an `mcp_tool` action (`params: { tool, arguments, annotations }`).
 * Upstream annotations only add risk: `destructiveHint: true` is irreversible,
 * while `readOnlyHint` never removes what a rule found.
 */
export function classifyMcpTool(action: Action, rules: readonly McpToolRule[] = []): Finding[] {
  if (action.type !== 'mcp_tool') return [];
  const params = action.params ?? {};
  const tool = typeof params.tool === 'string' ? params.tool : '';
  const args = (typeof params.arguments === 'object' && params.arguments !== null ? params.arguments : {}) as Record<string, unknown>;
  const annotations = (params.annotations ?? {}) as { destructiveHint?: unknown };

  const findings: Finding[] = [];
  if (annotations.destructiveHint === true) findings.push(irreversible(`the MCP server marks tool "${tool}" destructive (destructiveHint)`));
  for (const rule of rules) {
    if (!matches(tool, rule.tool)) continue;
    const hit = rule.arguments ? argumentHit(args, rule.arguments) : `tool "${tool}" matches ${rule.tool}`;
    if (hit) findings.push({ class: rule.class, reason: rule.reason ? `${rule.reason} (${hit})` : `mcp_tools rule: ${hit}` });
  }
  return findings;
}
