import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import type { RubberStampThresholds } from '../domain/approver-stats.js';
import { productMessage } from '../domain/input-messages.js';
import { fieldErrors } from '../domain/proposal-schema.js';
import { type McpToolRule, mcpToolRuleSchema } from './classifiers/mcp-tool.js';
import { parseDuration } from './duration.js';
import { PolicyError } from './policy-error.js';
import { type NotificationSettings, notificationSettings, notificationsSchema } from './notification-config.js';
import { globToRegExp } from './glob.js';
import { compileRule, durationSchema as duration, type Rule, ruleSchema } from './policy-rules.js';
import { type SignedDecisionsSetting, signedDecisionsSchema } from './signed-decisions.js';

/** The policy file (contract §6). Every key is optional; the defaults are the contract's. */
const policyFileSchema = z.strictObject({
  cost_threshold_usd: z.number().finite().nonnegative().default(1000),
  timeouts: z
    .strictObject({ triage: duration.default('30m'), normal: duration.default('4h'), low: duration.default('24h') })
    .prefault({}),
  sweep_interval: duration.default('5s'),
  critical_services: z.array(z.string().min(1)).default([]),
  rubber_stamp: z
    .strictObject({
      min_decisions: z.number().int().nonnegative().default(5),
      max_approval_rate: z.number().min(0).max(1).default(0.95),
      min_median_review_seconds: z.number().nonnegative().default(30),
      burst_seconds: z.number().nonnegative().default(10),
      max_burst_approvals: z.number().int().nonnegative().default(2),
      /** The review looks at decisions made this recently. */
      window: duration.default('30d'),
    })
    .prefault({}),
  /** `require_approval`: commands the classifiers do not know are treated as unanalysable. */
  unknown: z.enum(['allow', 'require_approval']).default('allow'),
  /** Group name → the identities (or principals) in it, for rules that ask for approvers from groups. */
  approver_groups: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), z.array(z.string().min(1)).min(1)).default({}),
  rules: z.array(ruleSchema).default([]),
  /** Rules for `mcp_tool` actions by tool-name glob and argument patterns. */
  mcp_tools: z.array(mcpToolRuleSchema).default([]),
  /** Webhooks told about new proposals, decisions, expiries and flagged approvers. */
  notifications: notificationsSchema.prefault({}),
  /** Whether decisions must be signed by a registered key (DESIGN.md §8): a level, or one per risk class. */
  signed_decisions: signedDecisionsSchema.prefault('optional'),
  /** `irreversible`: an irreversible action needs at least one approval signed with a person's passkey. Off by default: passkeys exist only once people register them. */
  require_passkey: z.enum(['off', 'irreversible']).default('off'),
}).superRefine((p, ctx) => {
  const seen = new Set<string>();
  p.rules.forEach((rule, i) => {
    if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `"${rule.name}" is used by an earlier rule; names must be unique` });
    seen.add(rule.name);
    for (const group of Object.keys(rule.approver_groups ?? {})) {
      if (!p.approver_groups[group]) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'approver_groups', group], message: `names no group in approver_groups; define "${group}" there first` });
      }
    }
  });
});

export interface Policy {
  cost_threshold_usd: number;
  timeouts_ms: { triage: number; normal: number; low: number };
  sweep_interval_ms: number;
  critical_services: RegExp[];
  rubber_stamp: RubberStampThresholds;
  /** How far back the rubber-stamp review looks. */
  rubber_stamp_window_ms: number;
  unknown: 'allow' | 'require_approval';
  approver_groups: Record<string, string[]>;
  rules: Rule[];
  /** Rules for `mcp_tool` actions by tool-name glob and argument patterns. */
  mcp_tools: readonly McpToolRule[];
  notifications: NotificationSettings;
  signed_decisions: SignedDecisionsSetting;
  require_passkey: 'off' | 'irreversible';
  /** The file as read, for reports. */
  source: z.infer<typeof policyFileSchema>;
}

export { PolicyError };

/** The line of the key at `path`, or of its nearest ancestor present in the file (a missing key's parent). */
function lineOf(doc: ReturnType<typeof parseDocument>, path: (string | number)[], lines: LineCounter): string {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number] } | undefined;
    if (node?.range) return `:${lines.linePos(node.range[0]).line}`;
  }
  return '';
}

/** Parses policy text (YAML or JSON). Errors name the key, and the line where the file has one. */
export function parsePolicy(text: string, origin = 'policy'): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw new PolicyError(`${origin}:${at.line}:${at.col}: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() ?? {};
  const parsed = policyFileSchema.safeParse(raw, { reportInput: true, error: productMessage });
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error).map((fe) => {
      const path = fe.field.split('.').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const line = lineOf(doc, path, lines);
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
    rubber_stamp: (({ window: _w, ...thresholds }) => thresholds)(p.rubber_stamp),
    rubber_stamp_window_ms: parseDuration(p.rubber_stamp.window)!,
    unknown: p.unknown,
    approver_groups: p.approver_groups,
    rules: p.rules.map(compileRule),
    mcp_tools: p.mcp_tools,
    notifications: notificationSettings(p.notifications),
    signed_decisions: p.signed_decisions,
    require_passkey: p.require_passkey,
    source: p,
  });
}

export const defaultPolicy = (): Policy => parsePolicy('{}');
