import { STATUSES, type Proposal, type Status } from '../domain/proposal.js';
import { countdown, proposerLabel, riskBadges, statusBadge } from './badges.js';
import { approvalsSoFar, formatTime, queueOrder } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

export interface QueueView {
  status: Status | 'all';
  proposals: Proposal[];
  owners: Map<string, string | null>;
}

function filters(current: QueueView['status']): SafeHtml {
  const options: QueueView['status'][] = [...STATUSES, 'all'];
  return html`<nav class="filters" aria-label="Filter by status">${options.map(
    (s) => html`<a href="/?status=${s}" ${s === current ? html`aria-current="page"` : ''}>${s}</a>`,
  )}</nav>`;
}

function row(p: Proposal, view: QueueView, now: number): SafeHtml {
  return html`<tr data-proposal-id="${p.id}" class="urgency-${p.urgency}">
  <td data-label="Urgency"><span class="badge urgency">${p.urgency}</span></td>
  <td data-label="What"><a href="/proposals/${encodeURIComponent(p.id)}">${p.what}</a>${
    p.risk.declared_mismatch ? html` <span class="badge mismatch">declared mismatch</span>` : ''
  }</td>
  <td data-label="Risk">${riskBadges(p)}</td>
  <td data-label="Proposer">${proposerLabel(p, view.owners.get(p.proposer))}</td>
  <td data-label="Approvals">${approvalsSoFar(p)}</td>
  <td data-label="Status">${statusBadge(p.status)}</td>
  <td data-label="Expires">${countdown(p, now)}</td>
  <td data-label="Created">${formatTime(p.created_at)}</td>
</tr>`;
}

/** The queue: one row per proposal, each a link to its own page (decisions are made there, one at a time). */
export function queuePage(context: PageContext, view: QueueView): SafeHtml {
  const sorted = [...view.proposals].sort(queueOrder);
  const body = html`<h1>${view.status === 'all' ? 'All proposals' : `${view.status[0]!.toUpperCase()}${view.status.slice(1)} proposals`}</h1>
${filters(view.status)}
<div id="queue" data-region>
${
  sorted.length === 0
    ? html`<p class="empty">Nothing ${view.status === 'all' ? 'yet' : view.status} right now.</p>`
    : html`<table class="queue">
<caption class="sr-only">Most urgent first, then newest first</caption>
<thead><tr><th scope="col">Urgency</th><th scope="col">What</th><th scope="col">Risk</th><th scope="col">Proposer</th><th scope="col">Approvals</th><th scope="col">Status</th><th scope="col">Expires in</th><th scope="col">Created</th></tr></thead>
<tbody>${sorted.map((p) => row(p, view, context.now))}</tbody>
</table>`
}
<p class="muted count">${sorted.length} shown · updates live</p>
</div>`;
  return layout('Queue', context, body, 'queue');
}
