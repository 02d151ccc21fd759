import type { Proposal } from '../domain/proposal.js';

const URGENCY_RANK: Record<Proposal['urgency'], number> = { triage: 0, normal: 1, low: 2 };

/** Most urgent first, then newest first: a triage request never hides below routine ones. */
export function queueOrder(a: Proposal, b: Proposal): number {
  return URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || b.created_at.localeCompare(a.created_at);
}

/** "4:05" or "1:02:03"; the browser script keeps the same format as it counts down. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `2026-11-25 09:00:00 UTC`: one unambiguous zone for everyone reviewing. */
export const formatTime = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '—';

export const formatUsd = (usd: number | null): string =>
  usd === null ? 'not stated' : `$${usd.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;

/** Rubber-stamp flags in words a reviewer reads at a glance. */
export const FLAG_TEXT: Record<string, string> = { high_approval_rate: 'approves almost everything', fast_reviews: 'decides very fast', approval_bursts: 'approves in bursts', one_word_reasons: 'gives one-word reasons' };

export const approvalsSoFar = (p: Proposal): string => `${p.approvals.length} of ${p.required_approvals}`;
