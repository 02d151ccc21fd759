import { describe, expect, it } from 'vitest';
import { approverStats, median } from './approver-stats.js';
import type { DecisionRecord } from './change.js';

const record = (identity: string, verdict: 'approve' | 'reject', review_ms: number): DecisionRecord => ({
  proposal_id: `p-${Math.random()}`,
  identity,
  principal: identity,
  verdict,
  at: '2026-11-25T09:00:00Z',
  review_ms,
});
const thresholds = { min_decisions: 3, max_approval_rate: 0.9, min_median_review_seconds: 30 };

describe('approver statistics', () => {
  it('flags an approver who approves everything within seconds', () => {
    const [stamp] = approverStats([1, 2, 3, 4].map(() => record('stamp', 'approve', 2_000)), thresholds);
    expect(stamp).toMatchObject({ decisions: 4, approvals: 4, rejections: 0, approval_rate: 1, median_review_seconds: 2 });
    expect(stamp!.flags).toEqual(['high_approval_rate', 'fast_reviews']);
  });

  it('does not flag a careful approver who sometimes rejects', () => {
    const records = [record('care', 'approve', 120_000), record('care', 'reject', 300_000), record('care', 'approve', 90_000)];
    expect(approverStats(records, thresholds)[0]!.flags).toEqual([]);
  });

  it('judges nobody on fewer decisions than the threshold', () => {
    expect(approverStats([record('new', 'approve', 0)], thresholds)[0]!.flags).toEqual([]);
  });

  it('takes the middle of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});
