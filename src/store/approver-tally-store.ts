import type { ApproverTally } from '../domain/approver-stats.js';

/**
 * Per-approver tallies per UTC day (see approver-stats.ts), written in each
 * decision's own transaction, so the approver report reads O(approvers × days),
 * not the decisions.
 */
export interface ApproverTallyReader {
  /** One tally per approver over the days from `fromDay` up to, not including, `toDay` (YYYY-MM-DD; none: no end); only `identities` if given. */
  approverDayTallies(fromDay: string, toDay: string | undefined, identities?: string[]): Promise<ApproverTally[]>;
}

export interface TallyDayRow {
  identity: string;
  principal: string;
  decisions: number;
  approvals: number;
  one_word_reasons: number;
}

export interface TallyBinRow {
  identity: string;
  kind: 'review' | 'gap';
  bin: number;
  n: number;
}

/** Tallies from the summed rows of both tables (either backend). */
export function talliesFromRows(days: TallyDayRow[], bins: TallyBinRow[]): ApproverTally[] {
  const byIdentity = new Map<string, ApproverTally>();
  for (const d of days) {
    byIdentity.set(d.identity, { ...d, decisions: Number(d.decisions), approvals: Number(d.approvals), one_word_reasons: Number(d.one_word_reasons), review: new Map(), gaps: new Map() });
  }
  for (const b of bins) {
    const tally = byIdentity.get(b.identity);
    if (tally) (b.kind === 'review' ? tally.review : tally.gaps).set(Number(b.bin), Number(b.n));
  }
  return [...byIdentity.values()];
}

/** The last day key, for a range with no end. */
export const NO_END_DAY = '9999-12-31';
