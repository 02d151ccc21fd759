import type { ApproverStats, RubberStampThresholds } from '../domain/approver-stats.js';
import type { ApprovalService } from '../service/approval-service.js';
import type { CheckpointStatus, Verification } from '../service/log-status.js';
import { FLAG_TEXT, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

type ExpiredReport = Awaited<ReturnType<ApprovalService['expiredReport']>>;

export interface ReportsView {
  approvers: ApproverStats[];
  thresholds: RubberStampThresholds;
  window: { from: string; to: string };
  expired: ExpiredReport;
  deliveries: Awaited<ReturnType<ApprovalService['deliveries']>>['items'];
  checkpoint: CheckpointStatus | undefined;
  verification: Verification | undefined;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** Approval rate per approver as bars, with the policy's limit drawn across: attributes only, no inline style (CSP). */
function chart(approvers: ApproverStats[], limit: number): SafeHtml {
  const barH = 22;
  const labelW = 120;
  const plotW = 360;
  const height = approvers.length * (barH + 8) + 24;
  const x = (rate: number) => labelW + rate * plotW;
  return html`<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 ${labelW + plotW + 60} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
<title id="chart-title">Approval rate per approver; the dashed line is the policy limit (${percent(limit)})</title>
${approvers.map((a, i) => {
    const y = i * (barH + 8) + 4;
    return html`<text x="${labelW - 8}" y="${y + barH * 0.7}" text-anchor="end" class="chart-label">${a.identity}</text>
<rect x="${labelW}" y="${y}" width="${Math.max(1, a.approval_rate * plotW)}" height="${barH}" class="${a.flags.length > 0 ? 'bar flagged' : 'bar'}"></rect>
<text x="${x(a.approval_rate) + 6}" y="${y + barH * 0.7}" class="chart-value">${percent(a.approval_rate)}</text>`;
  })}
<line x1="${x(limit)}" x2="${x(limit)}" y1="0" y2="${height - 20}" class="limit"></line>
<text x="${x(limit)}" y="${height - 6}" text-anchor="middle" class="chart-value">limit ${percent(limit)}</text>
</svg>`;
}

function approversSection(view: ReportsView): SafeHtml {
  const t = view.thresholds;
  const period = html`<p class="muted" id="approvers-window">Decisions from ${formatTime(view.window.from)} to ${formatTime(view.window.to)}.</p>`;
  if (view.approvers.length === 0) return html`<section class="card"><h2>Approvers</h2>${period}<p class="muted">No decisions in this period.</p></section>`;
  return html`<section class="card" aria-labelledby="approvers-title">
<h2 id="approvers-title">Approvers</h2>
${period}
<p class="muted">Flagged when, over at least ${t.min_decisions} decisions, the approval rate passes ${percent(t.max_approval_rate)}, the median review (first view to decision) is under ${t.min_median_review_seconds} s, or more than ${t.max_burst_approvals} approvals each came within ${t.burst_seconds} s of the previous one.</p>
${chart(view.approvers, t.max_approval_rate)}
<div class="scroll" tabindex="0"><table class="report">
<thead><tr><th scope="col">Approver</th><th scope="col">Decisions</th><th scope="col">Approvals</th><th scope="col">Rejections</th><th scope="col">Approval rate</th><th scope="col">Median review</th><th scope="col">Fastest 10 %</th><th scope="col">Burst approvals</th><th scope="col">Flags</th></tr></thead>
<tbody>${view.approvers.map(
    (a) => html`<tr class="${a.flags.length > 0 ? 'flagged' : ''}"><th scope="row">${a.identity}${a.principal !== a.identity ? html` <span class="muted">(${a.principal})</span>` : ''}</th>
<td>${a.decisions}</td><td>${a.approvals}</td><td>${a.rejections}</td><td>${percent(a.approval_rate)}</td><td>${a.median_review_seconds.toFixed(1)} s</td><td>${a.p10_review_seconds.toFixed(1)} s</td><td>${a.burst_approvals}</td>
<td>${a.flags.length === 0 ? '—' : a.flags.map((f) => html`<span class="badge flag">${FLAG_TEXT[f] ?? f}</span> `)}</td></tr>`,
  )}</tbody></table></div>
</section>`;
}

const waited = (seconds: number) => (seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`);

function expiredSection({ expired }: ReportsView): SafeHtml {
  const { items, groups } = expired;
  return html`<section class="card" aria-labelledby="expired-title">
<h2 id="expired-title">Expired proposals (${items.length})</h2>
<p class="muted">Never retried. Grouped by what happened before the deadline, to tell too few reviewers from a proposal nobody would sign.</p>
<ul class="groups">${groups.map((g) => html`<li id="group-${g.group}"><strong>${g.count}</strong> ${g.meaning}</li>`)}</ul>
${items.length === 0 ? html`<p class="muted">None.</p>` : html`<div class="scroll" tabindex="0"><table class="report" id="expired">
<thead><tr><th scope="col">What</th><th scope="col">Proposer</th><th scope="col">Urgency</th><th scope="col">Waited</th><th scope="col">Approvals</th><th scope="col">Opened by</th><th scope="col">Notified</th><th scope="col">Expired at</th></tr></thead>
<tbody>${items.map(
    (e) => html`<tr data-group="${e.group}"><td><a href="/proposals/${encodeURIComponent(e.id)}">${e.what}</a></td><td>${e.proposer}</td><td>${e.urgency}</td><td>${waited(e.waited_seconds)}</td>
<td>${e.approvals_received} of ${e.required_approvals}${e.approved_by.length ? html` <span class="muted">(${e.approved_by.join(', ')})</span>` : ''}</td>
<td>${e.viewed_by.length ? e.viewed_by.join(', ') : html`<span class="muted">nobody</span>`}</td>
<td>${e.notified.length === 0 ? html`<span class="muted">no webhook</span>` : e.notified.map((n) => html`<span class="${n.status === 'delivered' ? 'badge' : 'badge flag'}">${n.webhook}: ${n.event.replace('proposal.', '')} ${n.status}</span> `)}</td>
<td>${formatTime(e.expired_at)}</td></tr>`,
  )}</tbody></table></div>`}
</section>`;
}

function deliveriesSection({ deliveries }: ReportsView): SafeHtml {
  const failed = deliveries.filter((d) => d.status === 'failed').length;
  return html`<section class="card" aria-labelledby="deliveries-title">
<h2 id="deliveries-title">Notifications</h2>
${deliveries.length === 0
    ? html`<p class="muted">No webhook deliveries yet. Webhooks are configured under <code>notifications</code> in the policy file.</p>`
    : html`${failed > 0 ? html`<p class="notice error" id="deliveries-failed">${failed} of the latest ${deliveries.length} deliveries failed: check the webhook's URL and the receiver.</p>` : ''}
<div class="scroll" tabindex="0"><table class="report" id="deliveries">
<thead><tr><th scope="col">Queued</th><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
<tbody>${deliveries.map(
      (d) => html`<tr class="${d.status === 'failed' ? 'flagged' : ''}"><td>${formatTime(d.created_at)}</td><td>${d.webhook}</td>
<td>${d.proposal_id ? html`<a href="/proposals/${encodeURIComponent(d.proposal_id)}">${d.event_type}</a>` : d.event_type}</td>
<td>${d.status}${d.status === 'pending' && d.next_attempt_at ? html` <span class="muted">(next ${formatTime(d.next_attempt_at)})</span>` : ''}</td><td>${d.attempts}</td><td>${d.last_error ?? '—'}</td></tr>`,
    )}</tbody></table></div>`}
</section>`;
}

function logSection({ checkpoint, verification }: ReportsView, csrf: string): SafeHtml {
  const c = checkpoint;
  const v = verification;
  const signed = !c
    ? html`<p class="muted" id="checkpoint">No signed checkpoint yet: the first is signed once the log has events.</p>`
    : c.signature === 'invalid'
      ? html`<p class="notice error" role="alert" id="checkpoint">The newest checkpoint (events 1–${c.tree_size}) does not carry this server's signature.</p>`
      : html`<p id="checkpoint">Newest signed checkpoint covers events 1–${c.tree_size}, signed ${formatTime(c.signed_at)}${c.signature === 'valid' ? ' (signature valid)' : ''}; ${c.events_since} event${c.events_since === 1 ? '' : 's'} since.</p>`;
  const verified = !v
    ? html`<p class="muted" id="verify">Not verified in full since the server started.</p>`
    : v.result.ok
      ? html`<p class="notice ok" id="verify">Audit log intact: ${v.result.events} events verified ${formatTime(v.at)} by ${v.by} (${v.ms} ms).</p>`
      : html`<p class="notice error" role="alert" id="verify">Audit log broken at event ${v.result.first_bad_seq}: ${v.result.problem} (verified ${formatTime(v.at)} by ${v.by}).</p>`;
  return html`<section class="card" aria-labelledby="log-title" id="log">
<h2 id="log-title">Audit log</h2>
${signed}${verified}
<form method="post" action="/reports/verify"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Verify the whole log now</button></form>
</section>`;
}

export function reportsPage(context: PageContext & { csrf: string }, view: ReportsView): SafeHtml {
  return layout('Reports', context, html`<h1>Reports</h1>${logSection(view, context.csrf)}${approversSection(view)}${expiredSection(view)}${deliveriesSection(view)}`);
}
