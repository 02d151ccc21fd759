import type { RiskClass } from '../../domain/proposal.js';

/** One risk the classifier saw in the action itself, with the reason a reviewer reads. */
export interface Finding {
  class: RiskClass;
  reason: string;
}

export const irreversible = (reason: string): Finding => ({ class: 'irreversible', reason });
export const blastRadius = (reason: string): Finding => ({ class: 'blast_radius', reason });
export const cost = (reason: string): Finding => ({ class: 'cost', reason });

/**
 * What cannot be parsed or seen through is treated as the worst case:
 * irreversible and wide. The reason always starts with "could not be analysed".
 */
export function unanalysable(detail: string): Finding[] {
  const reason = `could not be analysed: ${detail}`;
  return [irreversible(reason), blastRadius(reason)];
}

/** Prefixes each reason with where in the action it was found ("statement 2: …"). */
export const located = (where: string, findings: Finding[]): Finding[] =>
  findings.map((f) => ({ ...f, reason: `${where}: ${f.reason}` }));
