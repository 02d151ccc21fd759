import { z } from 'zod';
import type { RiskClass, SignedDecisions } from '../domain/proposal.js';

/** Weakest first: the strictest level that applies wins. */
export const SIGNED_DECISION_LEVELS = ['off', 'optional', 'required'] as const satisfies readonly SignedDecisions[];

export const signedDecisionLevel = z.enum(SIGNED_DECISION_LEVELS);

/**
 * `signed_decisions: required` for every risk class, or per class:
 * `{ default: optional, irreversible: required }`. A bare level is the default.
 */
export const signedDecisionsSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { default: value } : value),
  z.strictObject({
    default: signedDecisionLevel.default('optional'),
    irreversible: signedDecisionLevel.optional(),
    blast_radius: signedDecisionLevel.optional(),
    cost: signedDecisionLevel.optional(),
  }),
);

export type SignedDecisionsSetting = z.infer<typeof signedDecisionsSchema>;

const strictest = (levels: SignedDecisions[]): SignedDecisions =>
  levels.reduce((a, b) => (SIGNED_DECISION_LEVELS.indexOf(b) > SIGNED_DECISION_LEVELS.indexOf(a) ? b : a));

/**
 * The level for one proposal: the strictest of its risk classes' levels (a
 * class not named takes the default) and of every matching rule's. A rule
 * can raise the level, never lower it. A proposal with no risk class is never
 * `required`: the contract asks signatures for risky decisions only.
 */
export function signedDecisionsFor(setting: SignedDecisionsSetting, classes: readonly RiskClass[], ruleLevels: readonly SignedDecisions[]): SignedDecisions {
  const fromClasses = classes.length === 0 ? [setting.default] : classes.map((c) => setting[c] ?? setting.default);
  const level = strictest([...fromClasses, ...ruleLevels]);
  return classes.length === 0 && level === 'required' ? 'optional' : level;
}
