import type { Proposal } from '../domain/proposal.js';
import { formatRemaining } from './format.js';
import { html, type SafeHtml } from './html.js';

export const statusBadge = (status: Proposal['status']): SafeHtml => html`<span class="badge status-${status}" data-status="${status}">${status}</span>`;

export const riskBadges = (p: Proposal): SafeHtml =>
  p.risk.classes.length === 0
    ? html`<span class="badge risk-none">no risk class</span>`
    : html`${p.risk.classes.map((c) => html`<span class="badge risk">${c.replace('_', ' ')}</span> `)}`;

/** A live countdown for pending proposals; the script ticks it, the server's render is the fallback. */
export function countdown(p: Proposal, now: number): SafeHtml {
  if (p.status !== 'pending') return html`<span class="countdown done">—</span>`;
  const left = Date.parse(p.expires_at) - now;
  return html`<time class="countdown${left <= 0 ? ' over' : ''}" datetime="${p.expires_at}" data-expires="${p.expires_at}">${
    left <= 0 ? 'expiring now' : `${formatRemaining(left)} left`
  }</time>`;
}

export const proposerLabel = (p: Proposal, owner: string | null | undefined): SafeHtml =>
  owner ? html`${p.proposer} <span class="muted">(owner ${owner})</span>` : html`${p.proposer}`;
