import type { DecisionRecord } from './change.js';

/** When an approver's pattern looks like rubber-stamping rather than review. */
export interface RubberStampThresholds {
  /** Below this many decisions nobody is flagged: too few to judge. */
  min_decisions: number;
  /** Approving more than this share of proposals is a flag. */
  max_approval_rate: number;
  /** A median review shorter than this (seconds) is a flag. */
  min_median_review_seconds: number;
}

export interface ApproverStats {
  identity: string;
  principal: string;
  decisions: number;
  approvals: number;
  rejections: number;
  approval_rate: number;
  median_review_seconds: number;
  flags: string[];
}

/** Per-approver statistics and rubber-stamp flags, from the decisions they made. */
export function approverStats(records: DecisionRecord[], thresholds: RubberStampThresholds): ApproverStats[] {
  const byIdentity = new Map<string, DecisionRecord[]>();
  for (const r of records) byIdentity.set(r.identity, [...(byIdentity.get(r.identity) ?? []), r]);
  return [...byIdentity.entries()]
    .map(([identity, own]) => {
      const approvals = own.filter((r) => r.verdict === 'approve').length;
      const approval_rate = approvals / own.length;
      const median_review_seconds = median(own.map((r) => r.review_ms)) / 1000;
      const flags: string[] = [];
      if (own.length >= thresholds.min_decisions) {
        if (approval_rate > thresholds.max_approval_rate) flags.push('high_approval_rate');
        if (median_review_seconds < thresholds.min_median_review_seconds) flags.push('fast_reviews');
      }
      return {
        identity,
        principal: own[0]!.principal,
        decisions: own.length,
        approvals,
        rejections: own.length - approvals,
        approval_rate,
        median_review_seconds,
        flags,
      };
    })
    .sort((a, b) => b.flags.length - a.flags.length || a.identity.localeCompare(b.identity));
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
