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

/**
 * What the statistics need of one approver's decisions, small whatever their
 * number: counts, and histograms of review times and of the gaps between
 * consecutive approvals (bin value, in ms, to how many). The stores keep one
 * tally per approver per UTC day, written with each decision, so a report
 * reads O(approvers × days × bins), never the decisions.
 */
export interface ApproverTally {
  identity: string;
  principal: string;
  decisions: number;
  approvals: number;
  one_word_reasons: number;
  review: Map<number, number>;
  gaps: Map<number, number>;
}

/**
 * The histogram bin of a duration: two significant digits of milliseconds
 * (1 ms below 100 ms, 100 ms below 10 s, 1 s below 100 s, 10 s below 1,000 s,
 * ...), so a median or p10 read from bins is within 5% of the exact one
 * (half a step), and exact for whole seconds up to 99 s and whole tens of
 * seconds up to 990 s. Coarse enough that a day of one approver's reviews
 * rarely fills more than a few dozen bins.
 */
export function reviewBin(ms: number): number {
  const value = Math.max(0, Math.round(ms));
  let step = 1;
  while (value >= 100 * step) step *= 10;
  return Math.round(value / step) * step;
}

/** The same binning in SQL (integer division rounds half up like `reviewBin` for non-negative values). */
export function reviewBinSql(ms: string): string {
  const cases: string[] = [`WHEN ${ms} < 100 THEN ${ms}`];
  for (let step = 10; step <= 1e12; step *= 10) cases.push(`WHEN ${ms} < ${100 * step} THEN ((${ms} + ${step / 2}) / ${step}) * ${step}`);
  return `(CASE WHEN ${ms} < 0 THEN 0 ${cases.join(' ')} ELSE ${ms} END)`;
}

/** A reason of at most one word ("ok", "lgtm") on an approval. */
export function isOneWordApproval(d: Pick<DecisionRecord, 'verdict' | 'reason'>): boolean {
  return d.verdict === 'approve' && d.reason !== null && d.reason.trim().split(/\s+/).length <= 1;
}

/** The UTC day (YYYY-MM-DD) a decision's tally belongs to. */
export const dayOf = (at: string): string => new Date(Date.parse(at)).toISOString().slice(0, 10);

export function emptyTally(identity: string, principal: string): ApproverTally {
  return { identity, principal, decisions: 0, approvals: 0, one_word_reasons: 0, review: new Map(), gaps: new Map() };
}

/** Adds one decision to a tally; `gapMs` is the time since the approver's previous approval, for an approval that has one. */
export function addDecision(tally: ApproverTally, d: DecisionRecord, gapMs: number | undefined): void {
  tally.decisions++;
  if (d.verdict === 'approve') tally.approvals++;
  if (isOneWordApproval(d)) tally.one_word_reasons++;
  bump(tally.review, reviewBin(d.review_ms), 1);
  if (gapMs !== undefined) bump(tally.gaps, reviewBin(gapMs), 1);
}

/** Tallies per approver of these decisions; gaps are between approvals among them. */
export function tallyDecisions(records: DecisionRecord[]): ApproverTally[] {
  const byIdentity = new Map<string, ApproverTally>();
  const lastApproval = new Map<string, number>();
  for (const d of [...records].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    let tally = byIdentity.get(d.identity);
    if (!tally) byIdentity.set(d.identity, (tally = emptyTally(d.identity, d.principal)));
    const at = Date.parse(d.at);
    const previous = d.verdict === 'approve' ? lastApproval.get(d.identity) : undefined;
    addDecision(tally, d, previous === undefined ? undefined : at - previous);
    if (d.verdict === 'approve') lastApproval.set(d.identity, at);
  }
  return [...byIdentity.values()];
}

/** One tally per approver, summing theirs. */
export function mergeTallies(tallies: ApproverTally[]): ApproverTally[] {
  const byIdentity = new Map<string, ApproverTally>();
  for (const t of tallies) {
    let sum = byIdentity.get(t.identity);
    if (!sum) byIdentity.set(t.identity, (sum = emptyTally(t.identity, t.principal)));
    sum.decisions += t.decisions;
    sum.approvals += t.approvals;
    sum.one_word_reasons += t.one_word_reasons;
    for (const [bin, n] of t.review) bump(sum.review, bin, n);
    for (const [bin, n] of t.gaps) bump(sum.gaps, bin, n);
  }
  return [...byIdentity.values()];
}

/** Per-approver statistics and rubber-stamp flags, from their tallies. */
export function statsFromTallies(tallies: ApproverTally[], thresholds: RubberStampThresholds): ApproverStats[] {
  return mergeTallies(tallies)
    .filter((t) => t.decisions > 0)
    .map((t) => {
      const approval_rate = t.approvals / t.decisions;
      const median_review_seconds = histogramMedian(t.review) / 1000;
      const p10_review_seconds = histogramPercentile(t.review, 0.1) / 1000;
      const burstMs = thresholds.burst_seconds * 1000;
      let burst_approvals = 0;
      for (const [bin, n] of t.gaps) if (bin <= burstMs) burst_approvals += n;
      const flags: string[] = [];
      if (t.decisions >= thresholds.min_decisions) {
        if (approval_rate > thresholds.max_approval_rate) flags.push('high_approval_rate');
        if (median_review_seconds < thresholds.min_median_review_seconds) flags.push('fast_reviews');
        if (burst_approvals > thresholds.max_burst_approvals) flags.push('approval_bursts');
        if (t.approvals > 0 && t.one_word_reasons / t.approvals > 0.5) flags.push('one_word_reasons');
      }
      return {
        identity: t.identity,
        principal: t.principal,
        decisions: t.decisions,
        approvals: t.approvals,
        rejections: t.decisions - t.approvals,
        approval_rate,
        median_review_seconds,
        p10_review_seconds,
        burst_approvals,
        one_word_reasons: t.one_word_reasons,
        flags,
      };
    })
    .sort((a, b) => b.flags.length - a.flags.length || a.identity.localeCompare(b.identity));
}

/** Per-approver statistics and rubber-stamp flags, from the decisions they made. */
export function approverStats(records: DecisionRecord[], thresholds: RubberStampThresholds): ApproverStats[] {
  return statsFromTallies(tallyDecisions(records), thresholds);
}

export function median(values: number[]): number {
  return histogramMedian(histogram(values));
}

/** Nearest-rank percentile (`p` from 0 to 1). */
export function percentile(values: number[], p: number): number {
  return histogramPercentile(histogram(values), p);
}

function histogram(values: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) bump(counts, v, 1);
  return counts;
}

function bump(counts: Map<number, number>, key: number, n: number): void {
  counts.set(key, (counts.get(key) ?? 0) + n);
}

/** The value at 0-based `rank` of the sorted values a histogram counts. */
function valueAtRank(sorted: [number, number][], rank: number): number {
  let seen = 0;
  for (const [value, n] of sorted) {
    seen += n;
    if (rank < seen) return value;
  }
  return sorted[sorted.length - 1]![0];
}

function sortedBins(counts: Map<number, number>): { bins: [number, number][]; total: number } {
  const bins = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  return { bins, total: bins.reduce((sum, [, n]) => sum + n, 0) };
}

function histogramMedian(counts: Map<number, number>): number {
  const { bins, total } = sortedBins(counts);
  if (total === 0) return 0;
  const mid = total >> 1;
  return total % 2 === 1 ? valueAtRank(bins, mid) : (valueAtRank(bins, mid - 1) + valueAtRank(bins, mid)) / 2;
}

function histogramPercentile(counts: Map<number, number>, p: number): number {
  const { bins, total } = sortedBins(counts);
  if (total === 0) return 0;
  return valueAtRank(bins, Math.max(0, Math.ceil(p * total) - 1));
}

const DAY_MS = 86_400_000;
const isoOf = (ms: number) => new Date(ms).toISOString();

/**
 * How a window [from, to) is read: its whole UTC days from the day tallies
 * (`to` undefined: every day from `days.from` on), and the partial days at
 * either end from the decisions themselves (at most a day's decisions each).
 */
export function windowParts(from: string, to?: string): { days?: { from: string; to?: string }; partial: { from: string; to: string }[] } {
  const fromMs = Date.parse(from);
  const firstDay = Math.ceil(fromMs / DAY_MS) * DAY_MS;
  const head = fromMs < firstDay ? [{ from, to: isoOf(firstDay) }] : [];
  if (to === undefined) return { days: { from: dayOf(isoOf(firstDay)) }, partial: head };
  const toMs = Date.parse(to);
  const endDay = Math.floor(toMs / DAY_MS) * DAY_MS;
  if (firstDay >= endDay) return { partial: fromMs < toMs ? [{ from, to }] : [] };
  const tail = endDay < toMs ? [{ from: isoOf(endDay), to }] : [];
  return { days: { from: dayOf(isoOf(firstDay)), to: dayOf(isoOf(endDay)) }, partial: [...head, ...tail] };
}
