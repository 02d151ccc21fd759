import { z } from 'zod';
import { type FieldError, invalidInput } from './errors.js';
import { inputLimitErrors } from './input-limits.js';
import { productMessage, typeName } from './input-messages.js';
import { hasVisibleText, INVISIBLE_ONLY } from './visible-text.js';

/** What an agent may ask to run. The policy reads `command` and `params` itself. */
export const ACTION_TYPES = ['sql', 'shell', 'git', 'kubernetes', 'terraform', 'cloud', 'http', 'mcp_tool', 'custom'] as const;
export const URGENCIES = ['triage', 'normal', 'low'] as const;

/** Text a person reads (reasons, what, why, …): it must say something visible. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(hasVisibleText, { error: (issue) => (issue.input === '' ? 'must not be empty' : INVISIBLE_ONLY) });

export const actionSchema = z
  .strictObject({
    type: z.enum(ACTION_TYPES),
    command: text(65_536).optional(),
    target: z
      .strictObject({
        system: text(1_000).optional(),
        environment: text(200).optional(),
      })
      .optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((a) => a.command !== undefined || a.params !== undefined, {
    message: 'needs "command" or "params" (or both): say what exactly will run',
  });

export const proposalInputSchema = z.strictObject({
  action: actionSchema,
  what: text(500),
  why: text(5_000),
  blast_radius: z.strictObject({
    resources: z.array(text(1_000)).max(10_000, 'must list at most 10000 resources'),
    critical_path: z.boolean().optional(),
    customer_data: z.boolean().optional(),
  }),
  reversibility: z.strictObject({
    reversible: z.boolean(),
    rollback_plan: text(5_000).optional(),
  }),
  cost_impact_usd: z.number().finite().nonnegative().optional(),
  urgency: z.enum(URGENCIES),
});

/** Decision bodies take only a reason: a list of ids (a bundle) is refused. */
export const decisionBodySchema = z.strictObject({ reason: text(5_000) });
export const claimBodySchema = z.strictObject({
  action_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lowercase hex digits'),
});
export const outcomeBodySchema = z.strictObject({
  outcome: z.enum(['succeeded', 'failed']),
  detail: z.string().max(20_000, 'must be at most 20000 characters').optional(),
});

export type Action = z.infer<typeof actionSchema>;
export type ProposalInput = z.infer<typeof proposalInputSchema>;
export type Urgency = (typeof URGENCIES)[number];

/**
 * Parses `value` or throws a 400 naming every offending field and how to fix
 * it. The input limits (depth, string size, well-formed text) come first, so
 * no schema, hash or store ever sees a value beyond them.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const limits = inputLimitErrors(value);
  if (limits.length > 0) throw invalidInput(limits);
  const result = schema.safeParse(value, { reportInput: true, error: productMessage });
  if (result.success) return result.data;
  throw invalidInput(fieldErrors(result.error));
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const field = issue.path.map(String).join('.');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          field: field ? `${field}.${key}` : key,
          message: 'is not a known field; remove it',
        }));
      case 'invalid_type':
        if (issue.input === undefined) return [{ field, message: `is required (${typeName(issue.expected)})` }];
        return [{ field, message: `must be ${field === '' && issue.expected === 'object' ? 'a JSON object' : typeName(issue.expected)}` }];
      case 'invalid_value':
        return [{ field, message: `${issue.input === undefined ? 'is required, ' : ''}must be one of: ${issue.values.map(String).join(', ')}` }];
      default:
        return [{ field, message: issue.message }];
    }
  });
}
