import type { DecisionRecord } from './change.js';

/** When an approver's pattern looks like rubber-stamping rather than review. */
export interface RubberStampThresholds {
  /** Below this many decisions nobody is flagged: too few to judge. */
  min_decisions: number;
  /** Approving more than this share of proposals is a flag. */
  max_approval_rate: number;
  /** A median review shorter than this (seconds) is a flag. */
  min_median_review_seconds: number;
  /** An approval this soon (seconds) after the same approver's previous one is part of a burst. */
  burst_seconds: number;
  /** More burst approvals than this is a flag. */
  max_burst_approvals: number;
}

export interface ApproverStats {
  identity: string;
  principal: string;
  decisions: number;
  approvals: number;
  rejections: number;
  approval_rate: number;
  median_review_seconds: number;
  /** The fastest tenth of reviews took at most this long. */
  p10_review_seconds: number;
  /** Approvals made within `burst_seconds` of the approver's previous approval. */
  burst_approvals: number;
  /** Approvals whose reason is a single word ("ok", "lgtm"). */
  one_word_reasons: number;
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
      const p10_review_seconds = percentile(own.map((r) => r.review_ms), 0.1) / 1000;
      const burst_approvals = bursts(own, thresholds.burst_seconds * 1000);
      const one_word_reasons = own.filter((r) => r.verdict === 'approve' && r.reason !== null && r.reason.trim().split(/\s+/).length <= 1).length;
      const flags: string[] = [];
      if (own.length >= thresholds.min_decisions) {
        if (approval_rate > thresholds.max_approval_rate) flags.push('high_approval_rate');
        if (median_review_seconds < thresholds.min_median_review_seconds) flags.push('fast_reviews');
        if (burst_approvals > thresholds.max_burst_approvals) flags.push('approval_bursts');
        if (approvals > 0 && one_word_reasons / approvals > 0.5) flags.push('one_word_reasons');
      }
      return {
        identity,
        principal: own[0]!.principal,
        decisions: own.length,
        approvals,
        rejections: own.length - approvals,
        approval_rate,
        median_review_seconds,
        p10_review_seconds,
        burst_approvals,
        one_word_reasons,
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

/** Nearest-rank percentile (`p` from 0 to 1). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Approvals that follow the same approver's previous approval within `windowMs`: too quick to have read both. */
function bursts(own: DecisionRecord[], windowMs: number): number {
  const times = own.filter((r) => r.verdict === 'approve').map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  let count = 0;
  for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! <= windowMs) count++;
  return count;
}
