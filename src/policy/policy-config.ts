import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { RubberStampThresholds } from '../domain/approver-stats.js';
import { fieldErrors } from '../domain/proposal-schema.js';
import { type McpToolRule, mcpToolRuleSchema } from './classifiers/mcp-tool.js';
import { parseDuration } from './duration.js';
import { globToRegExp } from './glob.js';

const duration = z.string().refine((s) => parseDuration(s) !== undefined && parseDuration(s)! > 0, {
  message: 'must be a positive duration such as "90s", "30m", "4h" or "1d"',
});

/** The policy file (contract §6). Every key is optional; the defaults are the contract's. */
const policyFileSchema = z.strictObject({
  cost_threshold_usd: z.number().finite().nonnegative().default(1000),
  timeouts: z
    .strictObject({ triage: duration.default('30m'), normal: duration.default('4h'), low: duration.default('24h') })
    .default({ triage: '30m', normal: '4h', low: '24h' }),
  sweep_interval: duration.default('5s'),
  critical_services: z.array(z.string().min(1)).default([]),
  rubber_stamp: z
    .strictObject({
      min_decisions: z.number().int().nonnegative().default(5),
      max_approval_rate: z.number().min(0).max(1).default(0.95),
      min_median_review_seconds: z.number().nonnegative().default(30),
    })
    .default({ min_decisions: 5, max_approval_rate: 0.95, min_median_review_seconds: 30 }),
  mcp_tools: z.array(mcpToolRuleSchema).default([]),
});

export interface Policy {
  cost_threshold_usd: number;
  timeouts_ms: { triage: number; normal: number; low: number };
  sweep_interval_ms: number;
  critical_services: RegExp[];
  rubber_stamp: RubberStampThresholds;
  /** Rules for `mcp_tool` actions by tool-name glob and argument patterns. */
  mcp_tools: readonly McpToolRule[];
  /** The file as read, for reports. */
  source: z.infer<typeof policyFileSchema>;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Parses policy text (YAML or JSON). Errors name the key, and the line where the file has one. */
export function parsePolicy(text: string, origin = 'policy'): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw new PolicyError(`${origin}:${at.line}: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() ?? {};
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error).map((fe) => {
      const path = fe.field.split('.').filter(Boolean);
      const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
      const line = node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
      return `${origin}${line}: ${fe.field || '(file)'} ${fe.message}`;
    });
    throw new PolicyError(problems.join('\n'));
  }
  const p = parsed.data;
  return Object.freeze({
    cost_threshold_usd: p.cost_threshold_usd,
    timeouts_ms: {
      triage: parseDuration(p.timeouts.triage)!,
      normal: parseDuration(p.timeouts.normal)!,
      low: parseDuration(p.timeouts.low)!,
    },
    sweep_interval_ms: parseDuration(p.sweep_interval)!,
    critical_services: p.critical_services.map(globToRegExp),
    rubber_stamp: p.rubber_stamp,
    mcp_tools: p.mcp_tools,
    source: p,
  });
}

export const defaultPolicy = (): Policy => parsePolicy('{}');
