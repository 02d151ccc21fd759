import { z } from 'zod';
import { ACTION_TYPES, URGENCIES } from '../domain/proposal-schema.js';
import type { RiskClass, SignedDecisions } from '../domain/proposal.js';
import { parseDuration } from './duration.js';
import { globToRegExp } from './glob.js';
import { signedDecisionLevel } from './signed-decisions.js';

export const RISK_CLASSES = ['irreversible', 'blast_radius', 'cost'] as const;

export const durationSchema = z.string().refine((s) => (parseDuration(s) ?? 0) > 0, {
  message: 'must be a positive duration such as "90s", "30m", "4h" or "1d"',
});

const globs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** What a rule matches on; every key given must match (AND), each list matches any of its items (OR). */
const matchSchema = z.strictObject({
  type: z.union([z.enum(ACTION_TYPES), z.array(z.enum(ACTION_TYPES)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])).optional(),
  command: globs.optional(),
  tool: globs.optional(),
  arguments: z.record(z.string(), globs).optional(),
  method: globs.optional(),
  path: globs.optional(),
  system: globs.optional(),
  environment: globs.optional(),
  resource: globs.optional(),
  cost_over: z.number().finite().nonnegative().optional(),
  classes: z.array(z.enum(RISK_CLASSES)).min(1).optional(),
});

export const ruleSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  match: matchSchema.default({}),
  classes: z.array(z.enum(RISK_CLASSES)).default([]),
  reason: z.string().min(1).optional(),
  approvals: z.number().int().min(2, 'must be at least 2: a risk class always needs two people').max(20).optional(),
  approver_groups: z.record(z.string(), z.number().int().min(1).max(20)).optional(),
  require_human: z.boolean().optional(),
  /** Raises (never lowers) the signed-decisions level for what the rule matches. */
  signed_decisions: signedDecisionLevel.optional(),
  timeouts: z.partialRecord(z.enum(URGENCIES), durationSchema).optional(),
});

export type RuleInput = z.infer<typeof ruleSchema>;

export interface Rule {
  name: string;
  match: {
    type?: string[];
    command?: RegExp[];
    tool?: RegExp[];
    arguments?: [string, RegExp[]][];
    method?: RegExp[];
    path?: RegExp[];
    system?: RegExp[];
    environment?: RegExp[];
    resource?: RegExp[];
    cost_over?: number;
    classes?: RiskClass[];
  };
  classes: RiskClass[];
  reason?: string;
  approvals?: number;
  approver_groups?: Record<string, number>;
  require_human?: boolean;
  signed_decisions?: SignedDecisions;
  timeouts_ms?: Partial<Record<(typeof URGENCIES)[number], number>>;
}

const compileGlobs = (list: string[] | undefined) => list?.map(globToRegExp);

/** Turns a validated rule into one whose patterns are ready to test. */
export function compileRule(r: RuleInput): Rule {
  const m = r.match;
  return {
    name: r.name,
    match: {
      type: m.type,
      command: compileGlobs(m.command),
      tool: compileGlobs(m.tool),
      arguments: m.arguments ? Object.entries(m.arguments).map(([k, v]) => [k, v.map(globToRegExp)]) : undefined,
      method: compileGlobs(m.method),
      path: compileGlobs(m.path),
      system: compileGlobs(m.system),
      environment: compileGlobs(m.environment),
      resource: compileGlobs(m.resource),
      cost_over: m.cost_over,
      classes: m.classes,
    },
    classes: r.classes,
    reason: r.reason,
    approvals: r.approvals,
    approver_groups: r.approver_groups,
    require_human: r.require_human,
    signed_decisions: r.signed_decisions,
    timeouts_ms: r.timeouts
      ? Object.fromEntries(Object.entries(r.timeouts).map(([u, d]) => [u, parseDuration(d as string)!]))
      : undefined,
  };
}
