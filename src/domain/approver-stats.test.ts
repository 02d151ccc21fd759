import { describe, expect, it } from 'vitest';
import { approverStats, median, reviewBin, windowParts } from './approver-stats.js';
import type { DecisionRecord } from './change.js';

const record = (identity: string, verdict: 'approve' | 'reject', review_ms: number, at = '2026-11-25T09:00:00Z'): DecisionRecord => ({
  proposal_id: `p-${Math.random()}`,
  identity,
  principal: identity,
  verdict,
  at,
  review_ms,
  reason: 'looked at the plan and the rollback',
});
const minute = (m: number, s = 0) => new Date(Date.UTC(2026, 10, 25, 9, m, s)).toISOString();
const thresholds = { min_decisions: 3, max_approval_rate: 0.9, min_median_review_seconds: 30, burst_seconds: 10, max_burst_approvals: 1 };

describe('approver statistics', () => {
  it('flags an approver who approves everything within seconds', () => {
    const [stamp] = approverStats([1, 2, 3, 4].map(() => record('stamp', 'approve', 2_000)), thresholds);
    expect(stamp).toMatchObject({ decisions: 4, approvals: 4, rejections: 0, approval_rate: 1, median_review_seconds: 2 });
    expect(stamp!.flags).toEqual(['high_approval_rate', 'fast_reviews', 'approval_bursts']);
  });

  it('does not flag a careful approver who sometimes rejects', () => {
    const records = [record('care', 'approve', 120_000), record('care', 'reject', 300_000), record('care', 'approve', 90_000)];
    expect(approverStats(records, thresholds)[0]!.flags).toEqual([]);
  });

  it('judges nobody on fewer decisions than the threshold', () => {
    expect(approverStats([record('new', 'approve', 0)], thresholds)[0]!.flags).toEqual([]);
  });

  it('counts approvals made within seconds of the previous one as bursts, and reports the p10 review time', () => {
    const records = [
      record('quick', 'approve', 300_000, minute(0)),
      record('quick', 'approve', 4_000, minute(10)),
      record('quick', 'approve', 5_000, minute(10, 5)),
      record('quick', 'approve', 6_000, minute(10, 9)),
      record('quick', 'reject', 400_000, minute(30)),
      record('quick', 'approve', 200_000, minute(30, 5)),
    ];
    const [quick] = approverStats(records, thresholds);
    // 10:05 and 10:09 each follow the previous approval within 10 s; 30:05 comes 20 minutes later.
    expect(quick).toMatchObject({ burst_approvals: 2, p10_review_seconds: 4 });
    expect(quick!.flags).toContain('approval_bursts');
    const spaced = records.map((r, i) => ({ ...r, at: minute(i * 5) }));
    expect(approverStats(spaced, thresholds)[0]).toMatchObject({ burst_approvals: 0 });
  });

  it('counts approvals with one-word reasons and flags an approver who mostly gives them', () => {
    const records = ['ok', 'lgtm', ' fine ', 'checked the backup exists'].map((reason) => ({ ...record('terse', 'approve', 120_000), reason }));
    const [terse] = approverStats([...records, record('terse', 'reject', 60_000)], { ...thresholds, max_approval_rate: 1 });
    expect(terse).toMatchObject({ one_word_reasons: 3 });
    expect(terse!.flags).toEqual(['approval_bursts', 'one_word_reasons']);
  });

  it('takes the middle of an even count as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it('bins review times to two significant digits: whole seconds up to 99 s exact, within 5% anywhere', () => {
    expect([0, 7, 999, 1_000, 4_000, 90_000, 123_456, 86_400_123].map(reviewBin)).toEqual([0, 7, 1_000, 1_000, 4_000, 90_000, 120_000, 86_000_000]);
    for (const ms of [1_234, 10_499, 55_555, 999_999, 7_654_321]) expect(Math.abs(reviewBin(ms) - ms) / ms).toBeLessThanOrEqual(0.05);
  });

  it('reads whole days of a window from tallies and only its partial days from decisions', () => {
    expect(windowParts('2026-11-01T00:00:00.000Z', '2026-11-03T00:00:00.000Z')).toEqual({ days: { from: '2026-11-01', to: '2026-11-03' }, partial: [] });
    expect(windowParts('2026-11-01T12:00:00.000Z')).toEqual({
      days: { from: '2026-11-02' },
      partial: [{ from: '2026-11-01T12:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }],
    });
    expect(windowParts('2026-11-01T12:00:00.000Z', '2026-11-03T06:00:00.000Z')).toEqual({
      days: { from: '2026-11-02', to: '2026-11-03' },
      partial: [{ from: '2026-11-01T12:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }, { from: '2026-11-03T00:00:00.000Z', to: '2026-11-03T06:00:00.000Z' }],
    });
    expect(windowParts('2026-11-01T12:00:00.000Z', '2026-11-01T13:00:00.000Z')).toEqual({ partial: [{ from: '2026-11-01T12:00:00.000Z', to: '2026-11-01T13:00:00.000Z' }] });
  });
});
