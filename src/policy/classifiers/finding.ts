import type { RiskClass } from '../../domain/proposal.js';

/** One risk the classifier saw in the action itself, with the reason a reviewer reads. */
export interface Finding {
  class: RiskClass;
  reason: string;
}

export const irreversible = (reason: string): Finding => ({ class: 'irreversible', reason });
export const blastRadius = (reason: string): Finding => ({ class: 'blast_radius', reason });
